import type { Verdict } from '../indicators/types';

export function verdictOf(score: number, t: { suspicious: number; malicious: number }): Verdict {
  return score >= t.malicious ? 'malicious' : score >= t.suspicious ? 'suspicious' : 'benign';
}
