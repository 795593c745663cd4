/**
 * Human reasons for a URL's score, read off its feature row: the host's reasons (the domain
 * explainer on the host part of the row) and what the rest of the URL adds.
 */
import { explainDomain } from '../domain/explain';
import { explainDomain2 } from '../domain/explain-v2';
import { DOMAIN_FEATURE_COUNT } from '../domain/features';
import type { Reason, ReasonSink } from '../types';
import type { CanonicalUrl } from './canonicalize';
import { pathBrand, pathQuery, URL_OWN_FEATURE_NAMES, type UrlOwnFeatureName, urlFeatureIndex } from './features';
import { urlFeatureIndex2 } from './features-v2';
import { PATH_TOKENS } from './lists';
import { userContentEntry } from './user-content';

const reason = (code: Reason['code'], message: string): Reason => ({ code, message, weight: 0 });

/** Where each URL-own feature sits in a row of one features version. */
type OwnIndexes = Readonly<Record<UrlOwnFeatureName, number>>;

/** The indexes of a version, found once (a look-up per reason read was ~1% of a new URL's CPU). */
function ownIndexes(index: (n: UrlOwnFeatureName) => number): OwnIndexes {
  return Object.fromEntries(URL_OWN_FEATURE_NAMES.map((n) => [n, index(n)])) as Record<UrlOwnFeatureName, number>;
}

const OWN_1 = ownIndexes(urlFeatureIndex);
const OWN_2 = ownIndexes(urlFeatureIndex2);

/** `raised`: the URL's score reaches its suspicious threshold (the host's TLD reason needs it). */
export function explainUrl(u: CanonicalUrl, row: Float32Array, raised: boolean): Reason[] {
  const reasons = explainOwn(u, row, OWN_1, [] as Reason[]);
  if (u.domain !== undefined) reasons.push(...explainDomain(u.domain, row.subarray(0, DOMAIN_FEATURE_COUNT), raised));
  return reasons;
}

/**
 * The same for a url/1+domain/2 row (the host's domain/2 features first), appended to `into`.
 * `platform`: the version's thresholds for platform customer URLs when they apply to this URL
 * (platform-slice.ts); the host's SHARED_HOSTING reason then says the verdict used them.
 */
export function explainUrl2<S extends ReasonSink>(
  u: CanonicalUrl,
  row: Float32Array,
  raised: boolean,
  platform: { suspicious: number; malicious: number } | undefined,
  into: S,
): S {
  explainOwn(u, row, OWN_2, into);
  // The domain explainer reads its columns by index, and the row starts with the host's: the whole
  // row is given rather than a subarray of it (a typed array made per explained URL).
  if (u.domain !== undefined)
    explainDomain2(
      u.domain,
      row,
      raised,
      platform,
      'a URL on a customer site without lure evidence (brands, lookalikes, sign-in or scam words in the host or path, programs or archives)',
      into,
    );
  return into;
}

function explainOwn<S extends ReasonSink>(u: CanonicalUrl, row: Float32Array, at: OwnIndexes, reasons: S): S {
  // The lower-cased path and query, made only for the two reasons that read it.
  const lower =
    (row[at.brand_in_path] as number) === 1 || (row[at.suspicious_token_count] as number) > 0
      ? pathQuery(u).toLowerCase()
      : '';
  if ((row[at.user_content_host] as number) === 1) {
    reasons.push(
      reason(
        'USER_CONTENT_HOST',
        `${u.host} serves content anyone can publish (${userContentEntry(u.host, u.path)}): the registrable domain's reputation does not apply`,
      ),
    );
  }
  if ((row[at.shortener_host] as number) === 1)
    reasons.push(reason('URL_SHORTENER', `${u.host} is a URL shortener: the destination is hidden`));
  if ((row[at.ip_literal_host] as number) === 1)
    reasons.push(reason('IP_LITERAL_HOST', `the host is an IP address (${u.host}), not a name`));
  if ((row[at.userinfo] as number) === 1 || (row[at.at_in_path_or_query] as number) === 1) {
    reasons.push(reason('AT_SIGN_TRICK', 'the URL contains "@", which can make a browser ignore what comes before it'));
  }
  if ((row[at.embedded_url] as number) > 0 || (row[at.domain_name_in_path] as number) > 0) {
    reasons.push(
      reason(
        'HOST_NAME_IN_PATH',
        'the path or query holds another host name or URL, a way to look like a different site',
      ),
    );
  }
  const brand = (row[at.brand_in_path] as number) === 1 ? pathBrand(u, lower) : undefined;
  if (brand !== undefined) {
    reasons.push(
      reason(
        'BRAND_OUTSIDE_DOMAIN',
        `the path names the brand "${brand}" but the site is ${u.domain?.registrableDomain ?? u.host}`,
      ),
    );
  }
  if ((row[at.suspicious_token_count] as number) > 0) {
    reasons.push(
      reason(
        'SUSPICIOUS_PATH_TOKENS',
        `sign-in or account words in the path: ${PATH_TOKENS.filter((t) => lower.includes(t)).join(', ')}`,
      ),
    );
  }
  if ((row[at.wordpress_path] as number) === 1)
    reasons.push(
      reason(
        'CMS_PATH',
        'the page lives under WordPress folders (wp-content, wp-admin, wp-includes), common on compromised sites',
      ),
    );
  if ((row[at.ext_executable] as number) === 1 || (row[at.ext_archive] as number) === 1)
    reasons.push(reason('DOWNLOAD_EXTENSION', 'the URL ends in an executable or archive file extension'));
  if ((row[at.explicit_port] as number) === 1)
    reasons.push(reason('NON_STANDARD_PORT', `the URL names port ${u.port}`));
  if ((row[at.ngram_path_llr_mean] as number) > 1)
    reasons.push(reason('PHISHING_KIT_PATH', 'the path resembles paths seen on phishing sites in training'));
  return reasons;
}
