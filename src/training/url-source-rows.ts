/**
 * Every URL a URL sources file names (models/training/url-*-sources.json: the CSV's sources, host
 * lists as `http://<host>/`, URL lists), canonicalised, with its label, source, site and split, as
 * export-url.ts reads them (no sample cap, URLs labelled both ways kept): what measurement scripts
 * need to tell URLs and sites a version was trained on from those it never saw, and to take the
 * malicious sources' test split.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type CanonicalUrl, canonicalizeUrl } from '../indicators/url/canonicalize';
import { readSource, type SourceSpec, stableUnit } from './sources';
import { type Split, splitOf } from './split';
import { splitUrlCsvLine, urlSiteKey } from './url-rows';

export interface UrlSourceRow {
  url: CanonicalUrl;
  malicious: boolean;
  source: string;
  site: string;
  split: Split;
}

interface UrlSourcesFile {
  file: { path: string; url_column: string; label_column: string; source_column: string };
  sources: { name: string; value: string; label: 'benign' | 'malicious' }[];
  host_sources?: SourceSpec[];
  url_sources?: SourceSpec[];
}

export function readUrlSourceRows(sourcesPath: string, dataDir: string): UrlSourceRow[] {
  const spec = JSON.parse(readFileSync(sourcesPath, 'utf8')) as UrlSourcesFile;
  const rows: UrlSourceRow[] = [];
  const add = (url: CanonicalUrl, malicious: boolean, source: string) => {
    const site = urlSiteKey(url);
    rows.push({ url, malicious, source, site, split: splitOf(site) });
  };
  const buf = readFileSync(join(dataDir, spec.file.path));
  const lines = (spec.file.path.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8').split('\n');
  const header = (lines[0] ?? '').replace(/\r$/, '').split(',');
  const [cl, cs] = [header.indexOf(spec.file.label_column), header.indexOf(spec.file.source_column)];
  const sourceOf = new Map(spec.sources.map((s) => [`${s.value}:${s.label === 'malicious' ? 1 : 0}`, s.name]));
  for (const line of lines.slice(1)) {
    if (line.trim() === '') continue;
    const f = splitUrlCsvLine(line.replace(/\r$/, ''), header.length);
    if (f === undefined) continue;
    const source = sourceOf.get(`${(f[cs] as string).split('|')[0]}:${f[cl]}`);
    const p = canonicalizeUrl(f[0] as string);
    if (source !== undefined && p.ok) add(p.value, f[cl] === '1', source);
  }
  for (const hs of spec.host_sources ?? []) {
    for (const r of readSource(hs, dataDir)) {
      const p = canonicalizeUrl(`http://${r.value}/`);
      if (!p.ok || p.value.domain === undefined) continue;
      const labels = p.value.domain.labels;
      const keep = hs.tld_keep?.[labels[labels.length - 1]!];
      if (keep !== undefined && stableUnit(`tld-keep:${p.value.domain.ascii}`) >= keep) continue;
      add(p.value, r.malicious, hs.name);
    }
  }
  for (const us of spec.url_sources ?? []) {
    for (const r of readSource(us, dataDir)) {
      const p = canonicalizeUrl(r.value);
      if (p.ok) add(p.value, r.malicious, us.name);
    }
  }
  return rows;
}
