/**
 * How the indicators inside a message move the message's verdict. An indicator its own model calls
 * malicious is evidence about the message, not a verdict on it: the domain model has false positives
 * on long and multi-label names (`btrfs.wiki.kernel.org`), and when one such name lifted every message
 * that mentioned it to SUSPICIOUS, 14.8% of a legitimate 2010 mailbox was raised (issue 13). So the lift
 * is proportional to
 * - the message's own evidence: the message model's score relative to the suspicious threshold
 *   (a message the model finds plainly legitimate is barely moved by one bad name inside it);
 * - where the indicator sits: the sender's own address, a form's target or the target of a link whose
 *   visible text names another domain is what the message asks the reader to trust or click; a link
 *   target counts less, a name only mentioned in the text or an image source less still;
 * - how many distinct sites are named (a noisy-or over registrable domains, each counted once).
 *
 *   combined = 1 - (1 - s) * (1 - own * lift),  own = min(1, s / suspicious),
 *   lift = 1 - prod_site (1 - context * indicator score)
 *
 * The combined score only raises (combined >= s). Per-indicator predictions stay in the answer either way.
 */
import { registrable } from '../indicators/email/message-signals';
import type { LinkMismatch } from '../indicators/email/types';

export interface EmbeddedMalicious {
  indicator: string;
  kind: string;
  score: number;
  foundIn: readonly string[];
}

/** Weight of a place an indicator was found: how much the message rests on it. */
const PLACE_WEIGHT: Record<string, number> = {
  'header:from': 1,
  'header:reply-to': 1,
  'header:sender': 0.8,
  'header:return-path': 0.4,
  'html:form-action': 1,
  'html:meta-refresh': 0.8,
  'html:href': 0.6,
  'attachment:html': 0.6,
  attachment: 0.5,
  text: 0.5,
  'html:text': 0.3,
  'html:hidden-text': 0.3,
  'html:src': 0.1,
};
/** A link target whose visible text names another site: the reader is being told one place and sent to another. */
const MISMATCH_WEIGHT = 1;

export function siteOf(indicator: string, kind: string): string {
  let host = indicator;
  if (kind === 'url') {
    try {
      host = new URL(indicator).hostname.replace(/^\[|\]$/g, '');
    } catch {
      return indicator.toLowerCase();
    }
  } else if (kind === 'email_address') {
    host = indicator.slice(indicator.lastIndexOf('@') + 1);
  }
  return /^[\d.:]+$/.test(host) ? host : registrable(host.toLowerCase());
}

/** How much the message rests on this indicator, 0..1. */
export function contextWeight(ind: EmbeddedMalicious, mismatchSites: ReadonlySet<string>): number {
  let w = 0;
  for (const f of ind.foundIn) w = Math.max(w, PLACE_WEIGHT[f] ?? 0);
  if (mismatchSites.has(siteOf(ind.indicator, ind.kind))) w = MISMATCH_WEIGHT;
  return w;
}

export interface Combined {
  score: number;
  /** The lift the indicators could give a message with full evidence of its own, 0..1. */
  lift: number;
}

export function combineEvidence(
  messageScore: number,
  suspiciousThreshold: number,
  embedded: readonly EmbeddedMalicious[],
  linkMismatches: readonly LinkMismatch[],
): Combined {
  if (embedded.length === 0) return { score: messageScore, lift: 0 };
  const mismatchSites = new Set(linkMismatches.map((m) => siteOf(m.href, 'url')));
  const perSite = new Map<string, number>();
  for (const ind of embedded) {
    const site = siteOf(ind.indicator, ind.kind);
    const v = contextWeight(ind, mismatchSites) * Math.min(1, Math.max(0, ind.score));
    perSite.set(site, Math.max(perSite.get(site) ?? 0, v));
  }
  let keep = 1;
  for (const v of perSite.values()) keep *= 1 - v;
  const lift = 1 - keep;
  const own = suspiciousThreshold > 0 ? Math.min(1, Math.max(0, messageScore / suspiciousThreshold)) : 1;
  return { score: 1 - (1 - messageScore) * (1 - own * lift), lift };
}
