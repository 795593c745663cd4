/**
 * Step 1 of the IP training pipeline (models/training/train.sh ip <version>): read the labelled
 * addresses, parse and enrich each with the serving code (parseIp, the bundled geo/ASN/hosting data),
 * split by network, count the reputation assets on the training split only, and write every row's
 * features with the serving feature code.
 *
 *   tsx src/training/export-ip.ts --sources models/training/ip-sources.json --data ../shared/data \
 *       --out models/training/.work/ip [--features ip/2|ip/3|ip/1] [--split network|time]
 *       [--benign-split network|address] [--assets-without SOURCE] [--geoip-dir DIR] [--sample N]
 *
 * Splits: `network` (default) hashes the /24 (IPv6 /48), so no neighbourhood is on two sides.
 * `time` trains on C2 addresses first seen before 2024-10-01, picks thresholds on the last quarter of
 * 2024 and tests on 2025 and on ipsum (a 2026 snapshot); benign rows are undated and keep a hash split,
 * by /24 (`--benign-split network`, ip/1's time evaluation) or by address (`address`: a later benign
 * address may sit in a /24 training saw, as a later C2 address may; with /24 features, splitting only
 * the benign side by /24 would hide their neighbours from benign rows alone and flatter the model).
 *
 * What a training row sees of itself: ip/1 subtracts its whole /24 from its counts; ip/2 uses 5
 * out-of-fold folds by address (the row's fold is subtracted, its /24 neighbours in other folds stay).
 * `--assets-without S` builds the reputation counts without source S (every row is still exported):
 * the leave-one-source-out evaluation (models/training/evaluate.py --loso-export) must not find the
 * left-out source inside the counts.
 * Each row's `context` (ASN, AS organisation, country as the database answered at export) goes into
 * rows.tsv so golden rows can be re-checked without the database (pipelines/ip.ts parseGolden).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import {
  IP_FEATURE_COUNT,
  IP_FEATURE_NAMES,
  IP_FEATURES_VERSION,
  type IpIndicator,
  ipFeatures,
  type OwnCounts,
  prefixKey,
  splitKey,
} from '../indicators/ip/features';
import { IP_FEATURE_COUNT_V2, IP_FEATURE_NAMES_V2, IP_FEATURES_V2, ipFeaturesV2 } from '../indicators/ip/features-v2';
import { IP_FEATURE_COUNT_V3, IP_FEATURE_NAMES_V3, IP_FEATURES_V3, ipFeaturesV3 } from '../indicators/ip/features-v3';
import { createGeoLookup, type GeoLookupOptions } from '../indicators/ip/geo';
import { geoIpDirectoryPaths } from '../indicators/ip/geo-defaults';
import { parseIp } from '../indicators/ip/parse';
import { buildIpAssets, serializeIpAssets } from '../indicators/ip/reputation-assets';
import { stableUnit } from './sources';
import { foldOf, type Split, splitOf } from './split';

interface IpSourceSpec {
  name: string;
  path: string;
  format: 'csv';
  column: string;
  date_column?: string;
  /** Keep only rows whose column holds this value (`where`) or does not (`where_not`): one file, two sources. */
  where?: Record<string, string>;
  where_not?: Record<string, string>;
  label: 'benign' | 'malicious';
  license: string;
  origin: string;
}

const { values: args } = parseArgs({
  options: {
    sources: { type: 'string', default: 'models/training/ip-sources.json' },
    data: { type: 'string', default: '../shared/data' },
    out: { type: 'string', default: 'models/training/.work/ip' },
    split: { type: 'string', default: 'network' },
    // The serving version's features (v2): its card's retrain command runs without --features.
    features: { type: 'string', default: IP_FEATURES_V2 },
    'benign-split': { type: 'string', default: 'network' },
    'assets-without': { type: 'string' },
    'geoip-dir': { type: 'string' },
    sample: { type: 'string' },
  },
});
if (args.split !== 'network' && args.split !== 'time') throw new Error('--split must be network or time');
if (![IP_FEATURES_VERSION, IP_FEATURES_V2, IP_FEATURES_V3].includes(args.features))
  throw new Error('--features must be ip/1, ip/2 or ip/3');
if (args['benign-split'] !== 'network' && args['benign-split'] !== 'address') {
  throw new Error('--benign-split must be network or address');
}
/** ip/2 and ip/3: /24 counts and out-of-fold training rows (ip/3 adds a column that needs no counts). */
const V2 = args.features !== IP_FEATURES_VERSION;
const V3 = args.features === IP_FEATURES_V3;
const WIDTH = V3 ? IP_FEATURE_COUNT_V3 : V2 ? IP_FEATURE_COUNT_V2 : IP_FEATURE_COUNT;
const NAMES = V3 ? IP_FEATURE_NAMES_V3 : V2 ? IP_FEATURE_NAMES_V2 : IP_FEATURE_NAMES;
const rowFeatures = V3 ? ipFeaturesV3 : ipFeaturesV2;
/** Out-of-fold folds of ip/2 and ip/3 training rows, by address. */
const FOLDS = 5;

