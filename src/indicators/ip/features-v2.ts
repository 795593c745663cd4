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
  logOdds,
  type OwnCounts,
  splitKey,
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

// Map.get with a freshly built "a.b.c.0/24" string costs ~1.5 us (build, hash, a 50k-entry table);
// IPv4 /24s are looked up by their 24-bit number instead, indexed once per assets table.
const v4Index = new WeakMap<ReadonlyMap<string, Counts>, Map<number, Counts>>();
const V4_KEY = /^(\d+)\.(\d+)\.(\d+)\.0\/24$/;

function v4Table(table: ReadonlyMap<string, Counts>): Map<number, Counts> {
  let index = v4Index.get(table);
  if (index === undefined) {
    index = new Map();
    for (const [k, c] of table) {
      const m = V4_KEY.exec(k);
      if (m !== null) index.set((Number(m[1]) << 16) | (Number(m[2]) << 8) | Number(m[3]), c);
    }
    v4Index.set(table, index);
  }
  return index;
}

/** The /24 (IPv4) or /48 (IPv6) counts of an address, less the row's own fold. */
function net24Counts(x: IpIndicator, table: ReadonlyMap<string, Counts>, own: Counts): Counts {
  const b = x.ip.bytes;
  if (b.length !== 4) return counts(table, splitKey(x.ip), own);
  const c = v4Table(table).get(((b[0] as number) << 16) | ((b[1] as number) << 8) | (b[2] as number)) ?? NONE;
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
  const net = net24Counts(x, table, own?.net24 ?? NONE);
  let i = offset + IP_FEATURE_COUNT;
  out[i++] = Math.log1p(net[0]);
  out[i++] = Math.log1p(net[1]);
  out[i++] = logOdds(net, balance);
}
