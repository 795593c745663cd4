import type { Verdict } from '../indicators/types';

export function verdictOf(score: number, t: { suspicious: number; malicious: number }): Verdict {
  return score >= t.malicious ? 'malicious' : score >= t.suspicious ? 'suspicious' : 'benign';
}

export const VERDICT_RANK: Record<Verdict, number> = { benign: 0, suspicious: 1, malicious: 2 };

/**
 * VERDICT_RANK[v] without the keyed load: indexing one object with several property names made that
 * load megamorphic in the per-item reasons stage (V8's IC log, src/bench/README.md).
 */
export function verdictRank(v: Verdict): number {
  return v === 'malicious' ? 2 : v === 'suspicious' ? 1 : 0;
}
