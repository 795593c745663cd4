/**
 * Human reasons for a URL's score, read off its feature row: the host's reasons (the domain
 * explainer on the host part of the row) and what the rest of the URL adds.
 */
import { explainDomain } from '../domain/explain';
import { DOMAIN_FEATURE_COUNT } from '../domain/features';
import type { Reason } from '../types';
import type { CanonicalUrl } from './canonicalize';
import { pathBrand, pathQuery, type UrlOwnFeatureName, urlFeatureIndex } from './features';
import { PATH_TOKENS } from './lists';
import { userContentEntry } from './user-content';

const reason = (code: Reason['code'], message: string): Reason => ({ code, message, weight: 0 });

export function explainUrl(u: CanonicalUrl, row: Float32Array): Reason[] {
  const f = (n: UrlOwnFeatureName) => row[urlFeatureIndex(n)] as number;
  const reasons: Reason[] = [];
  const pq = pathQuery(u);
  const lower = pq.toLowerCase();
  if (f('user_content_host') === 1) {
    reasons.push(
      reason(
        'USER_CONTENT_HOST',
        `${u.host} serves content anyone can publish (${userContentEntry(u.host, u.path)}): the registrable domain's reputation does not apply`,
      ),
    );
  }
  if (f('shortener_host') === 1)
    reasons.push(reason('URL_SHORTENER', `${u.host} is a URL shortener: the destination is hidden`));
  if (f('ip_literal_host') === 1)
    reasons.push(reason('IP_LITERAL_HOST', `the host is an IP address (${u.host}), not a name`));
  if (f('userinfo') === 1 || f('at_in_path_or_query') === 1) {
    reasons.push(reason('AT_SIGN_TRICK', 'the URL contains "@", which can make a browser ignore what comes before it'));
  }
  if (f('embedded_url') > 0 || f('domain_name_in_path') > 0) {
    reasons.push(
      reason(
        'HOST_NAME_IN_PATH',
        'the path or query holds another host name or URL, a way to look like a different site',
      ),
    );
  }
  const brand = f('brand_in_path') === 1 ? pathBrand(u, lower) : undefined;
  if (brand !== undefined) {
    reasons.push(
      reason(
        'BRAND_OUTSIDE_DOMAIN',
        `the path names the brand "${brand}" but the site is ${u.domain?.registrableDomain ?? u.host}`,
      ),
    );
  }
  if (f('suspicious_token_count') > 0) {
    reasons.push(
      reason(
        'SUSPICIOUS_PATH_TOKENS',
        `sign-in or account words in the path: ${PATH_TOKENS.filter((t) => lower.includes(t)).join(', ')}`,
      ),
    );
  }
  if (f('wordpress_path') === 1)
    reasons.push(
      reason(
        'CMS_PATH',
        'the page lives under WordPress folders (wp-content, wp-admin, wp-includes), common on compromised sites',
      ),
    );
  if (f('ext_executable') === 1 || f('ext_archive') === 1)
    reasons.push(reason('DOWNLOAD_EXTENSION', 'the URL ends in an executable or archive file extension'));
  if (f('explicit_port') === 1) reasons.push(reason('NON_STANDARD_PORT', `the URL names port ${u.port}`));
  if (f('ngram_path_llr_mean') > 1)
    reasons.push(reason('PHISHING_KIT_PATH', 'the path resembles paths seen on phishing sites in training'));
  if (u.domain !== undefined) reasons.push(...explainDomain(u.domain, row.subarray(0, DOMAIN_FEATURE_COUNT)));
  return reasons;
}
