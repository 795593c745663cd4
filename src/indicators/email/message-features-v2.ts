/**
 * Features `email/2`: what a message says and does, not where the training mail was collected.
 * Version 1 (message-features.ts) stays as it is so that model v1 keeps serving with the numbers it
 * learned on; a model's metadata names the version, and the repository loads it with that code.
 *
 * Left out on purpose, because in the training corpora they name the source, not the threat
 * (models/email/README.md, ../shared/data/emails/SOURCES.md):
 * - header presence and list habits: From missing or with a display name, Reply-To present,
 *   Return-Path on another domain (list bounce addresses), `Re:` subjects, subject length (the HTML
 *   template bodies have no subject at all), links on another domain than the From (a message
 *   without a parseable From has none);
 * - HTML-only and hidden text: every modern newsletter and receipt is HTML-only with a hidden
 *   preheader, so neither may count against a message;
 * - archive formatting: list tags in subjects (`[R-sig-Geo]`), the `[[alternative HTML version
 *   deleted]]` and `next part` lines a list archive writes.
 * - subject capitalisation: Title Case subjects are the house style of modern senders and of phishing
 *   alike, and the list ham writes lower case;
 * - second-person and function words (`you`, `your`, `the` ...): in these corpora they tell addressed
 *   mail from list discussion (a genre), and every receipt and newsletter addresses its reader.
 * Authentication results count only as failures the receiving side recorded (0 when absent). A pass
 * is not a feature: in training only phishing_pot (DMARC pass on about 22%) and the cygwin list carry
 * the header, and a trial model learned "DKIM/DMARC pass = phishing", backwards for real mail.
 * Nor whether links point to the From domain: the ham with a From address is list mail, whose links
 * point elsewhere, so a trial model learned "links on the sender's own domain = phishing".
 */
import { type MessageSignals, messageSignals } from './message-signals';
import type { ParsedEmail } from './types';

export const EMAIL_V2_FEATURES_VERSION = 'email/2';

/** Word-hash buckets; a power of two. */
export const V2_TOKEN_BUCKETS = 1024;
const MAX_BODY_CHARS = 100_000;

const OWN_NAMES = [
  'from_name_has_address',
  'from_name_domain_mismatch',
  'from_name_brand',
  'from_freemail',
  'from_lookalike_brand',
  'reply_to_mismatch',
  'reply_to_freemail',
  'auth_failures',
  'body_chars',
  'body_upper_ratio',
  'body_exclamations',
  'body_money',
  'body_urls',
  'link_domains',
  'ip_urls',
  'shortener_urls',
  'lookalike_domains',
  'body_addresses',
  'wallets',
  'link_mismatches',
  'forms',
  'attachments',
  'attach_executable',
  'attach_macro',
  'attach_archive',
  'attach_archive_executable',
  'attach_double_extension',
  'attach_html',
  'embedded_messages',
] as const;

export const EMAIL_V2_FEATURE_NAMES: readonly string[] = [
  ...OWN_NAMES,
  ...Array.from({ length: V2_TOKEN_BUCKETS }, (_, i) => `tok_${i}`),
];
export const EMAIL_V2_FEATURE_COUNT = EMAIL_V2_FEATURE_NAMES.length;
const TOKEN_OFFSET = OWN_NAMES.length;

/** Anonymisation words of the corpora (they name the source) and the template bodies' fixed filler person. */
export const STOP_TOKENS: ReadonlySet<string> = new Set([
  'phishing',
  'pot',
  'phish',
  'zzzz',
  'yyyy',
  'taint',
  'spamassassin',
  'jmason',
  'localhost',
  // function words and pronouns: genre, not threat (see the header comment)
  'the',
  'and',
  'you',
  'your',
  'yours',
  'our',
  'ours',
  'we',
  'us',
  'for',
  'this',
  'that',
  'with',
  'are',
  'was',
  'were',
  'have',
  'has',
  'had',
  'not',
  'but',
  'can',
  'will',
  'would',
  'should',
  'from',
  'they',
  'them',
  'their',
  'his',
  'her',
  'she',
  'him',
  'its',
  'what',
  'which',
  'who',
  'there',
  'here',
  'all',
  'any',
  'been',
  'more',
  'into',
  'than',
  'then',
  'also',
  'just',
  'about',
  'out',
  'one',
]);

/** Lines a list archive writes in place of what it removed. */
const ARCHIVE_LINES =
  /^.*(\[\[alternative html version deleted\]\]|-{5,} next part -{5,}|an html attachment was scrubbed).*$/gim;
/** Leading list tags of a subject: `[R]`, `[Rd]`, `[R-pkg-devel]`, `[PATCH v2 1/3]` stays (not a tag of a list). */
const LIST_TAGS = /^\s*(?:(?:re|fwd?|aw|tr)\s*:\s*)*(?:\[(?!patch)[^\]\s]{1,24}\]\s*)+/i;

/**
 * A line of code, a patch or a shell session: `$1`, `!x` and `{` there are syntax, not money or
 * excitement (v1 counted them; 9.7% of a developer list had "money").
 */
