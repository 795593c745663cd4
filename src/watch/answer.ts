/**
 * The answer for one indicator as the watcher needs it, from either transport (gRPC Prediction or the
 * in-process core's ScoredItem), and the two judgements made on it: is it at or above the chosen
 * verdict, and is it one that must never alert (not globally routable, allow-listed, a known service).
 */

export type VerdictName = 'benign' | 'suspicious' | 'malicious';

export interface Answer {
  /** The normalised indicator (empty in the compact view). */
  indicator: string;
  /** The detected type (`domain`, `url`, `ip`, ...), or undefined when none was. */
  type: string | undefined;
  verdict: VerdictName | undefined;
  score: number | undefined;
  model: string | undefined;
  reasons: { code: string; message: string; weight?: number }[];
  error: { code: number; reason: string | undefined; message: string } | undefined;
  /**
   * neverAlerts(this), when the transport worked it out while decoding (watch-codec.ts does, so the
   * reasons of an answer that is not written out are never decoded).
   */
  neverAlert?: boolean;
  /**
   * True when every reason is a {code: string, message: string, weight: number} object with its keys
   * in that order (watch-codec.ts makes them so): the writer then writes them without JSON.stringify.
   */
  plainReasons?: boolean;
}

export const VERDICT_RANK: Record<VerdictName, number> = { benign: 1, suspicious: 2, malicious: 3 };

/** Reasons that say the value names nothing to alert on, whatever else is said about it. */
export const NEVER_ALERT_CODES: readonly string[] = ['NOT_GLOBALLY_ROUTABLE', 'ALLOW_LISTED', 'KNOWN_SERVICE'];
const NEVER_ALERT = new Set(NEVER_ALERT_CODES);

/**
 * True for answers decided by a never-alert rule. The compact view carries no reasons; there such a
 * rule shows as a benign verdict without a score (the rules that answer without the model).
 */
export function neverAlerts(a: Answer): boolean {
  if (a.neverAlert !== undefined) return a.neverAlert;
  if (a.reasons.some((r) => NEVER_ALERT.has(r.code))) return true;
  return a.error === undefined && a.verdict === 'benign' && a.score === undefined;
}

/** Flagged: suspicious or malicious, and not decided by a never-alert rule. */
export function flagged(a: Answer): boolean {
  return a.verdict !== undefined && VERDICT_RANK[a.verdict] >= 2 && !neverAlerts(a);
}
