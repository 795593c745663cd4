/**
 * Where a message's links go, as facts that describe phishing rather than any training corpus, all
 * readable from the body alone (the template ham has no headers). The text model reads the words of
 * service mail ("account", "click", "payment", "unsubscribe"), which a real organisation and a kit
 * copying it share; what they do not share is where the links point. A service links its own site
 * (and its mail platform's click tracking); a lure names a brand and links elsewhere, to a free host,
 * a shortener, a bare IP, or a login page on an unrelated domain.
 *
 * - `link_sites`: distinct registrable domains among the links a reader follows (HTML hrefs, form
 *   targets, URLs in a plain-text body), not counting mail platforms' tracking domains.
 * - `brand_not_linked`: a brand the lexicon knows is named in the display name or subject (or in the
 *   text of a message that links at most two sites: a newsletter reporting on Microsoft links many),
 *   the message has links, and none of them is on a registrable domain of that brand. (email/3's
 *   `brand_shown_not_linked` asks only about the most common link domain.)
 * - `risky_host_links`: links on an IP literal, a shared hosting platform (a customer subdomain of
 *   github.io, web.app, a PSL private suffix) or a dynamic-DNS name. Not shorteners: a shared maps or
 *   social link is ordinary in personal mail, which the training ham cannot show (email/4's finding).
 * - `credential_lure`: the text asks for a credential or a payment detail (verify your account,
 *   confirm your password, update your payment ...) AND a fact above or a lying link text is set.
 *   The phrase alone is in every password-reset mail; only with links that do not belong does it
 *   describe a lure.
 *
 * Tried and left out: login-looking links (login, signin, verify, webscr ...) on a domain other than
 * the dominant one. In the data they describe 2002 newsletters (88 of 250 hard-ham messages: ad and
 * member-login links beside the content) and almost no phishing (0 of 565 sampled): a lure's login
 * link is usually its dominant domain.
 *
 * Mail platforms' tracking domains (sendgrid.net, list-manage.com, ...) rewrite every link of real
 * newsletters and of phishing sent through the same platforms alike; they are neither the sender's
 * site nor a risk, so they are skipped (the URL model still scores each link).
 */
import { getDomain } from 'tldts';
import { BRANDS, loadWordList } from '../domain/lexicon';
import { findPlatform } from '../domain/platforms';
import { registrable } from './message-signals';
import type { ParsedEmail } from './types';

/** Where a link the reader follows sits. */
const LINK_PLACES = new Set(['html:href', 'html:form-action', 'text']);

/** Click- and open-tracking domains of mail platforms (ESPs): neither the sender's own site nor a risk. */
const TRACKING = new Set([
  'sendgrid.net',
  'list-manage.com',
  'mailchimp.com',
  'mcusercontent.com',
  'mandrillapp.com',
  'mailgun.org',
  'rs6.net',
  'exacttarget.com',
  'exct.net',
  'cmail19.com',
  'cmail20.com',
  'createsend.com',
  'awstrack.me',
  'sparkpostmail.com',
  'hubspotlinks.com',
  'hs-sites.com',
  'mailjet.com',
  'klclick.com',
  'klclick1.com',
  'sendibt3.com',
  'mjt.lu',
  'postmarkapp.com',
  'customeriomail.com',
  'braze.com',
  'iterable.com',
  'substack.com',
]);

/** Dynamic-DNS and tunnel services (the domain model's list): anyone's machine under a shared name. */
const DYNAMIC_DNS: ReadonlySet<string> = new Set(loadWordList('dynamic-dns.txt'));

/**
 * Brands that are also ordinary words (`office`, `zoom`, `visa`) and the mailbox providers a real
 * message names in passing ("add us to your Gmail contacts"): named in text they say nothing.
 */
const PASSING_NAMES = new Set([...loadWordList('common-word-brands.txt'), 'gmail', 'hotmail', 'yahoo', 'icloud']);

