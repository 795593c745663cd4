/**
 * Features `email/3`: email/2's message facts (the same 29 numbers, same code, except: no display-name
 * comparison without a From address, and `attachments` counts no plain-text attachment), three facts
 * a body shows on its own, and the logit of a linear text model over hashed words and word
 * pairs (text-hash.ts) instead of email/2's 1,024 word buckets.
 *
 * Why a text model: a linear model over 2^17 word and pair buckets keeps the words a tree ensemble
 * over 1,024 collided buckets cannot, and the tree model then weighs that one number against the
 * message's structure. It is trained out of fold (models/training/text_model.py), so the trees learn
 * how far to trust it on mail it has not seen.
 *
 * The body facts, all readable from the body alone (the HTML template ham has no headers):
 * - `link_top_domain_share`: the share of the body's links on their most common registrable domain.
 *   A service's own mail links its own site almost everywhere (buttons, footer, preferences); a kit
 *   that copies the look keeps the brand's links for images and legal text and sends the button
 *   elsewhere.
 * - `brand_shown_not_linked`: the text names a brand that phishing imitates (the lexicon), the body has
 *   links, and the brand's registrable domain is not where most of them go (a kit keeps one real
 *   help link of the brand; the brand's own mail links its own site throughout).
 * - `quoted_lines`: lines quoting earlier mail (`> ...`, or an HTML blockquote): a reply in a
 *   conversation, in any language. A phishing kit rarely carries a thread; one that fakes it is
 *   lowered by this (the card says so).
 * Not knowable from the body, and left to the sender-side facts and the reasons: whether the sending
 * infrastructure belongs to the organisation (DKIM/DMARC alignment), and whether a linked site is the
 * organisation's when its name is not the brand's.
 */
import { BRANDS } from '../domain/lexicon';
import {
  bodyTextV2,
  EMAIL_V2_FEATURE_COUNT,
  EMAIL_V2_FEATURE_NAMES,
  emailFeaturesV2,
  subjectV2,
} from './message-features-v2';
import { type MessageSignals, messageSignals, registrable } from './message-signals';
import { hashText, type SparseText, type TextModel, textLogit } from './text-hash';
import type { ParsedEmail } from './types';

export const EMAIL_V3_FEATURES_VERSION = 'email/3';

/** email/2's own features (everything before its word buckets). */
const V2_OWN = EMAIL_V2_FEATURE_NAMES.filter((n) => !n.startsWith('tok_'));

export const EMAIL_V3_FEATURE_NAMES: readonly string[] = [
  ...V2_OWN,
  'link_top_domain_share',
  'brand_shown_not_linked',
  'quoted_lines',
  'text_score',
];
export const EMAIL_V3_FEATURE_COUNT = EMAIL_V3_FEATURE_NAMES.length;

/**
 * Display-name facts that compare the name with the From address: without a From address (an archive
 * that obfuscated it, `user at example.org (Name)`) there is nothing to compare, and the name holding
 * the mangled address is the archive's doing, not a spoof. email/2 set them anyway; the R-list ham
 * then taught "a name with a foreign domain = ham", and left out it reads as display-name spoofing.
 */
const FROM_NAME_FACTS = ['from_name_has_address', 'from_name_domain_mismatch', 'from_name_brand'].map((n) =>
  V2_OWN.indexOf(n),
);

const ATTACHMENTS = V2_OWN.indexOf('attachments');

/**
 * Attachments other than plain text: a patch, a log or a CSV sent as `text/*` is how developers and
 * lists share work (cygwin-patches left out had its attached patches raised), not a lure. HTML
 * attachments still count (and have their own feature).
 */
export function nonTextAttachments(email: ParsedEmail): number {
  return email.attachments.filter((a) => {
    const type = (a.sniffedContentType || a.declaredContentType).toLowerCase();
    return a.html || !type.startsWith('text/');
  }).length;
}

