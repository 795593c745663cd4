/**
 * Features `email/5`: email/3's row (the hashed text model's logit included) without
 * `shortener_urls`, plus four facts about where the links go (link-structure.ts): `link_sites`,
 * `brand_not_linked`, `risky_host_links` and `credential_lure`.
 *
 * Why: left out, v3 raised 98% of unseen organisations' templates, and the text score alone did it
 * (the words of service mail: account, click, unsubscribe, payment). A real organisation and a kit
 * that copies it write the same words; they differ in where the links point. These facts give the
 * trees something besides the words to tell them apart, all readable from a body alone.
 * `shortener_urls` goes as in email/4 (a shared maps link in personal mail is ordinary; the training
 * ham cannot show it), and shorteners are not among the risky hosts for the same reason: the URL
 * model still scores the link and the reasons still say SHORTENED_LINK.
 */

import { LINK_STRUCTURE_NAMES, linkStructure } from './link-structure';
import { EMAIL_V3_FEATURE_NAMES, emailFeaturesV3, messageText } from './message-features-v3';
import { type MessageSignals, messageSignals } from './message-signals';
import type { TextModel } from './text-hash';
import type { ParsedEmail } from './types';

export const EMAIL_V5_FEATURES_VERSION = 'email/5';
const DROPPED = new Set(['shortener_urls']);
/** email/3's columns that email/5 keeps, in order (text_score last among them). */
const KEPT = EMAIL_V3_FEATURE_NAMES.flatMap((n, i) => (DROPPED.has(n) ? [] : [i]));
export const EMAIL_V5_FEATURE_NAMES: readonly string[] = [
  ...KEPT.map((i) => EMAIL_V3_FEATURE_NAMES[i] as string),
  ...LINK_STRUCTURE_NAMES,
];
export const EMAIL_V5_FEATURE_COUNT = EMAIL_V5_FEATURE_NAMES.length;

/**
 * Writes the email/5 row. Without a text model (the training export) `text_score` is 0; training
 * fills the column from the hashed vectors it exported (as for email/3).
 */
export function emailFeaturesV5(
  email: ParsedEmail,
  out: Float32Array,
  offset: number,
  textModel: TextModel | null,
  signals: MessageSignals = messageSignals(email),
): void {
  const v3 = new Float32Array(EMAIL_V3_FEATURE_NAMES.length);
  emailFeaturesV3(email, v3, 0, textModel, signals);
  for (const [j, i] of KEPT.entries()) out[offset + j] = v3[i] as number;
  const links = linkStructure(email, messageText(email));
  let i = offset + KEPT.length;
  out[i++] = Math.fround(Math.log1p(links.linkSites));
  out[i++] = links.brandNotLinked ? 1 : 0;
  out[i++] = Math.fround(Math.log1p(links.riskyHostLinks));
  out[i] = links.credentialLure ? 1 : 0;
}