/** Phrases that ask for a credential or payment detail, in the languages the corpora hold. */
const CREDENTIAL_ASK = new RegExp(
  [
    String.raw`\b(?:verify|confirm|update|validate|reactivate|restore|unlock|secure)\s+(?:your|the|this)?\s*(?:account|identity|password|payment|billing|card|mailbox|e-?mail|details|information|login|credentials)`,
    String.raw`\b(?:account|mailbox|password|card|payment)\s+(?:has been|was|will be|is)\s+(?:suspended|locked|limited|disabled|expired|restricted|deactivated|on hold|expiring)`,
    String.raw`\bunusual\s+(?:sign-?in|activity|login)`,
    String.raw`\bmailbox\s+(?:is\s+)?(?:full|quota|storage)`,
    String.raw`\b(?:enter|provide)\s+your\s+(?:password|credentials|card|bank)`,
    String.raw`\b(?:bestätigen|verifizieren|aktualisieren)\s+sie\b`,
    String.raw`\b(?:vérifiez|confirmez|mettez à jour)\s+votre\b`,
    String.raw`\b(?:verifique|confirme|atualize|actualice)\s+(?:su|sua|seu|seus|suas)\b`,
  ].join('|'),
  'iu',
);

export const LINK_STRUCTURE_NAMES = ['link_sites', 'brand_not_linked', 'risky_host_links', 'credential_lure'] as const;

export interface LinkStructure {
  linkSites: number;
  brandNotLinked: boolean;
  riskyHostLinks: number;
  credentialLure: boolean;
}

/** Hosts a page loads styles and fonts from (an HTML `<link href>`), not links a reader follows. */
const PAGE_RESOURCES = new Set(['fonts.googleapis.com', 'fonts.gstatic.com', 'use.typekit.net']);

interface Link {
  host: string;
  site: string;
}

function links(email: ParsedEmail): Link[] {
  const out: Link[] = [];
  for (const ind of email.indicators) {
    if (ind.kind !== 'url' || !ind.foundIn.some((f) => LINK_PLACES.has(f))) continue;
    let url: URL;
    try {
      url = new URL(ind.value);
    } catch {
      continue;
    }
    const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
    if (host === '' || PAGE_RESOURCES.has(host)) continue;
    out.push({ host, site: registrable(host) });
  }
  return out;
}

function isIpLiteral(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

/** A host anyone can get: a bare IP, a shared hosting platform's customer, a dynamic-DNS name. */
export function isRiskyHost(host: string, site: string): boolean {
  if (isIpLiteral(host)) return true;
  for (let i = host.indexOf('.'); i !== -1; i = host.indexOf('.', i + 1)) {
    if (DYNAMIC_DNS.has(host.slice(i + 1))) return true;
  }
  if (DYNAMIC_DNS.has(host)) return true;
  if (host === site || host === `www.${site}`) return false;
  const privateSite = getDomain(host, { allowPrivateDomains: true }) ?? site;
  if (privateSite !== site) return true; // a PSL private suffix: github.io, web.app, ...
  const suffix = site.slice(site.indexOf('.') + 1);
  return findPlatform(host, site, suffix) !== undefined;
}

const BRAND_WORDS = new Set(BRANDS.filter((b) => b.length >= 4 && !b.includes('-') && !PASSING_NAMES.has(b)));

/** Lexicon brands named in a text (whole words). */
export function namedBrands(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.toLowerCase().matchAll(/[a-z0-9]{4,}/g)) if (BRAND_WORDS.has(m[0])) out.add(m[0]);
  return out;
}

/** A brand's own registrable domains: its name is the label (paypal.com, paypal.de, apple.co.uk). */
function brandOwns(brand: string, site: string): boolean {
  return (site.split('.')[0] ?? '') === brand;
}

/**
 * The link facts of a message. `text` is what the text model reads (subject and visible body); the
 * display name counts as text here, since a lure names its brand there as often as in the body.
 */
export function linkStructure(email: ParsedEmail, text: string): LinkStructure {
  const all = links(email);
  const own = all.filter((l) => !TRACKING.has(l.site));
  const sites = own.map((l) => l.site);
  // A brand in the display name or subject is the message's claim; one in the body only when the
  // message links at most two sites (a newsletter that reports on Microsoft links many).
  const top = email.messages[0];
  const claimed = namedBrands(`${top?.from?.name ?? ''}\n${top?.subject ?? ''}`);
  const brands = new Set([...claimed, ...(new Set(sites).size <= 2 ? namedBrands(text) : [])]);
  const brandNotLinked = own.length > 0 && [...brands].some((b) => !own.some((l) => brandOwns(b, l.site)));
  const risky = own.filter((l) => isRiskyHost(l.host, l.site)).length;
  const offending = brandNotLinked || risky > 0 || email.facts.linkMismatches.length > 0;
  return {
    linkSites: new Set(sites).size,
    brandNotLinked,
    riskyHostLinks: risky,
    credentialLure: offending && CREDENTIAL_ASK.test(text),
  };
}
