/**
 * The IP model's assets.json: per-ASN, per-prefix and per-country counts of malicious and benign
 * training addresses, built by the exporter from the training split only and shipped with the model
 * version, so a version always scores with the reputation it was trained with.
 *
 * ip/2 adds per-/24 (IPv6 /48) counts (`net24`); ip/3 has the same counts. The features version in the file
 * picks the feature code (features.ts for ip/1, features-v2.ts for ip/2, features-v3.ts for ip/3), so one
 * server loads every version.
 *
 * The file also records the hash of the bundled hosting ranges it was trained with: the hosting columns
 * come from code-versioned data (data/hosting-ranges.json), and a model must not silently score with a
 * rebuilt table, so loading refuses a mismatch. ip/3 records the CDN edge table's hash the same way.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cdnEdgesSha256 } from './cdn-edges';
import bundledHosting from './data/hosting-ranges.json';
import { type Counts, IP_FEATURES_VERSION, type IpFeatureAssets } from './features';
import { IP_FEATURES_V2 } from './features-v2';
import { IP_FEATURES_V3 } from './features-v3';

/** The features versions whose assets this file reads. */
export const IP_ASSET_VERSIONS: readonly string[] = [IP_FEATURES_VERSION, IP_FEATURES_V2, IP_FEATURES_V3];

interface AssetsFile {
  features_version: string;
  hosting_ranges_sha256: string;
  /** ip/3: sha256 of data/cdn-edges.json as parsed (the cdn_edge column). */
  cdn_edges_sha256?: string;
  totals: Counts;
  asn: Record<string, Counts>;
  prefix: Record<string, Counts>;
  country: Record<string, Counts>;
  net24?: Record<string, Counts>;
  /** Which geo/ASN databases the exporter looked the training addresses up in (documentation). */
  geo_sources?: unknown;
}

/** A training address as the asset builder needs it. */
export interface ReputationRow {
  asn: number;
  prefix: string;
  country: string;
  /** splitKey(): the IPv4 /24 or IPv6 /48 (counted for ip/2 only). */
  net24?: string;
  malicious: boolean;
}

/** sha256 of the bundled hosting table's JSON text as parsed (independent of file formatting). */
export function hostingRangesSha256(): string {
  return createHash('sha256').update(JSON.stringify(bundledHosting)).digest('hex');
}

function add<K>(m: Map<K, [number, number]>, key: K, malicious: boolean): void {
  const c = m.get(key) ?? [0, 0];
  c[malicious ? 0 : 1]++;
  m.set(key, c);
}

export function buildIpAssets(rows: readonly ReputationRow[], version = IP_FEATURES_VERSION): IpFeatureAssets {
  const asn = new Map<number, [number, number]>();
  const prefix = new Map<string, [number, number]>();
  const country = new Map<string, [number, number]>();
  const net24 = new Map<string, [number, number]>();
  let mal = 0;
  for (const r of rows) {
    if (r.malicious) mal++;
    if (r.asn !== 0) add(asn, r.asn, r.malicious);
    add(prefix, r.prefix, r.malicious);
    if (r.country !== '') add(country, r.country, r.malicious);
    if (r.net24 !== undefined) add(net24, r.net24, r.malicious);
  }
  const assets: IpFeatureAssets = { version, totals: [mal, rows.length - mal], asn, prefix, country };
  return version === IP_FEATURES_VERSION ? assets : { ...assets, net24 };
}

const sorted = <K extends string | number>(m: ReadonlyMap<K, Counts>): Record<string, Counts> =>
  Object.fromEntries([...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, v]) => [String(k), v]));

export function serializeIpAssets(a: IpFeatureAssets, geoSources?: unknown): string {
  const file: AssetsFile = {
    features_version: a.version,
    hosting_ranges_sha256: hostingRangesSha256(),
    ...(a.version === IP_FEATURES_V3 ? { cdn_edges_sha256: cdnEdgesSha256() } : {}),
    totals: a.totals,
    asn: sorted(a.asn),
    prefix: sorted(a.prefix),
    country: sorted(a.country),
    ...(a.net24 === undefined ? {} : { net24: sorted(a.net24) }),
    ...(geoSources === undefined ? {} : { geo_sources: geoSources }),
  };
  return `${JSON.stringify(file)}\n`;
}

function table<K>(rec: Record<string, Counts> | undefined, what: string, key: (k: string) => K): Map<K, Counts> {
  if (typeof rec !== 'object' || rec === null) throw new Error(`assets.json: ${what} missing`);
  const m = new Map<K, Counts>();
  for (const [k, v] of Object.entries(rec)) {
    if (!Array.isArray(v) || v.length !== 2 || !v.every((n) => Number.isInteger(n) && n >= 0)) {
      throw new Error(`assets.json: ${what}["${k}"] is not [malicious, benign]`);
    }
    m.set(key(k), [v[0], v[1]]);
  }
  return m;
}

export function parseIpAssets(json: string): IpFeatureAssets {
  const f = JSON.parse(json) as AssetsFile;
  if (!IP_ASSET_VERSIONS.includes(f.features_version)) {
    throw new Error(
      `assets.json is for features ${f.features_version}, the code computes ${IP_ASSET_VERSIONS.join(', ')}`,
    );
  }
  const sha = hostingRangesSha256();
  if (f.hosting_ranges_sha256 !== sha) {
    throw new Error('assets.json was built with other hosting ranges than the bundled data/hosting-ranges.json');
  }
  if (f.features_version === IP_FEATURES_V3 && f.cdn_edges_sha256 !== cdnEdgesSha256()) {
    throw new Error('assets.json was built with other CDN edge ranges than the bundled data/cdn-edges.json');
  }
  const [m, b] = f.totals ?? [];
  if (!Number.isInteger(m) || !Number.isInteger(b)) throw new Error('assets.json: totals missing');
  const assets: IpFeatureAssets = {
    version: f.features_version,
    totals: [m as number, b as number],
    asn: table(f.asn, 'asn', Number),
    prefix: table(f.prefix, 'prefix', String),
    country: table(f.country, 'country', String),
  };
  if (f.features_version === IP_FEATURES_VERSION) return assets;
  return { ...assets, net24: table(f.net24, 'net24', String) };
}

export function loadIpAssets(path: string): IpFeatureAssets {
  return parseIpAssets(readFileSync(path, 'utf8'));
}
