/**
 * The URL pipeline: canonicalise -> allow-list rule -> features (host domain features + URL features)
 * -> `url` model -> reasons.
 *
 * Allow-list policy: a URL whose host's registrable domain is allow-listed (never a shared platform
 * or private suffix, see isAllowListed) is answered benign without the model, except when the host
 * (and path prefix) is a user-content place on that domain (src/indicators/url/data/user-content-hosts.txt:
 * drive.google.com, *.blob.core.windows.net, dropbox.com/s/, shorteners, ...). There the URL itself
 * is the indicator, so the rule steps aside and the model's score and verdict stand; the reasons
 * say so (USER_CONTENT_HOST).
 */
import { join } from 'node:path';
import { isAllowListed } from '../../indicators/domain/allow-list';
import { parseIp } from '../../indicators/ip/parse';
import type { UrlEnrichment } from '../../indicators/types';
import { loadUrlAssets } from '../../indicators/url/assets';
import { type CanonicalUrl, canonicalizeUrl, DEFAULT_MAX_URL_LENGTH } from '../../indicators/url/canonicalize';
import { explainUrl, explainUrl2 } from '../../indicators/url/explain';
import {
  URL_FEATURE_NAMES,
  URL_FEATURES_VERSION,
  type UrlFeatureAssets,
  urlFeatures,
} from '../../indicators/url/features';
import { URL_FEATURE_NAMES_2, URL_FEATURES_VERSION_2, urlFeatures2 } from '../../indicators/url/features-v2';
import { userContentEntry } from '../../indicators/url/user-content';
import type { FeatureParts, Pipeline, RuleDecision } from '../pipeline';
import { domainEnrichment } from './domain';

export function urlEnrichment(u: CanonicalUrl): UrlEnrichment {
  return {
    scheme: u.scheme,
    host: u.host,
    port: u.port,
    path: u.path,
    query: u.query,
    domain: u.domain === undefined ? undefined : domainEnrichment(u.domain),
    hostIsIp: u.hostKind !== 'domain',
    hadUserinfo: u.hadUserinfo,
  };
}

/**
 * Why the URL's host names no host on the Internet, or undefined when it may: a special-purpose
 * address (loopback, private, link-local, ...: the IP path's ranges), `localhost` and names under it
 * (RFC 6761), or a single label, which only a local network's search domains resolve. The models know
 * Internet sites; such a URL is answered by rule, as the IP path answers such an address.
 */
function notOnTheInternet(u: CanonicalUrl): string | undefined {
  if (u.hostKind !== 'domain') {
    const ip = parseIp(u.host);
    if (ip.ok && !ip.value.globallyRoutable) return `its host ${u.host} is in the ${ip.value.range} range`;
    return undefined;
  }
  if (u.host === 'localhost' || u.host.endsWith('.localhost')) return `its host ${u.host} is the local machine`;
  if (!u.host.includes('.')) return `its host "${u.host}" is a single label, which only a local network resolves`;
  return undefined;
}

/** The rules for URLs (see the policy above); undefined when the model decides. */
export function decideUrl(u: CanonicalUrl): RuleDecision | undefined {
  const local = notOnTheInternet(u);
  if (local !== undefined) {
    return {
      verdict: 'benign',
      score: false,
      reasons: [
        {
          code: 'NOT_GLOBALLY_ROUTABLE',
          message: `${local}: it names no host on the Internet, so it is not scored`,
          weight: 0,
        },
      ],
    };
  }
  if (u.domain === undefined || !isAllowListed(u.domain)) return undefined;
  if (userContentEntry(u.host, u.path) !== undefined) return undefined;
  return {
    verdict: 'benign',
    score: false,
    reasons: [
      {
        code: 'ALLOW_LISTED',
        message: `${u.domain.registrableDomain} is on the allow-list of popular registrable domains, and ${u.host} is not a user-content host`,
        weight: 0,
      },
    ],
  };
}

const loadAssets = (dir: string) => loadUrlAssets(join(dir, 'assets.json'));

/** URL models trained on the domain/1 host features (models/url/1) keep being fed those. */
const urlFeatures1: FeatureParts<CanonicalUrl, UrlFeatureAssets> = {
  featuresVersion: URL_FEATURES_VERSION,
  featureNames: URL_FEATURE_NAMES,
  loadAssets,
  features: urlFeatures,
  explain: (u, row, score, meta) => explainUrl(u, row, score >= meta.thresholds.suspicious),
};

export const urlPipeline: Pipeline<CanonicalUrl, UrlFeatureAssets> = {
  kind: 'url',
  modelName: 'url',
  maxLength: DEFAULT_MAX_URL_LENGTH,
  featuresVersion: URL_FEATURES_VERSION_2,
  featureNames: URL_FEATURE_NAMES_2,
  loadAssets,
  parse: (item) => canonicalizeUrl(item.value),
  normalised: (u) => u.url,
  enrich: (u) => ({ kind: 'url', url: urlEnrichment(u) }),
  decide: decideUrl,
  features: urlFeatures2,
  explain: (u, row, score, meta) => explainUrl2(u, row, score >= meta.thresholds.suspicious),
  olderFeatures: [urlFeatures1],
};
