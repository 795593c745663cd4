/**
 * URLs on a hosting platform's customer site (`x.github.io/docs/`, `x.netlify.app/`, a file on
 * `raw.githubusercontent.com`) as a threshold slice of their own, as the domain model has
 * (src/indicators/domain/platform-slice.ts): phishing feeds list thousands of such URLs and the benign
 * training lists few, so the URL model raises benign ones too. A URL model version may give the slice
 * thresholds of its own (metadata `slice_thresholds.platform_customer`), chosen on benign platform
 * URLs; a URL with lure evidence in its host (brand, lookalike, phishing keyword, crypto brand or word,
 * a customer name that is a brand's), in its path and query, or in the file it serves (below) keeps
 * the global thresholds (models/url/README.md, version 4).
 */
import { isPlatformCustomer, lureEvidence, PLATFORM_CUSTOMER } from '../domain/platform-slice';
import type { CanonicalUrl } from './canonicalize';
import { extensionClass, fileExtension } from './extension';
import { URL_OWN_FEATURE_NAMES, type UrlOwnFeatureName } from './features';
import { userContentEntry } from './user-content';

export { PLATFORM_CUSTOMER };

/**
 * URL-own columns that say "lure" when over 0 (models/url/README.md, version 4): a brand or another
 * host name in the path, sign-in and account words, an `@` or an e-mail address.
 */
export const URL_LURE_COLUMNS: readonly UrlOwnFeatureName[] = [
  'brand_in_path',
  'domain_name_in_path',
  'embedded_url',
  'suspicious_token_count',
  'at_in_path_or_query',
  'userinfo',
  'email_in_query',
];

/**
 * A file a platform URL serves that is lure evidence by itself: a program or an archive (URLhaus's
 * platform URLs: .exe, .dll, .ps1, .bat, .msi, .zip, ...), except a shell script: `install.sh` on
 * raw.githubusercontent.com is how projects install (`curl ... | sh`), and of URLhaus's 297 programs
 * and archives on platforms 4 are shell scripts. Read off the path, not the row: the row's
 * ext_executable column cannot tell `.sh` from `.exe`.
 */
export function lureFile(u: CanonicalUrl): boolean {
  const ext = fileExtension(u.path);
  const kind = extensionClass(ext);
  return (kind === 'executable' && ext !== 'sh') || kind === 'archive';
}

/** Whether a URL's host is a platform customer site (raw.githubusercontent.com is one: the PSL lists it). */
export function isPlatformUrl(u: CanonicalUrl): boolean {
  return u.domain !== undefined && isPlatformCustomer(u.domain);
}

/**
 * The unit a platform URL belongs to, to keep one publisher's URLs on one side of a split: the
 * customer site, or on a file host everyone shares (an exact user-content host under a private
 * suffix: `raw.githubusercontent.com`) the host and the path's first segment, its owner.
 */
export function platformUnit(u: CanonicalUrl): string {
  const site = u.domain?.siteKey ?? u.host;
  const entry = userContentEntry(u.host, u.path);
  if (entry === undefined || entry.startsWith('*.')) return site;
  return `${u.host}/${u.path.split('/')[1] ?? ''}`;
}

/**
 * Lure evidence in a row of a URL features version whose host columns are the domain features of
 * `hostNames` (from index 0) followed by `ownNames`, from `ownOffset` on: the domain slice's host
 * evidence, a customer site named exactly as a brand (`paypal.github.io`, `office365.netlify.app`:
 * the domain slice does not count it, the name being the brand's own elsewhere), and `ownColumns`
 * (default URL_LURE_COLUMNS) over 0.
 */
export function urlLureEvidence(
  hostNames: readonly string[],
  ownOffset: number,
  ownColumns: readonly UrlOwnFeatureName[] = URL_LURE_COLUMNS,
): (row: ArrayLike<number>) => boolean {
  const host = lureEvidence(hostNames);
  const exactBrand = hostNames.indexOf('brand_exact_sld');
  const own = ownColumns.map((c) => ownOffset + URL_OWN_FEATURE_NAMES.indexOf(c));
  if (exactBrand >= 0) own.push(exactBrand);
  return (row) => {
    if (host(row)) return true;
    for (const i of own) if ((row[i] as number) > 0) return true;
    return false;
  };
}

/**
 * The threshold slice of a URL: `platform_customer` for a platform URL without lure evidence (in its
 * host, path and query, or the file it serves), else none (the global thresholds).
 */
export function urlPlatformSlice(
  hostNames: readonly string[],
  ownOffset: number,
): (u: CanonicalUrl, row: ArrayLike<number>) => string | undefined {
  const lure = urlLureEvidence(hostNames, ownOffset);
  return (u, row) => (isPlatformUrl(u) && !lure(row) && !lureFile(u) ? PLATFORM_CUSTOMER : undefined);
}
