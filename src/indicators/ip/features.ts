/**
 * The IP model's feature row, shared by serving and the training exporter (src/training/export-ip.ts).
 *
 * An address carries little in its own bits, so the signals are about where it lives:
 * - reputation of its network, counted on the training split only (reputation-assets.ts): its ASN, its
 *   IPv4 /16 or IPv6 /32, its country. Training rows never count their own /24 (/48): a test address is
 *   always in a /24 that training never saw (the split is by /24), so both sides see the same thing;
 * - hosting vs access network: the published cloud ranges (hosting.ts) and words in the AS organisation;
 * - address-space facts: a routable special range (6to4, Teredo, NAT64, anycast) rather than plain unicast.
 *
 * Not features, on purpose: the IP version and a CIDR's prefix length (no benign IPv6 and no networks in
 * the training data, so they would only learn "IPv6 = malicious"), and the observation time: no training
 * source has one (C2-Tracker dates are the weekly commit of a Shodan query, ipsum is one snapshot), so an
 * hour-of-day feature would learn the feed's schedule. The time is parsed and kept in IpIndicator for a
 * later version trained on data that has it.
 */
import type { IpEnrichment } from '../types';
import type { IpAddress } from './parse';

export const IP_FEATURES_VERSION = 'ip/1';

/** The providers of data/hosting-ranges.json, one column each. */
export const HOSTING_PROVIDERS = [
  'amazon',
  'microsoft',
  'google',
  'oracle',
  'digitalocean',
  'linode',
  'cloudflare',
  'github',
] as const;

export const IP_FEATURE_NAMES: readonly string[] = [
  'asn_known',
  'asn_malicious_log1p',
  'asn_benign_log1p',
  'asn_log_odds',
  'prefix_malicious_log1p',
  'prefix_benign_log1p',
  'prefix_log_odds',
  'country_known',
  'country_log_odds',
  'hosting_listed',
  ...HOSTING_PROVIDERS.map((p) => `hosting_${p}`),
  'as_org_hosting_words',
  'as_org_access_words',
  'special_routable_range',
];
export const IP_FEATURE_COUNT = IP_FEATURE_NAMES.length;

/** What the pipeline knows about one IP item: the parsed address, its enrichment, the caller's time. */
export interface IpIndicator {
  ip: IpAddress;
  geo: IpEnrichment;
  observedAt?: Date | undefined;
}

/** Malicious and benign training addresses counted under one key. */
export type Counts = readonly [malicious: number, benign: number];

export interface IpFeatureAssets {
  /** The features version these counts were built for ('ip/1', 'ip/2'): it picks the feature code. */
  version: string;
  /** Training totals; log-odds weigh benign by malicious/benign so the classes count equally. */
  totals: Counts;
  asn: ReadonlyMap<number, Counts>;
  prefix: ReadonlyMap<string, Counts>;
  country: ReadonlyMap<string, Counts>;
  /** ip/2: counts per IPv4 /24 (IPv6 /48), keyed by splitKey(). Absent for ip/1. */
  net24?: ReadonlyMap<string, Counts>;
}

/** What a training row must not count of itself: the training rows of its own /24 (/48). */
export interface OwnCounts {
  asn: Counts;
  prefix: Counts;
  country: Counts;
  /** ip/2 only. */
  net24?: Counts;
}

const NONE: Counts = [0, 0];

/** The reputation key of an address: IPv4 /16 (`a.b`) or IPv6 /32 (8 hex digits). */
export function prefixKey(ip: Pick<IpAddress, 'bytes'>): string {
  const b = ip.bytes;
  if (b.length === 4) return `${b[0]}.${b[1]}`;
  return hex(b, 4);
}

