/** The domain pipeline: parse -> allow-list rule -> features -> `domain` model -> reasons. */
import { join } from 'node:path';
import { isAllowListed } from '../../indicators/domain/allow-list';
import { loadDomainAssets } from '../../indicators/domain/assets';
import { explainDomain } from '../../indicators/domain/explain';
import { DOMAIN_SUBJECT, explainDomain2 } from '../../indicators/domain/explain-v2';
import {
  DOMAIN_FEATURE_NAMES,
  DOMAIN_FEATURES_VERSION,
  type DomainFeatureAssets,
  domainFeatures,
} from '../../indicators/domain/features';
import {
  DOMAIN_FEATURE_NAMES_2,
  DOMAIN_FEATURES_VERSION_2,
  domainFeatures2,
} from '../../indicators/domain/features-v2';
import {
  DOMAIN_FEATURE_NAMES_3,
  DOMAIN_FEATURES_VERSION_3,
  domainFeatures3,
} from '../../indicators/domain/features-v3';
import {
  DOMAIN_FEATURE_NAMES_4,
  DOMAIN_FEATURES_VERSION_4,
  domainFeatures4,
} from '../../indicators/domain/features-v4';
import {
  DOMAIN_FEATURE_NAMES_5,
  DOMAIN_FEATURES_VERSION_5,
  domainFeatures5,
} from '../../indicators/domain/features-v5';
import { floorsLookalike } from '../../indicators/domain/lookalike-floor';
import { type DomainName, MAX_DOMAIN_INPUT, parseDomain } from '../../indicators/domain/parse';
import { platformSlice } from '../../indicators/domain/platform-slice';
import type { DomainEnrichment, Reason, ReasonSink, Verdict } from '../../indicators/types';
import type { ModelMetadata } from '../metadata';
import type { FeatureParts, Pipeline, RuleDecision } from '../pipeline';

