import type { Verdict } from '../indicators/types';

export function verdictOf(score: number, t: { suspicious: number; malicious: number }): Verdict {
  return score >= t.malicious ? 'malicious' : score >= t.suspicious ? 'suspicious' : 'benign';
}

export const VERDICT_RANK: Record<Verdict, number> = { benign: 0, suspicious: 1, malicious: 2 };
