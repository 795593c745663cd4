/**
 * The IP pipeline: parse -> geo/ASN/hosting enrichment -> non-routable and known-service rules ->
 * features -> `ip` model.
 *
 * Addresses that are not globally routable (private, loopback, link-local, multicast, documentation,
 * reserved, CGNAT ...) name no host on the Internet: they get verdict BENIGN from a rule, no score, and
 * the reason NOT_GLOBALLY_ROUTABLE naming the range. They are never "malicious": the model has nothing
 * to say about them (and a sensor's own 10.x address is not evidence of anything).
 *
 * The enrichment comes from the GeoLookup the app opened (bundled or configured databases, reloadable);
 * the reputation counts from the model version's assets.json. Golden rows carry the ASN and country that
 * training saw (parseGolden), so a model version's canary check passes whatever database is configured;
 * a different database shifts the inputs, not the feature code, and is the operator's choice.
 */
import { join } from 'node:path';
import { explainIp } from '../../indicators/ip/explain';
import {
  IP_FEATURE_NAMES,
  IP_FEATURES_VERSION,
  type IpFeatureAssets,
  type IpIndicator,
  ipFeatures,
} from '../../indicators/ip/features';
import { IP_FEATURE_NAMES_V2, IP_FEATURES_V2, ipFeaturesV2 } from '../../indicators/ip/features-v2';
import { IP_FEATURE_NAMES_V3, IP_FEATURES_V3, ipFeaturesV3 } from '../../indicators/ip/features-v3';
import { type GeoLookup, NO_GEO } from '../../indicators/ip/geo';
import { bundledHostingLookup } from '../../indicators/ip/hosting';
import {
  createKnownServiceLookup,
  type KnownServiceLookup,
  knownServiceMessage,
} from '../../indicators/ip/known-services';
import { MAX_IP_LENGTH, parseIp } from '../../indicators/ip/parse';
import { loadIpAssets } from '../../indicators/ip/reputation-assets';
import { ok, type Parsed } from '../../indicators/types';
import type { Pipeline } from '../pipeline';

/** The enrichment fields a golden row records (export-ip.ts writes them). */
interface GoldenContext {
  asn?: number;
  as_organization?: string;
  country_code?: string;
}

/** An IP indicator as training saw it: the address, its ASN and country from the row, hosting from the bundled table. */
export function ipFromContext(indicator: string, context: unknown): Parsed<IpIndicator> {
  const parsed = parseIp(indicator);
  if (!parsed.ok) return parsed;
  const ip = parsed.value;
  const c = (typeof context === 'object' && context !== null ? context : {}) as GoldenContext;
  return ok({
    ip,
    geo: {
      version: ip.version,
      address: ip.address,
      prefixLength: ip.prefixLength,
      range: ip.range,
      globallyRoutable: ip.globallyRoutable,
      asn: c.asn ?? 0,
      asOrganization: c.as_organization ?? '',
      ...NO_GEO,
      countryCode: c.country_code ?? '',
      hostingProvider: ip.globallyRoutable ? bundledHostingLookup().provider(ip) : '',
    },
  });
}

// Data, the same for every IP pipeline of a thread: a worker makes a pipeline at every geo reload.
let knownServices: KnownServiceLookup | undefined;

export function ipPipeline(geo: GeoLookup): Pipeline<IpIndicator, IpFeatureAssets> {
  knownServices ??= createKnownServiceLookup();
  const known = knownServices;
  // A cached answer carries the enrichment of the databases it was made with: after a reload, the key
  // space changes (generation) and the old answers age out of the cache instead of being served.
  let sources = geo.sources;
  let generation = 0;
  return {
    kind: 'ip',
    modelName: 'ip',
    maxLength: MAX_IP_LENGTH,
    featuresVersion: IP_FEATURES_V3,
    featureNames: IP_FEATURE_NAMES_V3,
    // v2 and v1 (rollback) keep ip/2 and ip/1: their own columns and feature code, the same rules and parsing.
    olderFeatures: [
      {
        featuresVersion: IP_FEATURES_V2,
        featureNames: IP_FEATURE_NAMES_V2,
        loadAssets: (dir) => loadIpAssets(join(dir, 'assets.json')),
        features: (x, assets, out, offset) => ipFeaturesV2(x, assets, out, offset),
        explain: (x, row) => explainIp(x, row),
      },
      {
        featuresVersion: IP_FEATURES_VERSION,
        featureNames: IP_FEATURE_NAMES,
        loadAssets: (dir) => loadIpAssets(join(dir, 'assets.json')),
        features: (x, assets, out, offset) => ipFeatures(x, assets, out, offset),
        explain: (x, row) => explainIp(x, row),
      },
    ],
    loadAssets: (dir) => loadIpAssets(join(dir, 'assets.json')),
    parse(item) {
      const parsed = parseIp(item.value);
      if (!parsed.ok) return parsed;
      return ok({ ip: parsed.value, geo: geo.lookup(parsed.value), observedAt: item.observedAt });
    },
    parseGolden: ipFromContext,
    // The raw value is the key: observed_at is a feature of no ip version, so it is not part of the key either.
    cacheSpace() {
      if (geo.sources !== sources) {
        sources = geo.sources;
        generation++;
      }
      return generation === 0 ? 'ip' : `ip ${generation}`;
    },
    shared: () => geo.share(),
    normalised: (x) => (x.ip.prefixLength > 0 ? `${x.ip.address}/${x.ip.prefixLength}` : x.ip.address),
    enrich: (x) => ({ kind: 'ip', ip: x.geo }),
    decide(x) {
      if (x.ip.globallyRoutable) {
        const service = known.find(x.ip);
        if (service === undefined) return undefined;
        return {
          verdict: 'benign',
          score: false,
          reasons: [{ code: 'KNOWN_SERVICE', message: knownServiceMessage(x.ip.address, service), weight: 0 }],
        };
      }
      return {
        verdict: 'benign',
        score: false,
        reasons: [
          {
            code: 'NOT_GLOBALLY_ROUTABLE',
            message: `${x.ip.address} is in the ${x.ip.range} range, which is not globally routable: it names no host on the Internet, so it is not scored`,
            weight: 0,
          },
        ],
      };
    },
    features: (x, assets, out, offset) => ipFeaturesV3(x, assets, out, offset),
    explain: (x, row) => explainIp(x, row),
  };
}
