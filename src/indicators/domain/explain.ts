/**
 * Human reasons for a domain's score, read off its features: which lookalike, which keywords, why it
 * looks generated. Computed only for full results (sensors asking for compact results skip it).
 */
import type { Reason } from '../types';
import { DOMAIN_FEATURE_NAMES, type DomainFeatureName, secondLevelLabel, secondLevelLabelUnicode } from './features';
import { KEYWORDS } from './lexicon';
import { embeddedBrand, nearestBrand, tokenBrand } from './lookalike';
import type { DomainName } from './parse';

const INDEX = Object.fromEntries(DOMAIN_FEATURE_NAMES.map((n, i) => [n, i])) as Record<DomainFeatureName, number>;

/** Below this mean trigram log-probability a name reads as machine-made (benign median is about -2.6). */
const GENERATED_LOGP = -3.4;

/** `raised`: the score reaches the suspicious threshold (explain-v2.ts says why RISKY_TLD needs it). */
export function explainDomain(d: DomainName, row: Float32Array, raised: boolean): Reason[] {
  const f = (n: DomainFeatureName) => row[INDEX[n]] as number;
  const reasons: Reason[] = [];
  const sld = secondLevelLabel(d);
  if (f('brand_distance') > 0 && f('brand_distance') <= 2 && f('brand_exact_sld') === 0) {
    const near = nearestBrand(secondLevelLabelUnicode(d, sld));
    if (near !== undefined) {
      reasons.push({
        code: 'BRAND_LOOKALIKE',
        message: `"${sld}" looks like the brand "${near.brand}" (edit distance ${near.distance} after folding homoglyphs)`,
        weight: 0,
      });
    }
  }
  if (f('mixed_script') === 1) {
    reasons.push({
      code: 'IDN_HOMOGLYPH',
      message: `the name mixes Latin and non-Latin letters (${d.unicode})`,
      weight: 0,
    });
  }
  if (f('brand_embedded_in_sld') === 1) {
    reasons.push({
      code: 'BRAND_EMBEDDED',
      message: `"${sld}" contains the brand "${embeddedBrand(sld)}" but is not its domain`,
      weight: 0,
    });
  }
  if (f('brand_in_subdomain') === 1) {
    const b = embeddedBrand(d.subdomain) ?? tokenBrand(d.subdomain);
    reasons.push({
      code: 'BRAND_IN_SUBDOMAIN',
      message: `the subdomain names "${b}" but the registrable domain is ${d.registrableDomain}`,
      weight: 0,
    });
  }
  if (f('keyword_count') > 0) {
    const hits = KEYWORDS.filter((k) => d.ascii.includes(k));
    reasons.push({
      code: 'SUSPICIOUS_KEYWORDS',
      message: `phishing keywords in the name: ${hits.join(', ')}`,
      weight: 0,
    });
  }
  if (f('sld_ngram_mean_logp') < GENERATED_LOGP && sld.length >= 8) {
    reasons.push({
      code: 'ALGORITHMIC_LOOK',
      message: `"${sld}" is improbable for a human-chosen name (mean trigram log-probability ${f('sld_ngram_mean_logp').toFixed(2)})`,
      weight: 0,
    });
  }
  if (raised && f('tld_log_odds') > 1) {
    const tld = d.labels[d.labels.length - 1];
    reasons.push({
      code: 'RISKY_TLD',
      message: `.${tld} is over-represented among malicious names in training`,
      weight: 0,
    });
  }
  if ((d.sharedHostingPlatform || d.privateSuffix) && !d.platformOwn) {
    reasons.push({
      code: 'SHARED_HOSTING',
      message: `hosted under ${d.privateSuffix ? d.publicSuffix : d.registrableDomain}, which gives subdomains to anyone: its reputation does not apply`,
      weight: 0,
    });
  }
  return reasons;
}
