/**
 * Reading labelled training sources described by a JSON file (see models/training/*-sources.json):
 * plain lists, ranked lists, CSV/TSV with a named column, gzip by extension. Sampling is seeded so
 * that the same sources always give the same rows.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseDomain } from '../indicators/domain/parse';
import { splitUrlCsvLine } from './url-rows';

export interface SourceSpec {
  name: string;
  path: string;
  /**
   * What `path` is relative to: the data folder (--data, default), or the working directory (train.sh
   * runs from the repository root) for files a script makes on this machine instead of shipping them in
   * shared data (scripts/domain/extract-long-tail.ts writes under models/training/.work).
   */
  path_from?: 'data' | 'cwd';
  format: 'lines' | 'lines-ranked' | 'csv' | 'tsv';
  column?: string;
  group_column?: string;
  /** Column holding the row's date (yyyy-mm-dd...), for later-in-time evaluation (models/training/evaluate.py). */
  date_column?: string;
  /** Share of rows kept per TLD (seeded), for lists whose TLD mix is an artefact (default: all kept). */
  tld_keep?: Record<string, number>;
  /** Group of a row without a group column: the first pattern (regex on the host) it matches. */
  group_patterns?: Record<string, string>;
  /**
   * The column holds URLs and the row's value is the URL's host (a URL list used as a host list); the
   * URL must be the first CSV field (it may hold commas, the other fields may not).
   */
  url_hosts?: boolean;
  /** Keep only the rows whose named columns hold these values (one file holding several sources). */
  where?: Record<string, string>;
  label: 'benign' | 'malicious';
  max_rows?: number;
  /**
   * At most this many rows per registrable domain (of the row's host; seeded sample, applied before
   * max_rows), so one company or vendor cannot fill a list: EasyPrivacy's CNAME section holds 6,107
   * hosts under `actonservice.com` alone (domain card, "Resolver-like names"). Default: no cap.
   */
  max_rows_per_registrable_domain?: number;
  /**
   * At most `max` rows per value of a CSV/TSV column (seeded sample, after the registrable-domain cap and
   * before max_rows): a list's `provider` column, so one analytics vendor cannot fill a list either
   * (Adobe's CNAMEs are 9,671 of the train side's 16,528).
   */
  max_rows_per_column?: { column: string; max: number };
  /** Training sample weight of each row (default 1); train.py then rescales so both classes weigh the same. */
  weight?: number;
  /**
   * Whether the rows count towards the TLD log-odds asset (default true). Off for generator output: a
   * DGA's TLD choice is arbitrary, and keeping it out means an unseen family cannot leak in through it.
   */
  tld_stats?: boolean;
  /**
   * Counts towards the word log-odds of domain/3 (default true). False for generated names (DGA): a
   * generator's word list says nothing about the words of phishing, and a held-out dictionary family
   * would leak in through it.
   */
  word_stats?: boolean;
  license: string;
  origin: string;
}

export interface SourceRow {
  value: string;
  source: string;
  malicious: boolean;
  /** Family or other grouping column (DGA family), '' when none. */
  group: string;
  /** 1-based rank in a ranked list, 0 when unranked. */
  rank: number;
  /** First-seen or collection date (yyyy-mm-dd), '' when the source has none. */
  date: string;
}

export function readSourcesFile(path: string): SourceSpec[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { sources: SourceSpec[] }).sources;
}

/** A stable number in [0, 1) from a string: seeded sampling and hash splits that never change between runs. */
export function stableUnit(key: string): number {
  return createHash('sha1').update(key).digest().readUInt32BE(0) / 2 ** 32;
}

function splitCsvLine(line: string, sep: string): string[] {
  // The sources hold host names and simple fields; none needs quoting rules beyond stripping quotes.
  return line.split(sep).map((f) => f.replace(/^"|"$/g, ''));
}

/** The host of a URL string (scheme optional), lower-cased; '' when there is none. */
export function hostOfUrl(url: string): string {
  const m = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/?#]*@)?(\[[^\]]*\]|[^/?#:\\]+)/i.exec(url);
  return (m?.[1] ?? '').toLowerCase().replace(/\.$/, '');
}

