/**
 * Features `email/4`: email/3's numbers, the same code, except
 * - `text_score` is the logit of a vocabulary text model (text-vocab.ts) instead of a hashed one:
 *   words the model never learned weigh 0 instead of a collided training word's weight, the function
 *   words of other languages are not words of the model, and a word needs more than one training
 *   corpus to get a weight at all;
 * - no `shortener_urls`. Shortened links are in 17.6% of phishing_pot and in almost no training ham
 *   (0.3% of R-list posts, 4 of 250 hard ham, none of the other sources): list archives, 2002 mail
 *   and templates rendered without send-time links do not show how ordinary a shared maps or
 *   social link is in personal and modern mail, so the trees learned "a shortener = phishing"
 *   (a German personal mail with a maps.app.goo.gl link: 0.82 with it, 0.10 without). Like tracking
 *   links and preheaders, it encodes the corpora; measured left out, dropping it costs no phishing
 *   AUC (models/email/README.md). The link itself is still scored by the URL model (embedded
 *   indicators) and reported as SHORTENED_LINK.
 */
import { EMAIL_V3_FEATURE_NAMES, emailFeaturesV3, messageText } from './message-features-v3';
import { type MessageSignals, messageSignals } from './message-signals';
import { keyValues, textKeys, type VocabTextModel, vocabLogit } from './text-vocab';
import type { ParsedEmail } from './types';

export const EMAIL_V4_FEATURES_VERSION = 'email/4';
const DROPPED = new Set(['shortener_urls']);
/** email/3's columns that email/4 keeps, in order. */
const KEPT = EMAIL_V3_FEATURE_NAMES.flatMap((n, i) => (DROPPED.has(n) ? [] : [i]));
export const EMAIL_V4_FEATURE_NAMES: readonly string[] = KEPT.map((i) => EMAIL_V3_FEATURE_NAMES[i] as string);
export const EMAIL_V4_FEATURE_COUNT = EMAIL_V4_FEATURE_NAMES.length;
const TEXT_SCORE = EMAIL_V4_FEATURE_NAMES.indexOf('text_score');

/** The message's words and pairs with their values (for the training export). */
export function messageTextKeys(email: ParsedEmail): { keys: string[]; values: Float32Array } {
  return keyValues(textKeys(messageText(email)));
}

/**
 * Writes the email/4 row. Without a text model (the training export) `text_score` is 0; training
 * fills the column from the exported words.
 */
export function emailFeaturesV4(
  email: ParsedEmail,
  out: Float32Array,
  offset: number,
  textModel: VocabTextModel | null,
  signals: MessageSignals = messageSignals(email),
): void {
  const v3 = new Float32Array(EMAIL_V3_FEATURE_NAMES.length);
  emailFeaturesV3(email, v3, 0, null, signals);
  for (const [j, i] of KEPT.entries()) out[offset + j] = v3[i] as number;
  out[offset + TEXT_SCORE] = textModel === null ? 0 : Math.fround(vocabLogit(textModel, messageText(email)));
}
