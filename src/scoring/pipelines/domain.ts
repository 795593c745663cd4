/** The domain pipeline: parse -> allow-list rule -> features -> `domain` model -> reasons. */
import { join } from 'node:path';
import { isAllowListed } from '../../indicators/domain/allow-list';
import { loadDomainAssets } from '../../indicators/domain/assets';
import { explainDomain } from '../../indicators/domain/explain';
import {
  DOMAIN_FEATURE_NAMES,
  DOMAIN_FEATURES_VERSION,
  type DomainFeatureAssets,
  domainFeatures,
} from '../../indicators/domain/features';
import { type DomainName, MAX_DOMAIN_INPUT, parseDomain } from '../../indicators/domain/parse';
import type { DomainEnrichment, Verdict } from '../../indicators/types';
import type { Pipeline } from '../pipeline';

export function domainEnrichment(d: DomainName): DomainEnrichment {
  return {
    registrableDomain: d.registrableDomain,
    publicSuffix: d.publicSuffix,
    subdomain: d.subdomain,
    subdomainDepth: d.subdomainDepth,
    ascii: d.ascii,
    unicode: d.unicode,
    privateSuffix: d.privateSuffix,
    sharedHostingPlatform: d.sharedHostingPlatform || d.privateSuffix,
  };
}

const BRAND_DISTANCE = DOMAIN_FEATURE_NAMES.indexOf('brand_distance');
const BRAND_EXACT = DOMAIN_FEATURE_NAMES.indexOf('brand_exact_sld');
const MIXED_SCRIPT = DOMAIN_FEATURE_NAMES.indexOf('mixed_script');

/**
 * Policy: a close lookalike of a brand (edit distance 1-2 after folding homoglyphs, not the brand's own
 * name) or a label mixing Latin and non-Latin letters is at least suspicious. The benign training data
 * has few such names and phishing feeds list few of them, so the model alone under-rates them.
 */
export function domainVerdictFloor(row: Float32Array): Verdict | undefined {
  const distance = row[BRAND_DISTANCE] as number;
  if ((distance >= 1 && distance <= 2 && row[BRAND_EXACT] === 0) || row[MIXED_SCRIPT] === 1) return 'suspicious';
  return undefined;
}

/** The parts every pipeline scored by the domain model shares (domains, email addresses). */
export const domainModelParts = {
  modelName: 'domain',
  featuresVersion: DOMAIN_FEATURES_VERSION,
  featureNames: DOMAIN_FEATURE_NAMES,
  loadAssets: (dir: string) => loadDomainAssets(join(dir, 'assets.json')),
} as const;

export const domainPipeline: Pipeline<DomainName, DomainFeatureAssets> = {
  kind: 'domain',
  ...domainModelParts,
  maxLength: MAX_DOMAIN_INPUT,
  parse: (item) => parseDomain(item.value),
  normalised: (d) => d.ascii,
  enrich: (d) => ({ kind: 'domain', domain: domainEnrichment(d) }),
  decide(d) {
    if (!isAllowListed(d)) return undefined;
    return {
      verdict: 'benign',
      score: false,
      reasons: [
        {
          code: 'ALLOW_LISTED',
          message: `${d.registrableDomain} is on the allow-list of popular registrable domains`,
          weight: 0,
        },
      ],
    };
  },
  features: domainFeatures,
  verdictFloor: (_d, row) => domainVerdictFloor(row),
  explain: (d, row) => explainDomain(d, row),
};
