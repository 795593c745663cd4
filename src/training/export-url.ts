/**
 * Step 1 of the URL training pipeline (models/training/train.sh url <version> runs it): read the
 * labelled URL CSV, canonicalise each URL with the serving parser, split by the host's site key, learn
 * the host feature assets on the training split, and write every row's features with the serving
 * feature code. Python then trains on exactly these numbers.
 *
 *   tsx src/training/export-url.ts --sources models/training/url-sources.json \
 *       --data ../shared/data --out models/training/.work/url [--sample 5000]
 *
 * rows.tsv columns: indicator (canonical URL), label, source (the first listed source of the row),
 * group (the source year: train.py --auc-by-group reports AUC within each year, where the scheme and
 * URL shape cannot stand in for the era), rank (Tranco rank of the registrable domain, 0 if unranked),
 * split, site.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { buildHostAssets, countNgrams, serializeUrlAssets } from '../indicators/url/assets';
import { type CanonicalUrl, canonicalizeUrl } from '../indicators/url/canonicalize';
import { pathQuery, URL_FEATURE_NAMES, URL_FEATURES_VERSION, urlFeatures } from '../indicators/url/features';
import { URL_FEATURE_NAMES_2, URL_FEATURES_VERSION_2, urlFeatures2 } from '../indicators/url/features-v2';
import { subtractCounts, weightCounts } from '../indicators/url/ngram-llr';
import { readSource, type SourceSpec, stableUnit } from './sources';
import { type Split, splitOf } from './split';
import { splitUrlCsvLine, urlSiteKey } from './url-rows';

const { values: args } = parseArgs({
  options: {
    sources: { type: 'string', default: 'models/training/url-sources.json' },
    data: { type: 'string', default: '../shared/data' },
    out: { type: 'string', default: 'models/training/.work/url' },
    sample: { type: 'string' },
  },
});

interface UrlSourcesFile {
  /** The features version to export (default: the newest); a model version retrains on its own. */
  features_version?: string;
  file: { path: string; url_column: string; label_column: string; source_column: string; year_column: string };
  popularity?: { path: string };
  /** `value` is the CSV's source column value; a value with both labels is listed once per label. */
  sources: { name: string; value: string; label: 'benign' | 'malicious'; license: string; origin: string }[];
  /**
   * Host lists read like the domain model's sources (see SourceSpec), each host becoming the bare
   * homepage URL `http://<host>/`: phishing hosts whose URL was never published, and benign sites'
   * homepages, so the model learns the host-only case (group `host-list`).
   */
  host_sources?: SourceSpec[];
  /**
   * Lists of whole URLs read like the domain model's sources (the column holds the URL): benign deep
   * pages (scripts/url/extract-deep-urls.ts), so a path is not phishing merely for being deep
   * (group `url-list`).
   */
  url_sources?: SourceSpec[];
}

interface Row {
  url: CanonicalUrl;
  malicious: boolean;
  source: string;
  year: string;
  site: string;
  split: Split;
  rank: number;
}

function readText(path: string): string {
  const buf = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
}

const spec = JSON.parse(readFileSync(args.sources, 'utf8')) as UrlSourcesFile;
const sourceOf = new Map(spec.sources.map((s) => [`${s.value}:${s.label === 'malicious' ? 1 : 0}`, s.name]));
const sampleCap = args.sample === undefined ? undefined : Number(args.sample);
const FEATURE_SETS = new Map([
  [URL_FEATURES_VERSION, { names: URL_FEATURE_NAMES, compute: urlFeatures }],
  [URL_FEATURES_VERSION_2, { names: URL_FEATURE_NAMES_2, compute: urlFeatures2 }],
]);
const featuresVersion = spec.features_version ?? URL_FEATURES_VERSION_2;
const featureSet = FEATURE_SETS.get(featuresVersion);
if (featureSet === undefined) throw new Error(`unknown URL features version "${featuresVersion}"`);
const URL_FEATURE_COUNT = featureSet.names.length;