export function domainEnrichment(d: DomainName): DomainEnrichment {
  return {
    // A private suffix has none under the PSL; its platform's own registrable domain says who runs it.
    registrableDomain: d.registrableDomain === '' ? d.ownerDomain : d.registrableDomain,
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

const LOOKALIKE_2 = DOMAIN_FEATURE_NAMES_2.indexOf('brand_lookalike');
const MIXED_SCRIPT_2 = DOMAIN_FEATURE_NAMES_2.indexOf('mixed_script');

/**
 * The same policy on domain/2 features (homoglyphs of any brand of 4+ letters, one edit of a brand of
 * 6+ that keeps its first letter, two of 9+), less the plain-edit lookalikes that real names make:
 * two edits of a brand under 10 letters, labels made of dictionary words (lookalike-floor.ts).
 */
export function domainVerdictFloor2(row: Float32Array, d: DomainName): Verdict | undefined {
  if (row[MIXED_SCRIPT_2] === 1 || floorsLookalike(d, row[LOOKALIKE_2] as number)) return 'suspicious';
  return undefined;
}

const loadAssets = (dir: string) => loadDomainAssets(join(dir, 'assets.json'));

const SLICE_5 = platformSlice(DOMAIN_FEATURE_NAMES_5);
const SLICE_4 = platformSlice(DOMAIN_FEATURE_NAMES_4);
const SLICE_3 = platformSlice(DOMAIN_FEATURE_NAMES_3);
const SLICE_2 = platformSlice(DOMAIN_FEATURE_NAMES_2);

/** The version's thresholds for platform customer sites, when it has them and the name is in that slice. */
function platformThresholds(slice: string | undefined, meta: ModelMetadata) {
  return slice === undefined ? undefined : meta.slice_thresholds?.[slice];
}

/**
 * domain/2+ reasons, against the thresholds that apply to the name (its slice's or the global ones),
 * appended to `into`.
 */
function explain2<S extends ReasonSink>(
  slice: typeof SLICE_4,
  d: DomainName,
  row: Float32Array,
  score: number,
  meta: ModelMetadata,
  into: S,
): S {
  const platform = platformThresholds(slice(d, row), meta);
  return explainDomain2(d, row, score >= (platform ?? meta.thresholds).suspicious, platform, DOMAIN_SUBJECT, into);
}

/**
 * The feature parts of each domain features version, for any pipeline scored by the domain model
 * (domains; email addresses by their domain): `domainOf` takes its parsed item to the domain name.
 */
export function domainFeatureParts<P>(domainOf: (p: P) => DomainName) {
  // domain/3, domain/4 and domain/5 start with the 39 domain/2 columns in the same order, so the v2
  // floor and reasons read them too.
  const v5: FeatureParts<P, DomainFeatureAssets> = {
    featuresVersion: DOMAIN_FEATURES_VERSION_5,
    featureNames: DOMAIN_FEATURE_NAMES_5,
    loadAssets,
    features: (p, assets, out, offset) => domainFeatures5(domainOf(p), assets, out, offset),
    verdictFloor: (p, row) => domainVerdictFloor2(row, domainOf(p)),
    thresholdSlice: (p, row) => SLICE_5(domainOf(p), row),
    explain: (p, row, score, meta) => explain2(SLICE_5, domainOf(p), row, score, meta, [] as Reason[]),
    explainInto: (p, row, score, meta, into) => {
      explain2(SLICE_5, domainOf(p), row, score, meta, into);
    },
  };
  const v4: FeatureParts<P, DomainFeatureAssets> = {
    featuresVersion: DOMAIN_FEATURES_VERSION_4,
    featureNames: DOMAIN_FEATURE_NAMES_4,
    loadAssets,
    features: (p, assets, out, offset) => domainFeatures4(domainOf(p), assets, out, offset),
    verdictFloor: (p, row) => domainVerdictFloor2(row, domainOf(p)),
    thresholdSlice: (p, row) => SLICE_4(domainOf(p), row),
    explain: (p, row, score, meta) => explain2(SLICE_4, domainOf(p), row, score, meta, [] as Reason[]),
    explainInto: (p, row, score, meta, into) => {
      explain2(SLICE_4, domainOf(p), row, score, meta, into);
    },
  };
  const v3: FeatureParts<P, DomainFeatureAssets> = {
    featuresVersion: DOMAIN_FEATURES_VERSION_3,
    featureNames: DOMAIN_FEATURE_NAMES_3,
    loadAssets,
    features: (p, assets, out, offset) => domainFeatures3(domainOf(p), assets, out, offset),
    verdictFloor: (p, row) => domainVerdictFloor2(row, domainOf(p)),
    thresholdSlice: (p, row) => SLICE_3(domainOf(p), row),
    explain: (p, row, score, meta) => explain2(SLICE_3, domainOf(p), row, score, meta, [] as Reason[]),
    explainInto: (p, row, score, meta, into) => {
      explain2(SLICE_3, domainOf(p), row, score, meta, into);
    },
  };
  const v2: FeatureParts<P, DomainFeatureAssets> = {
    featuresVersion: DOMAIN_FEATURES_VERSION_2,
    featureNames: DOMAIN_FEATURE_NAMES_2,
    loadAssets,
    features: (p, assets, out, offset) => domainFeatures2(domainOf(p), assets, out, offset),
    verdictFloor: (p, row) => domainVerdictFloor2(row, domainOf(p)),
    thresholdSlice: (p, row) => SLICE_2(domainOf(p), row),
    explain: (p, row, score, meta) => explain2(SLICE_2, domainOf(p), row, score, meta, [] as Reason[]),
    explainInto: (p, row, score, meta, into) => {
      explain2(SLICE_2, domainOf(p), row, score, meta, into);
    },
  };
  const v1: FeatureParts<P, DomainFeatureAssets> = {
    featuresVersion: DOMAIN_FEATURES_VERSION,
    featureNames: DOMAIN_FEATURE_NAMES,
    loadAssets,
    features: (p, assets, out, offset) => domainFeatures(domainOf(p), assets, out, offset),
    verdictFloor: (_p, row) => domainVerdictFloor(row),
    explain: (p, row, score, meta) => explainDomain(domainOf(p), row, score >= meta.thresholds.suspicious),
  };
  return { modelName: 'domain', ...v5, olderFeatures: [v4, v3, v2, v1] } as const;
}

/**
 * Policy of versions whose metadata has `platform_own_names`: a hosting platform's own name
 * (`s3.eu-west-1.amazonaws.com`, `github.io`: platform-own.ts) gets that verdict, with the model's
 * score beside it and the lookalike floor still applied. A resolver sees these names all day; the
 * phishing feeds list the customer sites below them, whose lexical shape the model learned, so it
 * raises the platforms' own names too (models/domain/README.md, version 5).
 */
function platformOwnRule(d: DomainName, meta?: ModelMetadata): RuleDecision | undefined {
  const own = meta?.platform_own_names;
  if (own === undefined || !d.platformOwn) return undefined;
  return {
    verdict: own.verdict,
    score: true,
    reasons: [
      {
        code: 'PLATFORM_OWN_NAME',
        message: `${d.ascii} is a public suffix of the PSL's private section, run by ${d.ownerDomain}: the platform's own name, not a customer's site`,
        weight: 0,
      },
    ],
  };
}

export const domainPipeline: Pipeline<DomainName, DomainFeatureAssets> = {
  kind: 'domain',
  ...domainFeatureParts<DomainName>((d) => d),
  maxLength: MAX_DOMAIN_INPUT,
  parse: (item) => parseDomain(item.value),
  normalised: (d) => d.ascii,
  enrich: (d) => ({ kind: 'domain', domain: domainEnrichment(d) }),
  decide(d, meta) {
    if (!isAllowListed(d)) return platformOwnRule(d, meta);
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
};
