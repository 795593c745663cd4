/**
 * Customer sites of hosting platforms (`x.github.io`, `x.readthedocs.io`, `x.netlify.app`) as a slice
 * of their own. Phishing feeds list thousands of them and benign lists almost none, so a lexical model
 * learns "customer site on a platform = phishing" and raises most benign ones; a model version may
 * give the slice thresholds of its own (metadata `slice_thresholds.platform_customer`), chosen on
 * benign customer sites. Names with lure evidence keep the global thresholds: on a platform the lure
 * words are what still tells a phishing site from a project's (models/domain/README.md, version 4).
 */
import { isDynamicDns } from './features-v2';
import type { DomainName } from './parse';

/** The slice's key in a version's metadata. */
export const PLATFORM_CUSTOMER = 'platform_customer';

/**
 * A customer's site on a platform that hands out names to anyone. Dynamic-DNS and tunnel names are
 * not: the model flags those on purpose, and no benign customer data measures them.
 */
export function isPlatformCustomer(d: DomainName): boolean {
  return (d.privateSuffix || d.sharedHostingPlatform) && d.registrableDomain !== '' && !isDynamicDns(d);
}

/** domain/2+ columns that say "lure" when over 0: brands, phishing keywords, crypto brands and words, lure words. */
const LURE_COLUMNS = [
  'brand_in_sld',
  'brand_in_subdomain',
  'crypto_brand_in_name',
  'crypto_word_count',
  'keyword_count',
  'sld_lure_word_count',
] as const;

/**
 * Whether a feature row (columns `names`) carries lure evidence: a brand lookalike (brand_lookalike
 * kinds 1-3, the verdict floor's; 0 and 4 are none) or any lure column over 0. Indices are found once.
 */
export function lureEvidence(names: readonly string[]): (row: ArrayLike<number>) => boolean {
  const lookalike = names.indexOf('brand_lookalike');
  const columns = LURE_COLUMNS.map((c) => names.indexOf(c)).filter((i) => i >= 0);
  return (row) => {
    const kind = lookalike < 0 ? 0 : (row[lookalike] as number);
    if (kind >= 1 && kind <= 3) return true;
    for (const i of columns) if ((row[i] as number) > 0) return true;
    return false;
  };
}

/**
 * The threshold slice of a domain for feature rows of `names`: `platform_customer` for a platform's
 * customer site without lure evidence, else none (the global thresholds).
 */
export function platformSlice(names: readonly string[]): (d: DomainName, row: ArrayLike<number>) => string | undefined {
  const lure = lureEvidence(names);
  return (d, row) => (isPlatformCustomer(d) && !lure(row) ? PLATFORM_CUSTOMER : undefined);
}