const ranks = new Map<string, number>();
if (spec.popularity !== undefined) {
  let r = 0;
  for (const l of readText(join(args.data, spec.popularity.path)).split('\n')) {
    const d = l.trim().toLowerCase();
    if (d !== '' && !d.startsWith('#') && !ranks.has(d)) ranks.set(d, ++r);
  }
}

const lines = readText(join(args.data, spec.file.path)).split('\n');
const header = (lines[0] ?? '').replace(/\r$/, '').split(',');
const col = (name: string) => {
  const i = header.indexOf(name);
  if (i < 0) throw new Error(`column "${name}" not in header ${header.join(',')}`);
  return i;
};
const [cu, cl, cs, cy] = [
  col(spec.file.url_column),
  col(spec.file.label_column),
  col(spec.file.source_column),
  col(spec.file.year_column),
];
if (cu !== 0) throw new Error('the URL column must come first (it is the only one that may hold commas)');

const stats: Record<string, { read: number; invalid: number; used: number }> = {};
for (const s of spec.sources) stats[s.name] = { read: 0, invalid: 0, used: 0 };
const byUrl = new Map<string, Row>();
const conflicted = new Set<string>();
const invalidReasons: Record<string, number> = {};

/**
 * Keeps the first spelling of a URL (its site, split and popularity rank with it); a URL labelled both
 * ways teaches nothing and is dropped at the end.
 */
function addRow(url: CanonicalUrl, malicious: boolean, source: string, year: string): void {
  const prev = byUrl.get(url.url);
  if (prev !== undefined) {
    if (prev.malicious !== malicious) conflicted.add(url.url);
    return;
  }
  const site = urlSiteKey(url);
  byUrl.set(url.url, {
    url,
    malicious,
    source,
    year,
    site,
    split: splitOf(site),
    rank: ranks.get(url.domain?.registrableDomain ?? '') ?? 0,
  });
}

for (const line of lines.slice(1)) {
  if (line.trim() === '') continue;
  const f = splitUrlCsvLine(line.replace(/\r$/, ''), header.length);
  if (f === undefined) throw new Error(`malformed line: ${line.slice(0, 120)}`);
  const value = (f[cs] as string).split('|')[0] as string;
  const source = sourceOf.get(`${value}:${f[cl]}`);
  if (source === undefined) throw new Error(`source "${value}" with label ${f[cl]} is not listed in ${args.sources}`);
  const st = stats[source]!;
  st.read++;
  const p = canonicalizeUrl(f[cu] as string);
  if (!p.ok) {
    st.invalid++;
    const why = p.error.message.replace(/"[^"]*"/g, '"…"').slice(0, 60);
    invalidReasons[why] = (invalidReasons[why] ?? 0) + 1;
    continue;
  }
  addRow(p.value, f[cl] === '1', source, f[cy] as string);
}
for (const hs of spec.host_sources ?? []) {
  stats[hs.name] = { read: 0, invalid: 0, used: 0 };
  for (const r of readSource(hs, args.data)) {
    stats[hs.name]!.read++;
    const p = canonicalizeUrl(`http://${r.value}/`);
    if (!p.ok || p.value.domain === undefined) {
      stats[hs.name]!.invalid++;
      continue;
    }
    const labels = p.value.domain.labels;
    const keep = hs.tld_keep?.[labels[labels.length - 1]!];
    if (keep !== undefined && stableUnit(`tld-keep:${p.value.domain.ascii}`) >= keep) continue;
    addRow(p.value, r.malicious, hs.name, 'host-list');
  }
}
for (const us of spec.url_sources ?? []) {
  stats[us.name] = { read: 0, invalid: 0, used: 0 };
  for (const r of readSource(us, args.data)) {
    stats[us.name]!.read++;
    const p = canonicalizeUrl(r.value);
    if (!p.ok) {
      stats[us.name]!.invalid++;
      continue;
    }
    addRow(p.value, r.malicious, us.name, 'url-list');
  }
}
for (const k of conflicted) byUrl.delete(k);
let rows = [...byUrl.values()];
if (sampleCap !== undefined) {
  // Seeded per-source sample: the smallest hashes, so the same cap always gives the same rows.
  const keep = new Set<Row>();
  for (const s of [...spec.sources, ...(spec.host_sources ?? []), ...(spec.url_sources ?? [])]) {
    rows
      .filter((r) => r.source === s.name)
      .map((r) => ({ r, k: stableUnit(`${s.name}:${r.url.url}`) }))
      .sort((a, b) => a.k - b.k)
      .slice(0, sampleCap)
      .forEach((x) => {
        keep.add(x.r);
      });
  }
  rows = rows.filter((r) => keep.has(r));
}
for (const r of rows) stats[r.source]!.used++;

