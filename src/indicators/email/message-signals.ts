/**
 * The facts about one parsed message that the message model reads and the reasons cite: sender-side
 * headers, the body, the indicators and attachments inside. Receiving-side headers (Received,
 * Authentication-Results, X-MS-*) are deliberately absent: in the training corpora their presence
 * tells the source mailbox apart, not phishing (models/email/README.md). Everything here is a
 * deterministic function of the parse, never of another model's score, so a retrained URL or domain
 * model cannot shift the message model's inputs.
 */
import { getDomain } from 'tldts';
// The allow-list's popular registrable domains: googleusercontent.com names google and is Google's.
import { isAllowListedRegistrableDomain } from '../domain/allow-list';
import { BRANDS } from '../domain/lexicon';
import { embeddedBrand, nearestBrand, tokenBrand } from '../domain/lookalike';
import { SHORTENERS } from '../url/lists';
import { addressDomainIn, domainIn } from './text-domains';
import type { EmailAddress, ParsedEmail } from './types';

/** Free mailbox providers: a bank or a shop does not write from these. */
const FREEMAIL = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.uk',
  'yahoo.fr',
  'ymail.com',
  'hotmail.com',
  'hotmail.fr',
  'hotmail.co.uk',
  'outlook.com',
  'live.com',
  'msn.com',
  'aol.com',
  'icloud.com',
  'me.com',
  'mail.com',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'web.de',
  'yandex.ru',
  'yandex.com',
  'mail.ru',
  'protonmail.com',
  'proton.me',
  'zoho.com',
  'qq.com',
  '163.com',
  '126.com',
  'libero.it',
  'orange.fr',
  'comcast.net',
  'earthlink.net',
  'juno.com',
]);

export interface MessageSignals {
  fromDomain: string;
  fromMissing: boolean;
  fromHasName: boolean;
  /** The display name holds an address or domain on another registrable domain than the From address. */
  nameDomainMismatch: boolean;
  nameHasAddress: boolean;
  /** A brand named in the display name that the From domain does not carry. */
  nameBrand: string | undefined;
  fromFreemail: boolean;
  /** A brand embedded in or one or two edits from the From domain's label, on a domain that is not the brand's. */
  fromLookalikeBrand: string | undefined;
  replyToPresent: boolean;
  replyToMismatch: boolean;
  replyToFreemail: boolean;
  returnPathMismatch: boolean;
  /** Indicators found in bodies, HTML and attachments (header indicators are not counted). */
  bodyUrls: number;
  linkDomains: number;
  ipUrls: number;
  shortenerUrls: number;
  /** Body hosts (of URLs or bare domains) that embed or imitate a brand without being its domain. */
  lookalikeDomains: string[];
  /** Body URL domains other than the From domain. */
  foreignLinkDomains: number;
  bodyAddresses: number;
  wallets: number;
  linkMismatches: number;
  hiddenChars: number;
  forms: number;
  attachments: number;
  executable: number;
  macro: number;
  archive: number;
  archiveExecutable: number;
  doubleExtension: number;
  htmlAttachment: number;
  embeddedMessages: number;
}

export function registrable(host: string): string {
  return getDomain(host, { allowPrivateDomains: false }) ?? host.toLowerCase();
}

function addressDomain(a: string): string {
  const at = a.lastIndexOf('@');
  return at < 0
    ? ''
    : registrable(
        a
          .slice(at + 1)
          .replace(/>$/, '')
          .trim(),
      );
}

/**
 * The brand a host imitates: its registrable label is one or two edits from a brand (paypa1.com), or a
 * brand is named anywhere before the registrable domain's suffix (paypal.com.verify.example.net,
 * paypal-security.example.com). A host on the brand's own or on a popular registrable domain imitates nothing.
 */
export function imitatedBrand(host: string): string | undefined {
  const h = host.toLowerCase();
  const reg = registrable(h);
  const label = reg.split('.')[0] ?? '';
  if (label === '' || BRANDS.includes(label) || isAllowListedRegistrableDomain(reg)) return undefined;
  const near = nearestBrand(label);
  if (near !== undefined && near.distance > 0) return near.brand;
  const beforeSuffix = h.slice(0, h.length - reg.length + label.length);
  return embeddedBrand(beforeSuffix) ?? tokenBrand(beforeSuffix);
}

