/**
 * The message model's feature row: the signals of message-signals.ts, body shape, and the words of the
 * subject and body hashed into a fixed number of buckets. The same function runs in training
 * (src/training/export-email.ts) and serving, so a model is only ever fed the numbers it learned on.
 *
 * Not features, on purpose: whether the message has a text or an HTML part at all (99% of the 2002
 * mailing-list ham is plain text, 95% of the phishing is HTML: a corpus and era marker that topped the
 * permutation importance at 0.058 AUC), dates, user agents and every receiving-side header. `html_only`
 * stays: no plain-text alternative is a property of the sender's message, not of its decade.
 *
 * Word tokens skip the corpora's anonymisation markers (phishing_pot replaced every recipient with
 * `phishing@pot`; the SpamAssassin corpus with `zzzz@...spamassassin.taint.org`), which would
 * otherwise name the source, and anything with a digit (years and dates mark the era).
 */
import { type MessageSignals, messageSignals } from './message-signals';
import type { ParsedEmail } from './types';

export const EMAIL_FEATURES_VERSION = 'email/1';

/** Word-hash buckets; a power of two. */
export const TOKEN_BUCKETS = 256;
/** Body characters tokenised; longer bodies are cut (the start of a message says what it wants). */
const MAX_BODY_CHARS = 100_000;

const OWN_NAMES = [
  'from_missing',
  'from_has_name',
  'from_name_has_address',
  'from_name_domain_mismatch',
  'from_name_brand',
  'from_freemail',
  'from_lookalike_brand',
  'reply_to_present',
  'reply_to_mismatch',
  'reply_to_freemail',
  'return_path_mismatch',
  'subject_chars',
  'subject_upper_ratio',
  'subject_reply',
  'html_only',
  'body_chars',
  'body_upper_ratio',
  'body_exclamations',
  'body_money',
  'body_urls',
  'link_domains',
  'ip_urls',
  'shortener_urls',
  'lookalike_domains',
  'foreign_link_domains',
  'body_addresses',
  'wallets',
  'link_mismatches',
  'hidden_chars',
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

export const EMAIL_FEATURE_NAMES: readonly string[] = [
  ...OWN_NAMES,
  ...Array.from({ length: TOKEN_BUCKETS }, (_, i) => `tok_${i}`),
];
export const EMAIL_FEATURE_COUNT = EMAIL_FEATURE_NAMES.length;
export const TOKEN_OFFSET = OWN_NAMES.length;

const STOP_TOKENS = new Set([
  'phishing',
  'pot',
  'phish',
  'zzzz',
  'yyyy',
  'taint',
  'spamassassin',
  'jmason',
  'localhost',
]);

/** The visible text of an HTML body, roughly: enough for word counts, not a renderer. */
export function htmlText(html: string): string {
  return html
    .slice(0, MAX_BODY_CHARS * 4)
    .replace(/<(style|script|head)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&[a-z#0-9]+;/gi, ' ');
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
    const b = fnv1a(w) & (TOKEN_BUCKETS - 1);
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

/** The text a reader sees in the top-level message: the plain-text part, or the HTML's text. */
export function bodyText(email: ParsedEmail): string {
  const top = email.messages[0];
  if (top === undefined) return '';
  const text = top.textBody.trim() !== '' ? top.textBody : htmlText(top.htmlBody);
  return text.slice(0, MAX_BODY_CHARS);
}

/** Writes the row; `signals` may be passed when the caller already computed them. */
export function emailFeatures(
  email: ParsedEmail,
  out: Float32Array,
  offset: number,
  signals: MessageSignals = messageSignals(email),
): void {
  const s = signals;
  const top = email.messages[0];
  const subject = top?.subject ?? '';
  const body = bodyText(email);
  const b = (v: boolean) => (v ? 1 : 0);
  const log = (n: number) => Math.log1p(n);
  const own: number[] = [
    b(s.fromMissing),
    b(s.fromHasName),
    b(s.nameHasAddress),
    b(s.nameDomainMismatch),
    b(s.nameBrand !== undefined),
    b(s.fromFreemail),
    b(s.fromLookalikeBrand !== undefined),
    b(s.replyToPresent),
    b(s.replyToMismatch),
    b(s.replyToFreemail),
    b(s.returnPathMismatch),
    log(subject.length),
    upperRatio(subject),
    b(/^\s*(re|fwd?|aw|tr)\s*:/i.test(subject)),
    b(email.facts.htmlOnly),
    log(body.length),
    upperRatio(body.slice(0, 20_000)),
    log(count(body, /!/g)),
    log(count(body, /[$€£]|\b(usd|eur|btc|bitcoin)\b/gi)),
    log(s.bodyUrls),
    log(s.linkDomains),
    s.ipUrls,
    s.shortenerUrls,
    s.lookalikeDomains.length,
    log(s.foreignLinkDomains),
    log(s.bodyAddresses),
    s.wallets,
    s.linkMismatches,
    log(s.hiddenChars),
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
  out.fill(0, offset + TOKEN_OFFSET, offset + TOKEN_OFFSET + TOKEN_BUCKETS);
  hashTokens(`${subject}\n${body}`, out, offset + TOKEN_OFFSET);
}
