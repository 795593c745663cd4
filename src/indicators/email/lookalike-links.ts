/**
 * The look-alike hosts of features `email/7`: hosts in a message's body that imitate a brand, judged
 * with the domain model's brand rules and by whose name each label is.
 *
 * Why not email/1-6's rule (message-signals.ts `imitatedBrand`, kept for the models trained on it): it
 * read any brand inside any label before the suffix, so Google's own hosts (`fonts.googleapis.com`,
 * `lh3.googleusercontent.com`) and a brand in the sender's own subdomain
 * (`discord.opencollective.com` in Open Collective's mail) counted as look-alikes; in phishing_pot
 * the fact fired on 646 of 4,520 messages, mostly for Google's hosts, and on all 108 raised Open
 * Collective bodies (models/email/README.md, Version 5). Here:
 * - the registrable label is matched as the domain model matches it (brand-match.ts: homoglyphs of
 *   4+ letter brands, plain edits of 6+ letter brands keeping the first letter, never an ordinary-word
 *   brand by edits; lookalike-floor.ts: not two edits of a brand under 10 letters, not a label made of
 *   dictionary words), or names a brand at a token edge (`paypal-secure-login`);
 * - a popular registrable domain whose label carries a brand is the brand's own or too popular to be
 *   an imitation (brand-domains.txt and the allow-list, both from the csirtg silver-spork list);
 * - a brand in the labels below the registrable domain counts only when that domain is not the
 *   message's own: the sender's, or the one most of its links go to when it is reached at a host
 *   that names no brand (so a kit whose every link is `amazon.evil.example` is still caught), and
 *   not a popular domain's (except a hosting platform's, whose subdomains are its customers'). An
 *   ordinary-word brand (`office`, `zoom`, `discord`, `booking`) does not count as a whole subdomain
 *   token: companies name their own hosts so.
 * A customer's name under a platform's suffix (`paypal-login.web.app`) is judged by its own label,
 * as the domain model judges it; the platform's own names (`storage.googleapis.com`) imitate nothing.
 */
import { isAllowListedRegistrableDomain } from '../domain/allow-list';
import { createBrandMatcher } from '../domain/brand-match';
import { secondLevelLabel, secondLevelLabelUnicode } from '../domain/features';
import { BRAND_MATCHER_2, BRANDS_2 } from '../domain/features-v2';
import { loadWordList } from '../domain/lexicon';
import { floorsLookalike } from '../domain/lookalike-floor';
import { type DomainName, parseDomain } from '../domain/parse';
import type { ParsedEmail } from './types';

const BRAND_DOMAINS: ReadonlySet<string> = new Set(loadWordList('brand-domains.txt'));
const COMMON_WORD_BRANDS: readonly string[] = loadWordList('common-word-brands.txt');
const COMMON_SET: ReadonlySet<string> = new Set(COMMON_WORD_BRANDS);
/** Brands in subdomains: the domain/2 matcher's rules without the ordinary-word brands as whole tokens. */
const SUBDOMAIN_MATCHER = createBrandMatcher(
  BRANDS_2.filter((b) => !COMMON_SET.has(b)),
  COMMON_WORD_BRANDS,
);

/** Where a link the reader follows sits (as message-features-v3.ts `linkDomains` reads links). */
const LINK_PLACES = new Set(['html:href', 'html:form-action', 'text']);

function parsedHost(host: string): DomainName | undefined {
  const p = parseDomain(host);
  return p.ok && p.value.registrableDomain !== '' ? p.value : undefined;
}

function isPopularBrandDomain(registrableDomain: string): boolean {
  return BRAND_DOMAINS.has(registrableDomain) || isAllowListedRegistrableDomain(registrableDomain);
}

/** The brand named in the labels below `d`'s registrable domain, if any. */
function brandInSubdomain(d: DomainName): string | undefined {
  return d.subdomain === '' ? undefined : SUBDOMAIN_MATCHER.named(d.subdomain);
}

/**
 * The brand `host` imitates, or undefined. `own` holds the message's own registrable domains (as
 * parseDomain splits them: `ownDomains`).
 */
export function imitatedBrandV7(host: string, own: ReadonlySet<string>): string | undefined {
  const d = parsedHost(host.toLowerCase());
  if (d === undefined || d.platformOwn) return undefined;
  const reg = d.registrableDomain;
  const popular = isPopularBrandDomain(reg);
  if (!popular) {
    const sld = secondLevelLabel(d);
    const look = BRAND_MATCHER_2.lookalike(secondLevelLabelUnicode(d, sld));
    // The brand's exact name under another suffix is left to the domain model (brand_exact_sld).
    if (look !== undefined && look.kind > 0 && floorsLookalike(d, look.kind)) return look.brand;
    const inSld = look?.kind === 0 ? undefined : BRAND_MATCHER_2.named(sld);
    if (inSld !== undefined) return inSld;
  }
  if (own.has(reg) || (popular && !d.sharedHostingPlatform)) return undefined;
  return brandInSubdomain(d);
}

/**
 * The message's own registrable domains: the sender's, and the one(s) most of the body's links go
 * to, when reached at some host whose subdomain names no brand.
 */
export function ownDomains(email: ParsedEmail, senderHost: string): Set<string> {
  const own = new Set<string>();
  const sender = senderHost === '' ? undefined : parsedHost(senderHost.toLowerCase());
  if (sender !== undefined) own.add(sender.registrableDomain);
  const links = new Map<string, number>();
  const plain = new Set<string>();
  for (const ind of email.indicators) {
    if (ind.kind !== 'url' || !ind.foundIn.some((f) => LINK_PLACES.has(f))) continue;
    let host = '';
    try {
      host = new URL(ind.value).hostname.toLowerCase();
    } catch {
      continue;
    }
    const d = host === '' ? undefined : parsedHost(host);
    if (d === undefined) continue;
    links.set(d.registrableDomain, (links.get(d.registrableDomain) ?? 0) + 1);
    if (brandInSubdomain(d) === undefined) plain.add(d.registrableDomain);
  }
  const most = Math.max(0, ...links.values());
  for (const [reg, n] of links) if (n === most && plain.has(reg)) own.add(reg);
  return own;
}

/** The body's hosts (of URLs and bare domains, as email/1-6 count them) that imitate a brand, sorted. */
export function lookalikeHostsV7(email: ParsedEmail, senderHost: string): string[] {
  const own = ownDomains(email, senderHost);
  const out = new Set<string>();
  for (const ind of email.indicators) {
    if (ind.foundIn.every((f) => f.startsWith('header:'))) continue;
    let host = '';
    if (ind.kind === 'url') {
      try {
        host = new URL(ind.value).hostname.replace(/^\[|\]$/g, '');
      } catch {
        continue;
      }
      if (/^[\d.]+$/.test(host) || host.includes(':')) continue;
    } else if (ind.kind === 'domain') host = ind.value;
    else continue;
    host = host.toLowerCase();
    if (host !== '' && !out.has(host) && imitatedBrandV7(host, own) !== undefined) out.add(host);
  }
  return [...out].sort();
}