/** The split unit: IPv4 /24 or IPv6 /48. Neighbours in it are usually one operator. */
export function splitKey(ip: Pick<IpAddress, 'bytes'>): string {
  const b = ip.bytes;
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.0/24`;
  return `${hex(b, 6)}/48`;
}

function hex(b: Uint8Array, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += (b[i] ?? 0).toString(16).padStart(2, '0');
  return s;
}

// Words, not brands: brands are what the ASN counts learn; these carry over to ASNs never seen in training.
const HOSTING_WORDS =
  /\b(hosting|host|hoster|cloud|servers?|vps|vds|data ?cent(er|re)s?|datacenter|colo(cation)?|dedicated|compute|virtual)\b/i;
const ACCESS_WORDS =
  /\b(telecom\w*|telekom\w*|telecommunications?|broadband|mobile|cable|wireless|cellular|dsl|fib(er|re)|isp|internet service|communications?|telefonica|residential)\b/i;

export function asOrgHostingWords(org: string): boolean {
  return (orgWords(org) & 1) !== 0;
}

export function asOrgAccessWords(org: string): boolean {
  return (orgWords(org) & 2) !== 0;
}

// Two regexes cost ~1 us per address; there are far fewer organisations than addresses (~80k ASNs).
const orgCache = new Map<string, number>();

function orgWords(org: string): number {
  let bits = orgCache.get(org);
  if (bits === undefined) {
    bits = (HOSTING_WORDS.test(org) ? 1 : 0) | (ACCESS_WORDS.test(org) ? 2 : 0);
    if (orgCache.size >= 200_000) orgCache.clear();
    orgCache.set(org, bits);
  }
  return bits;
}

export function counts(table: ReadonlyMap<string | number, Counts>, key: string | number, own: Counts): Counts {
  const c = table.get(key) ?? NONE;
  if (own === NONE) return c; // serving: nothing to subtract, no copy
  return [Math.max(0, c[0] - own[0]), Math.max(0, c[1] - own[1])];
}

// Map.get with a freshly built "a.b" string costs ~0.5 us (build, hash); IPv4 /16s are looked up by their
// 16-bit number instead, in an array indexed once per assets table (the last table is kept beside the
// WeakMap: serving reads one table, and a WeakMap lookup per address costs as much as a Map's).
// Same counts, same row.
const v4PrefixIndex = new WeakMap<ReadonlyMap<string, Counts>, (Counts | undefined)[]>();
let lastPrefixTable: ReadonlyMap<string, Counts> | undefined;
let lastPrefixIndex: (Counts | undefined)[] | undefined;

function buildV4PrefixIndex(table: ReadonlyMap<string, Counts>): (Counts | undefined)[] {
  const index = new Array<Counts | undefined>(65536).fill(undefined);
  for (const [k, c] of table) {
    const m = /^(\d+)\.(\d+)$/.exec(k);
    if (m === null) continue;
    const n = (Number(m[1]) << 8) | Number(m[2]);
    if (n >= 0 && n < 65536) index[n] = c; // no address has another number (the Map kept them unread)
  }
  return index;
}

function prefixCounts(ip: IpAddress, table: ReadonlyMap<string, Counts>, own: Counts): Counts {
  const b = ip.bytes;
  if (b.length !== 4) return counts(table, prefixKey(ip), own);
  let index = table === lastPrefixTable ? lastPrefixIndex : v4PrefixIndex.get(table);
  if (index === undefined) {
    index = buildV4PrefixIndex(table);
    v4PrefixIndex.set(table, index);
  }
  lastPrefixTable = table;
  lastPrefixIndex = index;
  const c = index[((b[0] as number) << 8) | (b[1] as number)] ?? NONE;
  if (own === NONE) return c;
  return [Math.max(0, c[0] - own[0]), Math.max(0, c[1] - own[1])];
}

/** ln((malicious + 1) / (benign * balance + 1)): 0 when unknown, positive when malicious-heavy. */
export function logOdds(c: Counts, balance: number): number {
  return Math.log((c[0] + 1) / (c[1] * balance + 1));
}

/**
 * Writes log1p(malicious), log1p(benign), log-odds at out[i..i+2]. Most served addresses fall in a /16
 * (or /24, ASN) training never saw: zeros then, without the three logarithms (log1p(0) and ln(1) are
 * exactly 0, so the row is the same).
 */
export function writeCounts(out: Float32Array, i: number, c: Counts, balance: number): void {
  if (c[0] === 0 && c[1] === 0) {
    out[i] = 0;
    out[i + 1] = 0;
    out[i + 2] = 0;
    return;
  }
  out[i] = Math.log1p(c[0]);
  out[i + 1] = Math.log1p(c[1]);
  out[i + 2] = logOdds(c, balance);
}

/**
 * Writes the feature row of `x` at `out[offset..]`. `own` is for the training exporter only: the counts
 * of the row's own /24, subtracted so a training row does not see its own label.
 */
export function ipFeatures(
  x: IpIndicator,
  assets: IpFeatureAssets,
  out: Float32Array,
  offset: number,
  own?: OwnCounts,
): void {
  const g = x.geo;
  const balance = assets.totals[0] / Math.max(1, assets.totals[1]);
  let i = offset;
  const asn = g.asn !== 0 ? counts(assets.asn, g.asn, own?.asn ?? NONE) : NONE;
  out[i++] = g.asn !== 0 ? 1 : 0;
  writeCounts(out, i, asn, balance);
  i += 3;
  writeCounts(out, i, prefixCounts(x.ip, assets.prefix, own?.prefix ?? NONE), balance);
  i += 3;
  const country = g.countryCode !== '' ? counts(assets.country, g.countryCode, own?.country ?? NONE) : NONE;
  out[i++] = g.countryCode !== '' ? 1 : 0;
  out[i++] = logOdds(country, balance);
  out[i++] = g.hostingProvider !== '' ? 1 : 0;
  for (const p of HOSTING_PROVIDERS) out[i++] = g.hostingProvider === p ? 1 : 0;
  const words = orgWords(g.asOrganization);
  out[i++] = words & 1;
  out[i++] = (words & 2) >> 1;
  out[i++] = x.ip.globallyRoutable && x.ip.range !== 'unicast' ? 1 : 0;
}