/** The host part of an address (after its last `@`, lower-cased), '' without one. */
export function hostOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0
    ? ''
    : address
        .slice(at + 1)
        .replace(/>$/, '')
        .trim()
        .toLowerCase();
}

function nameBrandOf(from: EmailAddress | undefined, fromDomain: string): string | undefined {
  if (from === undefined || from.name === '') return undefined;
  const words = from.name.toLowerCase().split(/[^a-z0-9]+/);
  for (const w of words) {
    if (w.length >= 3 && BRANDS.includes(w) && !fromDomain.includes(w)) return w;
  }
  return undefined;
}

export function messageSignals(email: ParsedEmail): MessageSignals {
  const top = email.messages[0];
  const from = top?.from;
  const fromDomain = from?.address ? addressDomain(from.address) : '';
  const nameAddressDomain = from?.name ? addressDomainIn(from.name) : undefined;
  const nameDomain = nameAddressDomain ?? (from?.name ? domainIn(from.name) : undefined);
  const replyDomains = (top?.replyTo ?? []).map((r) => addressDomain(r.address)).filter((d) => d !== '');
  const returnDomain = top?.returnPath ? addressDomain(top.returnPath) : '';

  const urlDomains = new Set<string>();
  const lookalikes = new Set<string>();
  let bodyUrls = 0;
  let ipUrls = 0;
  let shortenerUrls = 0;
  let foreign = 0;
  let bodyAddresses = 0;
  let wallets = 0;
  for (const ind of email.indicators) {
    if (ind.foundIn.every((f) => f.startsWith('header:'))) continue;
    if (ind.kind === 'crypto_wallet') wallets++;
    else if (ind.kind === 'email_address') bodyAddresses++;
    else if (ind.kind === 'url') {
      bodyUrls++;
      let host = '';
      try {
        host = new URL(ind.value).hostname.replace(/^\[|\]$/g, '');
      } catch {
        continue;
      }
      if (/^[\d.]+$/.test(host) || host.includes(':')) {
        ipUrls++;
        continue;
      }
      const d = registrable(host);
      if (SHORTENERS.has(d) || SHORTENERS.has(host)) shortenerUrls++;
      if (!urlDomains.has(d)) {
        urlDomains.add(d);
        if (d !== fromDomain) foreign++;
      }
      if (imitatedBrand(host) !== undefined) lookalikes.add(host);
    } else if (ind.kind === 'domain') {
      if (imitatedBrand(ind.value) !== undefined) lookalikes.add(ind.value.toLowerCase());
    }
  }
  const att = email.attachments;
  const count = (f: (a: (typeof att)[number]) => boolean) => att.filter(f).length;
  return {
    fromDomain,
    fromMissing: fromDomain === '',
    fromHasName: (from?.name ?? '') !== '',
    nameDomainMismatch: nameDomain !== undefined && registrable(nameDomain.toLowerCase()) !== fromDomain,
    nameHasAddress: nameAddressDomain !== undefined,
    nameBrand: nameBrandOf(from, fromDomain),
    fromFreemail: FREEMAIL.has(fromDomain),
    fromLookalikeBrand: fromDomain === '' ? undefined : imitatedBrand(hostOf(from?.address ?? '')),
    replyToPresent: replyDomains.length > 0,
    replyToMismatch: replyDomains.some((d) => d !== fromDomain),
    replyToFreemail: replyDomains.some((d) => FREEMAIL.has(d)),
    returnPathMismatch: returnDomain !== '' && fromDomain !== '' && returnDomain !== fromDomain,
    bodyUrls,
    linkDomains: urlDomains.size,
    ipUrls,
    shortenerUrls,
    lookalikeDomains: [...lookalikes].sort(),
    foreignLinkDomains: foreign,
    bodyAddresses,
    wallets,
    linkMismatches: email.facts.linkMismatches.length,
    hiddenChars: email.facts.hiddenText.reduce((n, h) => n + h.characters, 0),
    forms: email.facts.forms,
    attachments: att.length,
    executable: count((a) => a.executable),
    macro: count((a) => a.macroEnabled),
    archive: count((a) => a.archive),
    archiveExecutable: count((a) => a.archiveHasExecutable),
    doubleExtension: count((a) => a.doubleExtension),
    htmlAttachment: count((a) => a.html),
    embeddedMessages: Math.max(0, email.messages.length - 1),
  };
}
