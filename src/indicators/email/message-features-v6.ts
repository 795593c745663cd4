/**
 * Features `email/6`: email/3's row, the same code and columns, except that `text_score` is the logit
 * of a hashed text model that does not read the language (text-language.ts): no function words of
 * any language among its tokens, and a language column in training that is not served
 * (models/training/text_model.py, `text_language_bias`).
 *
 * Why only the text: v3's text model scored the same Keycloak or django-allauth notice up to 3.7
 * logits higher in Portuguese, Japanese, German or Dutch than in English, French or Italian
 * (scripts/email/eval-languages.ts; models/email/README.md), because phishing_pot is multilingual
 * and the ham is English. Every other column stays email/3's, so a model on this row differs from v3
 * by its words alone, and the comparison says what the words did.
 *
 * One fact is corrected: `brand_shown_not_linked` does not read email addresses. v3 matched brand
 * names anywhere in the text, so the addressee printed in a footer ("Sent to x@outlook.com") or a
 * "reply to someone@gmail.com" line counted as a brand shown and not linked; Ghost's member mail was
 * raised 46% with an icloud/outlook addressee against 24% without (models/email/README.md). A mailbox
 * is where mail goes, not a brand the message shows; a brand named in the words ("your Outlook
 * mailbox is full") still counts. email/3 and email/5 keep v3's fact, their models learned it.
 * List archives (pipermail, the R lists) print addresses as `user at gmail.com`; that form is blanked
 * too when it is unmistakably an address (`withoutArchivedAddresses`), so "sign in at paypal.com"
 * still names PayPal.
 */
import {
  brandShownNotLinked,
  EMAIL_V3_FEATURE_NAMES,
  emailFeaturesV3,
  linkDomains,
  messageText,
} from './message-features-v3';
import { type MessageSignals, messageSignals } from './message-signals';
import { hashText, type SparseText, TEXT_BUCKETS, type TextModel, textLogit } from './text-hash';
import { neutralTokens, textLanguage } from './text-language';
import type { ParsedEmail } from './types';

export const EMAIL_V6_FEATURES_VERSION = 'email/6';
export const EMAIL_V6_FEATURE_NAMES: readonly string[] = EMAIL_V3_FEATURE_NAMES;
export const EMAIL_V6_FEATURE_COUNT = EMAIL_V6_FEATURE_NAMES.length;
const TEXT_SCORE = EMAIL_V6_FEATURE_NAMES.indexOf('text_score');
const BRAND_SHOWN = EMAIL_V6_FEATURE_NAMES.indexOf('brand_shown_not_linked');

const LOCAL_PART = /[\p{L}\p{N}._%+'-]/u;
const DOMAIN_PART = /[\p{L}\p{N}.-]/u;

/**
 * The text with every email address (`local@domain.tld`) blanked out. Scans from each `@` outwards
 * instead of matching a pattern, so a long run of letters without an `@` costs one pass, not one per
 * start position.
 */
export function withoutAddresses(text: string): string {
  if (!text.includes('@')) return text;
  let out = '';
  let done = 0;
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > done && LOCAL_PART.test(text[start - 1] ?? '')) start--;
    let end = at + 1;
    while (end < text.length && DOMAIN_PART.test(text[end] ?? '')) end++;
    while (end > at + 1 && text[end - 1] === '.') end--; // the full stop ending a sentence
    const domain = text.slice(at + 1, end);
    if (start === at || !/[^.]\.[^.]/.test(domain)) continue;
    out += `${text.slice(done, start)} `;
    done = end;
    at = end - 1;
  }
  return out + text.slice(done);
}

/** `local at domain.tld` as list archives write it; the local part is one token of address characters. */
const ARCHIVED =
  /(?<![\p{L}\p{N}._%+'-])([\p{L}\p{N}._%+'-]+) at ([\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,})(?![\p{L}\p{N}-])/gu;

/**
 * The text with every archived address blanked: `local at domain.tld` where the form itself says it is an
 * address, because the local part holds a character words do not (`murdoch.duncan`, `mspinola10`) or
 * a capital inside it (`PDalgd`), or it sits inside `<...>`, after `mailto:`, or before the archive's
 * `(Full Name)`. A word before " at " ("sign in at paypal.com", "sign-in at apple.com", "visit us at
 * apple.com") stays: that is how a lure names the site it imitates, and the fact must keep reading it.
 */
export function withoutArchivedAddresses(text: string): string {
  if (!text.includes(' at ')) return text;
  return text.replace(ARCHIVED, (whole: string, local: string, _domain: string, at: number) => {
    const before = text.slice(Math.max(0, at - 8), at);
    const after = text.slice(at + whole.length, at + whole.length + 2);
    const addressy =
      /[._%+\d]/u.test(local) ||
      /.\p{Lu}/u.test(local) ||
      /(?:<|mailto:\s*)$/iu.test(before) ||
      after.startsWith('>') ||
      after === ' (';
    return addressy ? ' ' : whole;
  });
}

/** The message's hashed words and pairs, without any language's function words (for the export and serving). */
export function neutralTextVector(email: ParsedEmail): SparseText {
  return hashText(messageText(email), TEXT_BUCKETS, neutralTokens);
}

/** The message's language as training's language column names it (text-language.ts). */
export function messageLanguage(email: ParsedEmail): string {
  return textLanguage(messageText(email));
}

/**
 * Writes the email/6 row. Without a text model (the training export) `text_score` is 0; training
 * fills the column from the vectors it exported.
 */
export function emailFeaturesV6(
  email: ParsedEmail,
  out: Float32Array,
  offset: number,
  textModel: TextModel | null,
  signals: MessageSignals = messageSignals(email),
): void {
  emailFeaturesV3(email, out, offset, null, signals);
  const shown = withoutArchivedAddresses(withoutAddresses(messageText(email)));
  out[offset + BRAND_SHOWN] = brandShownNotLinked(shown, linkDomains(email)) ? 1 : 0;
  out[offset + TEXT_SCORE] = textModel === null ? 0 : Math.fround(textLogit(textModel, neutralTextVector(email)));
}
