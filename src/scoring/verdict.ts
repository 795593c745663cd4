import type { Verdict } from '../indicators/types';

export function verdictOf(score: number, t: { suspicious: number; malicious: number }): Verdict {
  return score >= t.malicious ? 'malicious' : score >= t.suspicious ? 'suspicious' : 'benign';
}

/**
 * How far a verdict is from benign (0, 1, 2), by comparison: a table indexed by the verdict's name was a
 * megamorphic keyed load in the per-item reasons stage (V8's IC log, src/bench/README.md).
 */
export function verdictRank(v: Verdict): number {
  return v === 'malicious' ? 2 : v === 'suspicious' ? 1 : 0;
}