/** Splits a CSV line with RFC 4180 quotes (the Tranco file quotes organisation names with commas). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}

function readRows(spec: IpSourceSpec): { value: string; date: string }[] {
  const buf = readFileSync(join(args.data, spec.path));
  const lines = (spec.path.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8').split(/\r?\n/);
  const header = csvFields(lines[0] ?? '');
  const col = header.indexOf(spec.column);
  const dcol = spec.date_column === undefined ? -1 : header.indexOf(spec.date_column);
  if (col < 0) throw new Error(`${spec.name}: column ${spec.column} not in ${header.join(',')}`);
  const filters = [
    ...Object.entries(spec.where ?? {}).map(([c, v]) => [c, v, true] as const),
    ...Object.entries(spec.where_not ?? {}).map(([c, v]) => [c, v, false] as const),
  ].map(([c, v, equal]) => {
    const i = header.indexOf(c);
    if (i < 0) throw new Error(`${spec.name}: filter column ${c} not in ${header.join(',')}`);
    return (f: string[]) => (f[i] === v) === equal;
  });
  const rows = lines
    .slice(1)
    .filter((l) => l !== '')
    .map((l) => csvFields(l))
    .filter((f) => filters.every((keep) => keep(f)))
    .map((f) => ({ value: (f[col] ?? '').trim(), date: dcol >= 0 ? (f[dcol] ?? '') : '' }));
  const cap = args.sample === undefined ? rows.length : Number(args.sample);
  if (rows.length <= cap) return rows;
  return rows
    .map((r) => ({ r, k: stableUnit(`${spec.name}:${r.value}`) }))
    .sort((a, b) => a.k - b.k)
    .slice(0, cap)
    .map((x) => x.r);
}

function timeSplit(malicious: boolean, date: string, key: string, address: string): Split {
  if (!malicious) return splitOf(args['benign-split'] === 'address' ? address : key);
  if (date === '') return 'test'; // ipsum: a 2026 snapshot, newer than every dated row
  return date < '2024-10-01' ? 'train' : date < '2025-01-01' ? 'val' : 'test';
}

interface Row {
  x: IpIndicator;
  source: string;
  malicious: boolean;
  date: string;
  split: Split;
  site: string;
}

async function main(): Promise<void> {
  const specs = (JSON.parse(readFileSync(args.sources, 'utf8')) as { sources: IpSourceSpec[] }).sources;
  const geoOptions: GeoLookupOptions = args['geoip-dir'] === undefined ? {} : geoIpDirectoryPaths(args['geoip-dir']);
  const geo = await createGeoLookup(geoOptions);
  const stats: Record<
    string,
    { read: number; invalid: number; not_routable: number; duplicate: number; used: number }
  > = {};
  const byAddress = new Map<string, Row>();
  const conflicted = new Set<string>();
  for (const spec of specs) {
    const st = { read: 0, invalid: 0, not_routable: 0, duplicate: 0, used: 0 };
    stats[spec.name] = st;
    const malicious = spec.label === 'malicious';
    for (const r of readRows(spec)) {
      st.read++;
      const p = parseIp(r.value);
      if (!p.ok) {
        st.invalid++;
        continue;
      }
      if (!p.value.globallyRoutable) {
        st.not_routable++; // answered by a rule at serving time, never by the model
        continue;
      }
      const prev = byAddress.get(p.value.address);
      if (prev !== undefined) {
        st.duplicate++;
        if (prev.malicious !== malicious) conflicted.add(p.value.address);
        continue;
      }
      const site = splitKey(p.value);
      const split = args.split === 'time' ? timeSplit(malicious, r.date, site, p.value.address) : splitOf(site);
      byAddress.set(p.value.address, {
        x: { ip: p.value, geo: geo.lookup(p.value) },
        source: spec.name,
        malicious,
        date: r.date,
        split,
        site,
      });
    }
  }
  for (const a of conflicted) byAddress.delete(a);
  const rows = [...byAddress.values()];
  for (const r of rows) stats[r.source]!.used++;

  const without = args['assets-without'];
  if (without !== undefined && !specs.some((s) => s.name === without)) throw new Error(`no source ${without}`);
  const train = rows.filter((r) => r.split === 'train' && r.source !== without);
  const repRow = (r: Row) => ({
    asn: r.x.geo.asn,
    prefix: prefixKey(r.x.ip),
    country: r.x.geo.countryCode,
    ...(V2 ? { net24: r.site } : {}),
    malicious: r.malicious,
  });
  const assets = buildIpAssets(train.map(repRow), args.features);
  const inAssets = new Set(train);

  // Each training row's own /24 (its label and its neighbours'), subtracted from its reputation counts.
  const bySite = new Map<string, Row[]>();
  for (const r of train) {
    const g = bySite.get(r.site);
    if (g === undefined) bySite.set(r.site, [r]);
    else g.push(r);
  }
  const ownOf = (r: Row): OwnCounts => {
    const asn: [number, number] = [0, 0];
    const prefix: [number, number] = [0, 0];
    const country: [number, number] = [0, 0];
    for (const n of bySite.get(r.site) ?? []) {
      const j = n.malicious ? 0 : 1;
      if (n.x.geo.asn === r.x.geo.asn) asn[j]++;
      if (prefixKey(n.x.ip) === prefixKey(r.x.ip)) prefix[j]++;
      if (n.x.geo.countryCode === r.x.geo.countryCode) country[j]++;
    }
    return { asn, prefix, country };
  };

  // ip/2: a training row's own fold, per key, subtracted from its counts (out-of-fold assets).
  const foldOfRow = (r: Row) => foldOf(r.x.ip.address, FOLDS);
  const foldCounts = new Map<string, [number, number]>();
  const foldKeys = (r: Row) => [
    `${foldOfRow(r)} asn ${r.x.geo.asn}`,
    `${foldOfRow(r)} prefix ${prefixKey(r.x.ip)}`,
    `${foldOfRow(r)} country ${r.x.geo.countryCode}`,
    `${foldOfRow(r)} net24 ${r.site}`,
  ];
  if (V2) {
    for (const r of train) {
      for (const k of foldKeys(r)) {
        const c = foldCounts.get(k) ?? [0, 0];
        c[r.malicious ? 0 : 1]++;
        foldCounts.set(k, c);
      }
    }
  }
  const foldOwn = (r: Row): OwnCounts => {
    const [asn, prefix, country, net24] = foldKeys(r).map((k) => foldCounts.get(k) ?? ([0, 0] as const));
    return { asn: asn!, prefix: prefix!, country: country!, net24: net24! };
  };

  const features = new Float32Array(rows.length * WIDTH);
  const group: string[] = [];
  rows.forEach((r, i) => {
    if (V2) rowFeatures(r.x, assets, features, i * WIDTH, inAssets.has(r) ? foldOwn(r) : undefined);
    else ipFeatures(r.x, assets, features, i * WIDTH, inAssets.has(r) ? ownOf(r) : undefined);
    // asn_known && (malicious + benign) > 0 after the exclusion: the ASN had training evidence.
    const seen = features[i * WIDTH] === 1 && (features[i * WIDTH + 1]! > 0 || features[i * WIDTH + 2]! > 0);
    group.push(seen ? 'asn_seen' : 'asn_unseen');
  });

  mkdirSync(args.out, { recursive: true });
  writeFileSync(join(args.out, 'features.f32'), Buffer.from(features.buffer));
  const clean = (s: string) => s.replace(/[\t\r\n]/g, ' ');
  const tsv = rows.map((r, i) => {
    const context = JSON.stringify({
      asn: r.x.geo.asn,
      as_organization: clean(r.x.geo.asOrganization),
      country_code: r.x.geo.countryCode,
    });
    return [r.x.ip.address, r.malicious ? 1 : 0, r.source, group[i], 0, r.split, r.site, r.date, context].join('\t');
  });
  writeFileSync(
    join(args.out, 'rows.tsv'),
    `indicator\tlabel\tsource\tgroup\trank\tsplit\tsite\tfirst_seen\tcontext\n${tsv.join('\n')}\n`,
  );
  writeFileSync(
    join(args.out, 'assets.json'),
    serializeIpAssets(
      assets,
      // File names and build dates, not install paths or CSV mtimes: the same data gives the same file.
      geo.sources.map((s) => ({ ...s, path: basename(s.path), builtAt: s.format === 'csv' ? undefined : s.builtAt })),
    ),
  );
  writeFileSync(
    join(args.out, 'spec.json'),
    JSON.stringify(
      {
        model: 'ip',
        features_version: args.features,
        feature_names: NAMES,
        split_mode: args.split,
        benign_split: args.split === 'time' ? args['benign-split'] : 'network',
        assets_without: without ?? null,
        sources: specs.map((s) => ({ ...s, ...stats[s.name] })),
        label_conflicts_dropped: conflicted.size,
        sample_cap: args.sample === undefined ? null : Number(args.sample),
      },
      null,
      2,
    ),
  );
  const count = (s: Split) => rows.filter((r) => r.split === s).length;
  console.log(
    `exported ${rows.length} rows (train ${count('train')}, val ${count('val')}, test ${count('test')}; ${conflicted.size} label conflicts dropped), ${WIDTH} features (${args.features})`,
  );
  console.log(JSON.stringify(stats));
  geo.close();
}

void main();
