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
 *
 * A link-rewriting gateway's wrapper (Proofpoint URL Defense, Safe Links, ...) is scored as the link it
 * wraps, with the enrichment of that link and a reason naming the gateways and the link, ahead of
 * the rule's or the model's own (src/indicators/url/unwrap.ts); one whose target cannot be read is
 * scored as itself, saying why.
 * The cache stays keyed by the value as sent: unwrapping is a function of it, so the same wrapper
 * always gets the same answer, and two gateways' wrappers of one link differ in their reasons.
 */
import { join } from 'node:path';
import { isAllowListed } from '../../indicators/domain/allow-list';
import { DOMAIN_FEATURE_NAMES_2 } from '../../indicators/domain/features-v2';
import { parseIp } from '../../indicators/ip/parse';
import { ok, type Parsed, type Reason, type ReasonSink, type UrlEnrichment } from '../../indicators/types';
import { loadUrlAssets } from '../../indicators/url/assets';
import { type CanonicalUrl, canonicalizeUrl, DEFAULT_MAX_URL_LENGTH } from '../../indicators/url/canonicalize';
import { explainUrl, explainUrl2 } from '../../indicators/url/explain';
import {
  URL_FEATURE_NAMES,
  URL_FEATURES_VERSION,
  type UrlFeatureAssets,
  urlFeatures,
} from '../../indicators/url/features';
import {
  URL_FEATURE_NAMES_2,
  URL_FEATURES_VERSION_2,
  URL_OWN_OFFSET_2,
  urlFeatures2,
} from '../../indicators/url/features-v2';
import { urlPlatformSlice } from '../../indicators/url/platform-slice';
import { type UnwrappedUrl, unwrapUrl, wrappingReason } from '../../indicators/url/unwrap';
import { userContentEntry } from '../../indicators/url/user-content';
import type { ModelMetadata } from '../metadata';
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

/** Parses as sent, then takes off any gateway wrappers (the same object back for a plain URL). */
function parseUrl(value: string): Parsed<UnwrappedUrl> {
  const c = canonicalizeUrl(value);
  if (!c.ok) return c;
  const u = unwrapUrl(value, c.value);
  return u === c.value ? c : ok(u);
}

/** A rule's answer for an unwrapped URL, led by the reason that says which link it is about. */
function decideUnwrapped(u: UnwrappedUrl): RuleDecision | undefined {
  const d = decideUrl(u);
  if (d === undefined) return undefined;
  const why = wrappingReason(u);
  return why === undefined ? d : { ...d, reasons: [why, ...d.reasons] };
}

/** A features version's explanations, led by the unwrapping reason when there is one. */
function withWrapping(
  explain: FeatureParts<CanonicalUrl, UrlFeatureAssets>['explain'],
): FeatureParts<UnwrappedUrl, UrlFeatureAssets>['explain'] {
  return (u, row, score, meta) => {
    const why = wrappingReason(u);
    const reasons = explain(u, row, score, meta);
    return why === undefined ? reasons : [why, ...reasons];
  };
}

/** URL models trained on the domain/1 host features (models/url/1) keep being fed those. */
const urlFeatures1: FeatureParts<UnwrappedUrl, UrlFeatureAssets> = {
  featuresVersion: URL_FEATURES_VERSION,
  featureNames: URL_FEATURE_NAMES,
  loadAssets,
  features: urlFeatures,
  explain: withWrapping((u, row, score, meta) => explainUrl(u, row, score >= meta.thresholds.suspicious)),
};

/**
 * Policy of versions whose metadata has `slice_thresholds.platform_customer` (url v4+): a URL on a
 * platform's customer site without lure evidence is judged against those thresholds, and its
 * SHARED_HOSTING reason says so (src/indicators/url/platform-slice.ts, models/url/README.md).
 */
const SLICE_2 = urlPlatformSlice(DOMAIN_FEATURE_NAMES_2, URL_OWN_OFFSET_2);

/** url v2+ reasons, after the unwrapping reason when there is one, appended to `into`. */
function explain2<S extends ReasonSink>(
  u: UnwrappedUrl,
  row: Float32Array,
  score: number,
  meta: ModelMetadata,
  into: S,
): S {
  const why = wrappingReason(u);
  if (why !== undefined) into.push(why);
  const slice = SLICE_2(u, row);
  const platform = slice === undefined ? undefined : meta.slice_thresholds?.[slice];
  return explainUrl2(u, row, score >= (platform ?? meta.thresholds).suspicious, platform, into);
}

export const urlPipeline: Pipeline<UnwrappedUrl, UrlFeatureAssets> = {
  kind: 'url',
  modelName: 'url',
  maxLength: DEFAULT_MAX_URL_LENGTH,
  featuresVersion: URL_FEATURES_VERSION_2,
  featureNames: URL_FEATURE_NAMES_2,
  loadAssets,
  parse: (item) => parseUrl(item.value),
  normalised: (u) => u.url,
  enrich: (u) => ({ kind: 'url', url: urlEnrichment(u) }),
  decide: decideUnwrapped,
  features: urlFeatures2,
  thresholdSlice: (u, row) => SLICE_2(u, row),
  explain: (u, row, score, meta) => explain2(u, row, score, meta, [] as Reason[]),
  explainInto: explain2,
  olderFeatures: [urlFeatures1],
};
