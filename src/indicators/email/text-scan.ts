/**
 * Finds indicators in free text (a plain-text body, the visible text of an HTML body, a link's
 * text): URLs, email addresses, bare domains that end in an ICANN public suffix, IP addresses and
 * Bitcoin wallets. Defanged forms (`hxxps://evil[.]com`) are re-fanged first.
 *
 * The text is cut into words at white space and a few delimiters; each word is looked at a bounded
 * number of times (URL schemes at most MAX_SCHEMES_PER_WORD times), so the scan is linear in the
 * text. No regular expression here can backtrack on its input: each is anchored, or a plain
 * character class.
 */
import { domainToASCII } from 'node:url';
import { parse as parseDomain } from 'tldts';
import { refang } from '../url/defang';
import { isBitcoinAddress } from './bitcoin';
import { ipLiteral } from './ip-literal';
import type { EmailIndicatorKind } from './types';

export interface TextHit {
  kind: EmailIndicatorKind;
  value: string;
}

const MAX_WORD = 8192;
const MAX_SCHEMES_PER_WORD = 5;
const URL_SCHEMES = new Set(['http', 'https', 'ftp', 'ftps']);
const WORD_BREAK = /[\s\p{Cc}<>"'`\u00a0\u2000-\u200b\u2028\u2029\u3000\ufeff]+/u;
const LEADING = /^[([{*_,;!?]+/;
const LOCAL_PART = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}$/;
const DOMAIN_CHARS = /^[\p{L}\p{N}.-]{3,253}$/u;
const SCHEME_CHAR = /[A-Za-z0-9+.-]/;

const CLOSING: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };
const TRAILING_PUNCTUATION = '.,;:!?\'"*_>';

function occurrences(word: string, c: string): number {
  let n = 0;
  for (let i = word.indexOf(c); i >= 0; i = word.indexOf(c, i + 1)) n++;
  return n;
}

/** Cuts punctuation that ends a sentence, and closing brackets the word never opened. */
function trimTrailing(word: string): string {
  let end = word.length;
  // Bracket balance is counted once per bracket kind, and only when a closing bracket ends the word.
  let surplus: Map<string, number> | undefined;
  for (;;) {
    const c = word[end - 1];
    if (c === undefined) break;
    const open = CLOSING[c];
    if (open !== undefined) {
      surplus ??= new Map();
      const extra = surplus.get(c) ?? occurrences(word, c) - occurrences(word, open);
      if (extra <= 0) break;
      surplus.set(c, extra - 1);
    } else if (!TRAILING_PUNCTUATION.includes(c)) break;
    end--;
  }
  return end === word.length ? word : word.slice(0, end);
}

/** The ASCII (punycode) form of `name` when it is a syntactically valid DNS name, else undefined. */
export function asciiHostname(name: string): string | undefined {
  if (!DOMAIN_CHARS.test(name)) return undefined;
  const ascii = domainToASCII(name.toLowerCase());
  if (ascii === '' || ascii.length > 253) return undefined;
  for (const label of ascii.split('.')) {
    if (label.length === 0 || label.length > 63 || label.startsWith('-') || label.endsWith('-')) return undefined;
  }
  return ascii;
}

/** A bare domain counts only when it ends in an ICANN public suffix and is more than the suffix. */
export function publicDomain(name: string): string | undefined {
  const ascii = asciiHostname(name);
  if (ascii === undefined || !ascii.includes('.')) return undefined;
  const parsed = parseDomain(ascii, { allowPrivateDomains: false });
  if (!parsed.isIcann || parsed.domain === null || parsed.isIp) return undefined;
  return /^[a-z]|^xn--/.test(parsed.publicSuffix ?? '') ? ascii : undefined;
}

/** The host of a URL as an indicator: an IP, or a domain (any suffix: the URL says it is a host). */
export function hostHit(hostname: string): TextHit | undefined {
  const ip = ipLiteral(hostname);
  if (ip) return { kind: 'ip', value: ip };
  const ascii = asciiHostname(hostname);
  return ascii?.includes('.') ? { kind: 'domain', value: ascii } : undefined;
}

/** `candidate` as a URL with a dotted or IP host, or undefined. */
export function urlCandidate(candidate: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return undefined;
  }
  if (!URL_SCHEMES.has(url.protocol.slice(0, -1)) || url.hostname === '') return undefined;
  return hostHit(url.hostname) ? url : undefined;
}

function urlHits(url: URL, raw: string, hits: TextHit[]): void {
  hits.push({ kind: 'url', value: raw });
  const host = hostHit(url.hostname);
  if (host) hits.push(host);
}

function scanUrls(word: string, hits: TextHit[]): boolean {
  let found = false;
  let at = word.indexOf('://');
  for (let n = 0; at > 0 && n < MAX_SCHEMES_PER_WORD; n++) {
    let start = at;
    while (start > 0 && at - start < 10 && SCHEME_CHAR.test(word[start - 1] ?? '')) start--;
    const raw = trimTrailing(word.slice(start));
    const url = urlCandidate(raw);
    if (url) {
      urlHits(url, raw, hits);
      found = true;
    }
    at = word.indexOf('://', at + 3);
  }
  return found;
}

function scanEmail(word: string, hits: TextHit[]): void {
  const address = word.toLowerCase().startsWith('mailto:') ? (word.slice(7).split('?')[0] ?? '') : word;
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = publicDomain(address.slice(at + 1)) ?? ipLiteral(address.slice(at + 1));
  if (at <= 0 || !LOCAL_PART.test(local) || local.startsWith('.') || local.endsWith('.') || domain === undefined)
    return;
  hits.push({ kind: 'email_address', value: `${local}@${domain}` });
  if (!ipLiteral(domain)) hits.push({ kind: 'domain', value: domain });
}

function scanWord(rawWord: string, hits: TextHit[]): void {
  const word = trimTrailing(LEADING.test(rawWord) ? rawWord.replace(LEADING, '') : rawWord);
  if (word.length < 3 || word.length > MAX_WORD) return;
  if (word.includes('://') && scanUrls(word, hits)) return;
  if (word.includes('@')) {
    scanEmail(word, hits);
    return;
  }
  if (/^www\./i.test(word)) {
    const slash = word.search(/[/?#]/);
    const host = publicDomain(slash < 0 ? word : word.slice(0, slash));
    if (host === undefined) return;
    const url = slash < 0 ? undefined : urlCandidate(`http://${word}`);
    if (url) hits.push({ kind: 'url', value: `http://${word}` });
    hits.push({ kind: 'domain', value: host });
    return;
  }
  const bitcoin = word.toLowerCase().startsWith('bitcoin:') ? (word.slice(8).split('?')[0] ?? '') : word;
  if (bitcoin.length >= 26 && bitcoin.length <= 90 && isBitcoinAddress(bitcoin)) {
    hits.push({ kind: 'crypto_wallet', value: bitcoin });
    return;
  }
  // Most words of prose are neither an address nor a host name: skip the costlier checks.
  if (!word.includes('.') && !word.includes(':')) return;
  const ip = ipLiteral(word) ?? ipWithPort(word);
  if (ip) {
    hits.push({ kind: 'ip', value: ip });
    return;
  }
  const domain = publicDomain(word);
  if (domain) hits.push({ kind: 'domain', value: domain });
}

/** `1.2.3.4:8080` -> `1.2.3.4`. */
function ipWithPort(word: string): string | undefined {
  const colon = word.lastIndexOf(':');
  return colon > 6 && /^\d{1,5}$/.test(word.slice(colon + 1)) ? ipLiteral(word.slice(0, colon)) : undefined;
}

/** Every indicator in `text`, in order of appearance, repeats included. */
export function scanText(text: string): TextHit[] {
  const hits: TextHit[] = [];
  for (const word of refang(text).split(WORD_BREAK)) {
    if (word.length >= 3) scanWord(word, hits);
  }
  return hits;
}
