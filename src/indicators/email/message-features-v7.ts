/**
 * Features `email/7`: email/3's row, the same code and columns (the hashed text model's logit
 * included), except that `lookalike_domains` counts the hosts lookalike-links.ts finds: brands
 * imitated by the registrable label or named in someone else's subdomain, not Google's own hosts or
 * a brand in a subdomain of the message's own site.
 *
 * Why: email/3's fact was set on every raised Open Collective body (`discord.opencollective.com`) and
 * on 14% of phishing_pot, mostly for `fonts.googleapis.com`, `storage.googleapis.com` and
 * `googleusercontent.com` images, so it said "HTML that loads Google's files", and v5 was fitted
 * without it (models/email/README.md, Version 5). A model on this row differs from one on email/3 by
 * that fact alone. email/3 keeps its rule: its models learned it.
 */

import { lookalikeHostsV7 } from './lookalike-links';
import { EMAIL_V3_FEATURE_NAMES, emailFeaturesV3 } from './message-features-v3';
import { hostOf, type MessageSignals, messageSignals } from './message-signals';
import type { TextModel } from './text-hash';
import type { ParsedEmail } from './types';

export const EMAIL_V7_FEATURES_VERSION = 'email/7';
export const EMAIL_V7_FEATURE_NAMES: readonly string[] = EMAIL_V3_FEATURE_NAMES;
export const EMAIL_V7_FEATURE_COUNT = EMAIL_V7_FEATURE_NAMES.length;
const LOOKALIKE = EMAIL_V7_FEATURE_NAMES.indexOf('lookalike_domains');

/** The host part of the top message's From address, '' without one. */
export function senderHost(email: ParsedEmail): string {
  return hostOf(email.messages[0]?.from?.address ?? '');
}

/** The look-alike hosts email/7 counts (for the row and for reasons). */
export function lookalikeHosts(email: ParsedEmail): string[] {
  return lookalikeHostsV7(email, senderHost(email));
}

/**
 * Writes the email/7 row. Without a text model (the training export) `text_score` is 0; training
 * fills the column from the hashed vectors it exported (as for email/3).
 */
export function emailFeaturesV7(
  email: ParsedEmail,
  out: Float32Array,
  offset: number,
  textModel: TextModel | null,
  signals: MessageSignals = messageSignals(email),
): void {
  emailFeaturesV3(email, out, offset, textModel, signals);
  out[offset + LOOKALIKE] = lookalikeHosts(email).length;
}
