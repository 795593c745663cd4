/**
 * Reading labelled training sources described by a JSON file (see models/training/*-sources.json):
 * plain lists, ranked lists, CSV/TSV with a named column, gzip by extension. Sampling is seeded so
 * that the same sources always give the same rows.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
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
      if (v !== '')
        rows.push({
          value: v,
          source: spec.name,
          malicious,
          group: gcol >= 0 ? (f[gcol] ?? '') : '',
          rank: 0,
          date: dcol >= 0 ? (f[dcol] ?? '').slice(0, 10) : '',
        });
    }
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