// Every statistic learned from labels (the host n-gram language model and TLD log-odds, the URL
// n-gram weights) is applied to a training row from the other folds (by site) only. Otherwise a
// training row's own name is always "seen" (e.g. host_sld_ngram_unseen_ratio is 0 for every benign
// training host but not for a new one), and the model learns that skew instead of phishing.
// Validation and test rows, like serving, use the statistics of the whole training split.
const FOLDS = 5;
const train = rows.filter((r) => r.split === 'train');
const foldOf = (r: Row) => Math.floor(stableUnit(`fold:${r.site}`) * FOLDS);
const ngramDoc = (r: Row) => ({ host: r.url.host, pathQuery: pathQuery(r.url), malicious: r.malicious });
const hostsOf = (rs: Row[]) =>
  rs.flatMap((r) => (r.url.domain === undefined ? [] : [{ domain: r.url.domain, malicious: r.malicious }]));
const allCounts = countNgrams(train.map(ngramDoc));
const assets = buildHostAssets(hostsOf(train), weightCounts(allCounts));
const foldAssets = Array.from({ length: FOLDS }, (_, k) => {
  const inFold = countNgrams(train.filter((r) => foldOf(r) === k).map(ngramDoc));
  return buildHostAssets(
    hostsOf(train.filter((r) => foldOf(r) !== k)),
    weightCounts(subtractCounts(allCounts, inFold)),
  );
});

const features = new Float32Array(rows.length * URL_FEATURE_COUNT);
const t0 = process.hrtime.bigint();
for (const [i, r] of rows.entries()) {
  featureSet.compute(r.url, r.split === 'train' ? foldAssets[foldOf(r)]! : assets, features, i * URL_FEATURE_COUNT);
}
const nsPerRow = Number(process.hrtime.bigint() - t0) / Math.max(rows.length, 1);

mkdirSync(args.out, { recursive: true });
writeFileSync(join(args.out, 'features.f32'), Buffer.from(features.buffer));
// A canonical URL holds no tab or newline (they are stripped or escaped), so the TSV needs no quoting.
const tsv = rows.map((r) => [r.url.url, r.malicious ? 1 : 0, r.source, r.year, r.rank, r.split, r.site].join('\t'));
writeFileSync(join(args.out, 'rows.tsv'), `indicator\tlabel\tsource\tgroup\trank\tsplit\tsite\n${tsv.join('\n')}\n`);
writeFileSync(join(args.out, 'assets.json'), serializeUrlAssets(assets));
writeFileSync(
  join(args.out, 'spec.json'),
  JSON.stringify(
    {
      model: 'url',
      features_version: featuresVersion,
      feature_names: featureSet.names,
      sources: [...spec.sources, ...(spec.host_sources ?? []), ...(spec.url_sources ?? [])].map((s) => ({
        ...s,
        ...stats[s.name],
      })),
      label_conflicts_dropped: conflicted.size,
      invalid_reasons: invalidReasons,
      sample_cap: sampleCap ?? null,
    },
    null,
    2,
  ),
);
console.log(
  `exported ${rows.length} rows (${conflicted.size} label conflicts dropped), ${URL_FEATURE_COUNT} features, ${nsPerRow.toFixed(0)} ns/row`,
);
console.log(JSON.stringify(stats));
console.log(JSON.stringify(invalidReasons));
