/**
 * Every domain features version the code can still compute, by name. A model version records the
 * features version it was trained on; training and serving pick the code here by that name, so a newer
 * version of the features never changes what an older model is fed (rollback keeps working).
 */
import { DOMAIN_FEATURE_NAMES, DOMAIN_FEATURES_VERSION, type DomainFeatureAssets, domainFeatures } from './features';
import { DOMAIN_FEATURE_NAMES_2, DOMAIN_FEATURES_VERSION_2, domainFeatures2 } from './features-v2';
import { DOMAIN_FEATURE_NAMES_3, DOMAIN_FEATURES_VERSION_3, domainFeatures3 } from './features-v3';
import { DOMAIN_FEATURE_NAMES_4, DOMAIN_FEATURES_VERSION_4, domainFeatures4 } from './features-v4';
import { DOMAIN_FEATURE_NAMES_5, DOMAIN_FEATURES_VERSION_5, domainFeatures5 } from './features-v5';
import type { DomainName } from './parse';

export interface DomainFeatureSet {
  readonly version: string;
  readonly names: readonly string[];
  /** Its assets carry word log-odds learned from the training split (buildDomainAssets `wordOdds`). */
  readonly wordOdds?: boolean;
  compute(d: DomainName, assets: DomainFeatureAssets, out: Float32Array, offset: number): void;
}

export const DOMAIN_FEATURES_1: DomainFeatureSet = {
  version: DOMAIN_FEATURES_VERSION,
  names: DOMAIN_FEATURE_NAMES,
  compute: domainFeatures,
};

export const DOMAIN_FEATURES_2: DomainFeatureSet = {
  version: DOMAIN_FEATURES_VERSION_2,
  names: DOMAIN_FEATURE_NAMES_2,
  compute: domainFeatures2,
};

export const DOMAIN_FEATURES_3: DomainFeatureSet = {
  version: DOMAIN_FEATURES_VERSION_3,
  names: DOMAIN_FEATURE_NAMES_3,
  wordOdds: true,
  compute: domainFeatures3,
};

export const DOMAIN_FEATURES_4: DomainFeatureSet = {
  version: DOMAIN_FEATURES_VERSION_4,
  names: DOMAIN_FEATURE_NAMES_4,
  compute: domainFeatures4,
};

export const DOMAIN_FEATURES_5: DomainFeatureSet = {
  version: DOMAIN_FEATURES_VERSION_5,
  names: DOMAIN_FEATURE_NAMES_5,
  compute: domainFeatures5,
};

/** The version new models are trained on when their sources file names none. */
export const LATEST_DOMAIN_FEATURES = DOMAIN_FEATURES_4;

export const DOMAIN_FEATURE_SETS: ReadonlyMap<string, DomainFeatureSet> = new Map(
  [DOMAIN_FEATURES_1, DOMAIN_FEATURES_2, DOMAIN_FEATURES_3, DOMAIN_FEATURES_4, DOMAIN_FEATURES_5].map((s) => [
    s.version,
    s,
  ]),
);

export function domainFeatureSet(version: string): DomainFeatureSet {
  const s = DOMAIN_FEATURE_SETS.get(version);
  if (s === undefined) throw new Error(`unknown domain features version "${version}"`);
  return s;
}
