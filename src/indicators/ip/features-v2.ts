/**
 * The IP model's feature row, version ip/2: every ip/1 column (features.ts, unchanged, so v1 keeps
 * scoring as trained) plus the reputation of the address's own /24 (IPv6 /48).
 *
 * Why the /24: C2 operators and bulletproof hosters rent neighbouring addresses, and a big mixed-use
 * hosting ASN (DigitalOcean, Alibaba, Amazon) holds both the C2 and the popular sites, so its ASN and
 * /16 counts say "mixed" while the /24 often says which. The counts are training-split addresses only.
 *
 * What a training row sees of itself differs from ip/1: ip/1 removed the row's whole /24 (test rows are
 * in /24s training never saw, by the split). ip/2 removes the row's own out-of-fold share instead
 * (export-ip.ts: 5 folds by address hash, a row's counts come from the other 4 folds), so a training
 * row sees its /24 neighbours the way a served address does, and never its own label.
 */
import {
  type Counts,
  counts,
  IP_FEATURE_COUNT,
  IP_FEATURE_NAMES,
  type IpFeatureAssets,
  type IpIndicator,
  ipFeatures,
  type OwnCounts,
  splitKey,
  writeCounts,
} from './features';

export const IP_FEATURES_V2 = 'ip/2';

export const IP_FEATURE_NAMES_V2: readonly string[] = [
  ...IP_FEATURE_NAMES,
  'net24_malicious_log1p',
  'net24_benign_log1p',
  'net24_log_odds',
];
export const IP_FEATURE_COUNT_V2 = IP_FEATURE_NAMES_V2.length;

const NONE: Counts = [0, 0];

// Map.get with a freshly built "a.b.c.0/24" string costs ~1.5 us (build, hash, a 50k-entry table).
// IPv4 /24s are indexed once per assets table by /16: most addresses are in a /16 without any counted
// /24 (one array read), the others scan the few /24s of their /16.
interface V4Index {
  /** starts[k16]..starts[k16 + 1]: the /24s of /16 number k16, as third octets and counts. */
  starts: Int32Array;
  third: Uint8Array;
  counts: Counts[];
}
const v4Index = new WeakMap<ReadonlyMap<string, Counts>, V4Index>();
const V4_KEY = /^(\d+)\.(\d+)\.(\d+)\.0\/24$/;
let lastTable: ReadonlyMap<string, Counts> | undefined;
let lastIndex: V4Index | undefined;

function buildV4Index(table: ReadonlyMap<string, Counts>): V4Index {
  const keyed: [number, Counts][] = [];
  for (const [k, c] of table) {
    const m = V4_KEY.exec(k);
    if (m !== null) keyed.push([(Number(m[1]) << 16) | (Number(m[2]) << 8) | Number(m[3]), c]);
  }
  keyed.sort((a, b) => a[0] - b[0]);
  const starts = new Int32Array(65537);
  for (const [k] of keyed) starts[(k >> 8) + 1]!++;
  for (let i = 1; i < starts.length; i++) starts[i]! += starts[i - 1];
  return { starts, third: Uint8Array.from(keyed, ([k]) => k & 255), counts: keyed.map(([, c]) => c) };
}

function v4Counts(table: ReadonlyMap<string, Counts>, b: Uint8Array): Counts {
  let index = table === lastTable ? lastIndex : v4Index.get(table);
  if (index === undefined) {
    index = buildV4Index(table);
    v4Index.set(table, index);
  }
  lastTable = table;
  lastIndex = index;
  const k16 = ((b[0] as number) << 8) | (b[1] as number);
  const third = b[2] as number;
  for (let j = index.starts[k16] as number, end = index.starts[k16 + 1] as number; j < end; j++) {
    if (index.third[j] === third) return index.counts[j] as Counts;
  }
  return NONE;
}

/** The /24 (IPv4) or /48 (IPv6) counts of an address, less the row's own fold. */
function net24Counts(x: IpIndicator, table: ReadonlyMap<string, Counts>, own: Counts): Counts {
  const b = x.ip.bytes;
  if (b.length !== 4) return counts(table, splitKey(x.ip), own);
  const c = v4Counts(table, b);
  return own === NONE ? c : [Math.max(0, c[0] - own[0]), Math.max(0, c[1] - own[1])];
}

/** Writes the ip/2 row of `x` at `out[offset..]`; `own` (training only) is the row's own fold's counts. */
export function ipFeaturesV2(
  x: IpIndicator,
  assets: IpFeatureAssets,
  out: Float32Array,
  offset: number,
  own?: OwnCounts,
): void {
  ipFeatures(x, assets, out, offset, own);
  const table = assets.net24;
  if (table === undefined) throw new Error('ip/2 features need /24 counts in assets.json');
  const balance = assets.totals[0] / Math.max(1, assets.totals[1]);
  writeCounts(out, offset + IP_FEATURE_COUNT, net24Counts(x, table, own?.net24 ?? NONE), balance);
}
