/**
 * The allow-list: exact registrable domains (data/allow-list.txt). Matching is by set membership on
 * the parsed registrable domain, so `google.com.evil.net` (registrable domain `evil.net`) is not
 * google.com, and a customer subdomain of a shared platform is never allow-listed.
 */
import { loadWordList } from './lexicon';
import type { DomainName } from './parse';

const ALLOWED: ReadonlySet<string> = new Set(loadWordList('allow-list.txt'));

/** Whether a registrable domain (already split off by the PSL) is on the allow-list. */
export function isAllowListedRegistrableDomain(registrableDomain: string): boolean {
  return ALLOWED.has(registrableDomain);
}

export function isAllowListed(d: DomainName): boolean {
  if (d.sharedHostingPlatform || d.privateSuffix) return false;
  return ALLOWED.has(d.registrableDomain);
}