const BRAND_SET = new Set(BRANDS.filter((b) => b.length >= 4 && !b.includes('-')));

/** The text the text model reads: the subject without list tags and the visible body (as email/2 reads them). */
export function messageText(email: ParsedEmail): string {
  return `${subjectV2(email)}\n${bodyTextV2(email)}`;
}

export function messageTextVector(email: ParsedEmail): SparseText {
  return hashText(messageText(email));
}

/** Where a link the reader follows sits: an HTML href or form target, or a URL in a plain-text body. */
const LINK_PLACES = new Set(['html:href', 'html:form-action', 'text']);

/**
 * Registrable domains of the body's links, one entry per distinct link. Not header addresses, images
 * (often a CDN) or URLs written in HTML text (a kit writes the brand's address as the link text).
 */
export function linkDomains(email: ParsedEmail): string[] {
  const out: string[] = [];
  for (const ind of email.indicators) {
    if (ind.kind !== 'url' || !ind.foundIn.some((f) => LINK_PLACES.has(f))) continue;
    try {
      const host = new URL(ind.value).hostname.toLowerCase();
      if (host !== '') out.push(registrable(host));
    } catch {
      // an unparseable link counts as no domain
    }
  }
  return out;
}

export function topDomainShare(domains: readonly string[]): number {
  if (domains.length === 0) return 0;
  const n = new Map<string, number>();
  for (const d of domains) n.set(d, (n.get(d) ?? 0) + 1);
  return Math.max(...n.values()) / domains.length;
}

/** The labels of the registrable domains most links go to (several on a tie). */
function topLabels(domains: readonly string[]): Set<string> {
  const n = new Map<string, number>();
  for (const d of domains) n.set(d, (n.get(d) ?? 0) + 1);
  const most = Math.max(...n.values());
  return new Set([...n].filter(([, k]) => k === most).map(([d]) => d.split('.')[0] ?? ''));
}

/** Lines of the visible body that quote earlier mail, or blockquotes of an HTML-only body. */
export function quotedLines(email: ParsedEmail, body: string): number {
  const quoted = body.split(/\r?\n/).filter((l) => /^\s*>/.test(l)).length;
  if (quoted > 0) return quoted;
  const top = email.messages[0];
  return top !== undefined && top.textBody.trim() === '' ? (top.htmlBody.match(/<blockquote\b/gi) ?? []).length : 0;
}

export function brandShownNotLinked(text: string, domains: readonly string[]): boolean {
  if (domains.length === 0) return false;
  const labels = topLabels(domains);
  for (const m of text.toLowerCase().matchAll(/[a-z]{4,}/g)) {
    if (BRAND_SET.has(m[0]) && !labels.has(m[0])) return true;
  }
  return false;
}

/**
 * Writes the email/3 row. Without a text model (the training export, which has none yet) `text_score`
 * is 0; training fills the column from the text vectors it exported.
 */
export function emailFeaturesV3(
  email: ParsedEmail,
  out: Float32Array,
  offset: number,
  textModel: TextModel | null,
  signals: MessageSignals = messageSignals(email),
): void {
  const v2 = new Float32Array(EMAIL_V2_FEATURE_COUNT);
  emailFeaturesV2(email, v2, 0, signals);
  out.set(v2.subarray(0, V2_OWN.length), offset);
  if (signals.fromMissing) for (const j of FROM_NAME_FACTS) out[offset + j] = 0;
  out[offset + ATTACHMENTS] = nonTextAttachments(email);
  const domains = linkDomains(email);
  const text = messageText(email);
  let i = offset + V2_OWN.length;
  out[i++] = Math.fround(topDomainShare(domains));
  out[i++] = brandShownNotLinked(text, domains) ? 1 : 0;
  out[i++] = Math.fround(Math.log1p(quotedLines(email, bodyTextV2(email))));
  out[i] = textModel === null ? 0 : Math.fround(textLogit(textModel, hashText(text)));
}
