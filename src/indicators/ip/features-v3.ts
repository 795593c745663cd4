/**
 * The IP model's feature row, version ip/3: every ip/2 column (features-v2.ts, unchanged, so v2 keeps
 * scoring as trained) plus `cdn_edge`: the address is in the published front-end ranges of a CDN
 * (Cloudflare from hosting-ranges.json, Amazon CloudFront and Fastly from data/cdn-edges.json).
 *
 * Why: the benign training addresses are popular sites' front ends, and the reputation counts learn
 * them per network. A kind of front end the counts never saw (a site on CloudFront when only
 * Cloudflare-fronted sites were trained on, or the reverse) was scored by its network's malicious
 * neighbours: inside AS16509, CloudFront edges and rented EC2 servers share one record. One column that
 * says "CDN edge" whatever the operator lets what is learned on one operator's edges carry to another's.
 */
import { bundledCdnEdges } from './cdn-edges';
import type { IpFeatureAssets, IpIndicator, OwnCounts } from './features';
import { IP_FEATURE_COUNT_V2, IP_FEATURE_NAMES_V2, ipFeaturesV2 } from './features-v2';

export const IP_FEATURES_V3 = 'ip/3';

export const IP_FEATURE_NAMES_V3: readonly string[] = [...IP_FEATURE_NAMES_V2, 'cdn_edge'];
export const IP_FEATURE_COUNT_V3 = IP_FEATURE_NAMES_V3.length;

/** The CDN whose edge holds the address ('Cloudflare', 'Amazon CloudFront', 'Fastly'), or ''. */
export function cdnEdgeOf(x: IpIndicator): string {
  if (x.geo.hostingProvider === 'cloudflare') return 'Cloudflare';
  return bundledCdnEdges().find(x.ip) ?? '';
}

/** Writes the ip/3 row of `x` at `out[offset..]`; `own` (training only) is the row's own fold's counts. */
export function ipFeaturesV3(
  x: IpIndicator,
  assets: IpFeatureAssets,
  out: Float32Array,
  offset: number,
  own?: OwnCounts,
): void {
  ipFeaturesV2(x, assets, out, offset, own);
  out[offset + IP_FEATURE_COUNT_V2] = cdnEdgeOf(x) !== '' ? 1 : 0;
}