export function readSource(spec: SourceSpec, dataDir: string, sampleCap?: number): SourceRow[] {
  const buf = readFileSync(spec.path_from === 'cwd' ? spec.path : join(dataDir, spec.path));
  const text = (spec.path.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const malicious = spec.label === 'malicious';
  let rows: SourceRow[] = [];
  const capKeys: string[] = [];
  if (spec.format === 'lines' || spec.format === 'lines-ranked') {
    let rank = 0;
    for (const l of lines) {
      const v = l.trim();
      if (v === '' || v.startsWith('#')) continue;
      rank++;
      rows.push({
        value: v,
        source: spec.name,
        malicious,
        group: '',
        rank: spec.format === 'lines-ranked' ? rank : 0,
        date: '',
      });
    }
  } else {
    const sep = spec.format === 'csv' ? ',' : '\t';
    const header = splitCsvLine(lines[0] ?? '', sep);
    const col = header.indexOf(spec.column ?? '');
    if (col < 0) throw new Error(`${spec.name}: column "${spec.column}" not in header ${header.join(',')}`);
    const gcol = spec.group_column === undefined ? -1 : header.indexOf(spec.group_column);
    const dcol = spec.date_column === undefined ? -1 : header.indexOf(spec.date_column);
    const capCol = spec.max_rows_per_column === undefined ? -1 : header.indexOf(spec.max_rows_per_column.column);
    if (spec.max_rows_per_column !== undefined && capCol < 0)
      throw new Error(
        `${spec.name}: cap column "${spec.max_rows_per_column.column}" not in header ${header.join(',')}`,
      );
    const where = Object.entries(spec.where ?? {}).map(([c, want]) => {
      const i = header.indexOf(c);
      if (i < 0) throw new Error(`${spec.name}: where-column "${c}" not in header ${header.join(',')}`);
      return [i, want] as const;
    });
    for (const l of lines.slice(1)) {
      if (l === '') continue;
      const f = spec.url_hosts ? (splitUrlCsvLine(l, header.length) ?? []) : splitCsvLine(l, sep);
      if (where.some(([i, want]) => f[i] !== want)) continue;
      const v = spec.url_hosts ? hostOfUrl((f[col] ?? '').trim()) : (f[col] ?? '').trim();
      if (v !== '') {
        rows.push({
          value: v,
          source: spec.name,
          malicious,
          group: gcol >= 0 ? (f[gcol] ?? '') : '',
          rank: 0,
          date: dcol >= 0 ? (f[dcol] ?? '').slice(0, 10) : '',
        });
        if (capCol >= 0) capKeys.push(f[capCol] ?? '');
      }
    }
  }
  const perDomain = spec.max_rows_per_registrable_domain;
  if (spec.max_rows_per_column !== undefined && spec.format !== 'csv' && spec.format !== 'tsv')
    throw new Error(`${spec.name}: max_rows_per_column needs a csv or tsv source`);
  let keys: string[] | undefined = spec.max_rows_per_column === undefined ? undefined : capKeys;
  if (perDomain !== undefined) {
    const kept = capPerKey(rows, spec.name, perDomain, (r) => registrableOf(r.value));
    if (keys !== undefined) {
      const k = keys;
      keys = kept.map((i) => k[i] as string);
    }
    rows = kept.map((i) => rows[i] as SourceRow);
  }
  if (spec.max_rows_per_column !== undefined && keys !== undefined) {
    const k = keys;
    rows = capPerKey(rows, spec.name, spec.max_rows_per_column.max, (_, i) => k[i] as string).map(
      (i) => rows[i] as SourceRow,
    );
  }
  const cap = Math.min(spec.max_rows ?? Number.POSITIVE_INFINITY, sampleCap ?? Number.POSITIVE_INFINITY);
  if (rows.length > cap) {
    // Seeded sample: keep the rows whose hash is smallest (order-independent, reproducible).
    rows = rows
      .map((r) => ({ r, k: stableUnit(`${spec.name}:${r.value}`) }))
      .sort((a, b) => a.k - b.k)
      .slice(0, cap)
      .map((x) => x.r);
  }
  return rows;
}

/** The registrable domain of a row's host (the host itself when it has none, `''` for what does not parse). */
function registrableOf(host: string): string {
  const p = parseDomain(host);
  return p.ok ? p.value.registrableDomain || p.value.siteKey : '';
}

/**
 * The indices of the rows kept when at most `max` rows are kept per key: within each key, the rows whose
 * seeded hash is smallest (the max_rows sample's hash, so the result does not depend on the file's
 * order); in file order.
 */
export function capPerKey(
  rows: readonly SourceRow[],
  sourceName: string,
  max: number,
  keyOf: (r: SourceRow, i: number) => string,
): number[] {
  const byKey = new Map<string, { i: number; k: number }[]>();
  rows.forEach((r, i) => {
    const key = keyOf(r, i);
    const list = byKey.get(key) ?? [];
    list.push({ i, k: stableUnit(`${sourceName}:${r.value}`) });
    byKey.set(key, list);
  });
  const keep = new Uint8Array(rows.length);
  for (const list of byKey.values()) {
    list.sort((a, b) => a.k - b.k);
    for (const { i } of list.slice(0, max)) keep[i] = 1;
  }
  return rows.flatMap((_, i) => (keep[i] === 1 ? [i] : []));
}
