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
import { type DomainName, parseDomain } from '../../indicators/domain/parse';
import type { DomainEnrichment } from '../../indicators/types';
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
  parse: (item) => parseDomain(item.value),
  normalised: (d) => d.ascii,
  enrich: (d) => ({ kind: 'domain', domain: domainEnrichment(d) }),
  decide(d) {
    if (!isAllowListed(d)) return undefined;
    return {
      verdict: 'benign',
      score: false,
      reasons: [
        { code: 'ALLOW_LISTED', message: `${d.registrableDomain} is on the allow-list of popular registrable domains`, weight: 0 },
      ],
    };
  },
  features: domainFeatures,
  explain: (d, row) => explainDomain(d, row),
};