const CODE_LINE =
  /^(?:[+-](?![\s-])|@@|diff |index )|^\s*(?:\$ |#|>>>)|[;{}]\s*$|<-|==|!=|&&|\|\||\w\(.*\)\s*[;{]?\s*$/;

/** An amount of money: a currency sign by a number, or a number followed by a currency word or code. */
const MONEY =
  /(?:[$€£]\s?\d[\d,.]*(?:\s?(?:k|m|million|billion))?|\b\d[\d,.]*\s?(?:usd|eur|gbp|btc|dollars?|euros?|pounds)\b|\b(?:usd|eur|gbp)\s?\d[\d,.]*)/gi;

/** The visible text of an HTML body, roughly: enough for word counts, not a renderer. */
export function htmlTextV2(html: string): string {
  return html
    .slice(0, MAX_BODY_CHARS * 4)
    .replace(/<(style|script|head)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&[a-z#0-9]+;/gi, ' ');
}

/** The text a reader sees in the top-level message, without what a list archive added. */
export function bodyTextV2(email: ParsedEmail): string {
  const top = email.messages[0];
  if (top === undefined) return '';
  const text = top.textBody.trim() !== '' ? top.textBody : htmlTextV2(top.htmlBody);
  return text.slice(0, MAX_BODY_CHARS).replace(ARCHIVE_LINES, '');
}

export function subjectV2(email: ParsedEmail): string {
  return (email.messages[0]?.subject ?? '').replace(LIST_TAGS, '');
}

/** The lines that are prose (not code, patches or shell). */
export function proseLines(body: string): string {
  return body
    .split(/\r?\n/)
    .filter((l) => !CODE_LINE.test(l))
    .join('\n');
}

/** FNV-1a, 32 bits. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Adds log1p(count) per bucket of the words (3-24 letters, lower-cased, no digits) of `text`. */
function hashTokens(text: string, out: Float32Array, offset: number): void {
  const counts = new Map<number, number>();
  for (const m of text.toLowerCase().matchAll(/[\p{L}][\p{L}\p{M}'-]{2,23}/gu)) {
    const w = m[0];
    if (STOP_TOKENS.has(w)) continue;
    const b = fnv1a(w) & (V2_TOKEN_BUCKETS - 1);
    counts.set(b, (counts.get(b) ?? 0) + 1);
  }
  for (const [b, n] of counts) out[offset + b] = Math.fround(Math.log1p(n));
}

function upperRatio(s: string): number {
  let letters = 0;
  let upper = 0;
  for (const c of s) {
    if (c.toLowerCase() !== c.toUpperCase()) {
      letters++;
      if (c === c.toUpperCase()) upper++;
    }
  }
  return letters === 0 ? 0 : upper / letters;
}

function count(s: string, re: RegExp): number {
  return (s.match(re) ?? []).length;
}

/** spf / dkim / dmarc failures the receiving side wrote into the top message's Authentication-Results. */
export function authFailures(email: ParsedEmail): number {
  const results = email.messages[0]?.authenticationResults ?? [];
  const failed = new Set(
    results
      .filter((a) => ['spf', 'dkim', 'dmarc'].includes(a.method) && /^(fail|softfail|permerror)$/.test(a.result))
      .map((a) => a.method),
  );
  return failed.size;
}

export function emailFeaturesV2(
  email: ParsedEmail,
  out: Float32Array,
  offset: number,
  signals: MessageSignals = messageSignals(email),
): void {
  const s = signals;
  const subject = subjectV2(email);
  const body = bodyTextV2(email);
  const prose = proseLines(body);
  const b = (v: boolean) => (v ? 1 : 0);
  const log = (n: number) => Math.log1p(n);
  const hasFrom = !s.fromMissing;
  const own: number[] = [
    b(s.nameHasAddress),
    b(s.nameDomainMismatch),
    b(s.nameBrand !== undefined),
    b(s.fromFreemail),
    b(s.fromLookalikeBrand !== undefined),
    b(hasFrom && s.replyToMismatch),
    b(s.replyToFreemail),
    authFailures(email),
    log(body.length),
    upperRatio(prose.slice(0, 20_000)),
    log(count(prose, /!/g)),
    log(count(prose, MONEY)),
    log(s.bodyUrls),
    log(s.linkDomains),
    s.ipUrls,
    s.shortenerUrls,
    s.lookalikeDomains.length,
    log(s.bodyAddresses),
    s.wallets,
    s.linkMismatches,
    s.forms,
    s.attachments,
    s.executable,
    s.macro,
    s.archive,
    s.archiveExecutable,
    s.doubleExtension,
    s.htmlAttachment,
    s.embeddedMessages,
  ];
  for (let i = 0; i < own.length; i++) out[offset + i] = Math.fround(own[i] as number);
  out.fill(0, offset + TOKEN_OFFSET, offset + TOKEN_OFFSET + V2_TOKEN_BUCKETS);
  hashTokens(`${subject}\n${body}`, out, offset + TOKEN_OFFSET);
}
