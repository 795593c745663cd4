/**
 * URL features on domain/2 host features (`url/1+domain/2`): the URL's own features are those of
 * url/1 (urlOwnFeatures), the host is described by the domain/2 features (no whole-name length bias,
 * precise brands, crypto words, dynamic DNS), which is what a bare homepage URL is judged on.
 */
import { DOMAIN_FEATURE_COUNT_2, DOMAIN_FEATURE_NAMES_2, domainFeatures2 } from '../domain/features-v2';
import type { CanonicalUrl } from './canonicalize';
import { URL_OWN_FEATURE_NAMES, type UrlFeatureAssets, type UrlOwnFeatureName, urlOwnFeatures } from './features';

export const URL_FEATURES_VERSION_2 = 'url/1+domain/2';

export const URL_FEATURE_NAMES_2: readonly string[] = [
  ...DOMAIN_FEATURE_NAMES_2.map((n) => `host_${n}`),
  ...URL_OWN_FEATURE_NAMES,
];
export const URL_FEATURE_COUNT_2 = URL_FEATURE_NAMES_2.length;
export const URL_OWN_OFFSET_2 = DOMAIN_FEATURE_COUNT_2;

const ZERO_HOST = new Float32Array(DOMAIN_FEATURE_COUNT_2);

/** Writes the url/1+domain/2 features of `u` into `out[offset .. offset + URL_FEATURE_COUNT_2)`. */
export function urlFeatures2(u: CanonicalUrl, assets: UrlFeatureAssets, out: Float32Array, offset: number): void {
  if (u.domain !== undefined) domainFeatures2(u.domain, assets.host, out, offset);
  else out.set(ZERO_HOST, offset);
  urlOwnFeatures(u, assets, out, offset + URL_OWN_OFFSET_2);
}

/** Index of a URL-own feature in a url/1+domain/2 row. */
export function urlFeatureIndex2(name: UrlOwnFeatureName): number {
  return URL_OWN_OFFSET_2 + URL_OWN_FEATURE_NAMES.indexOf(name);
}
