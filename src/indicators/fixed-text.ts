/**
 * A feature value as a reason's message writes it with two decimals, `x.toFixed(2)`, without the call
 * (the discipline of scoring/score-text.ts, which does the same for the MODEL_SCORE reason's score).
 */

// '00' .. '99'.
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
/** Below this magnitude `fixed2` writes a float32 itself (its feature values; see there). */
const FIXED2_MAX = 1024;

/**
 * `x.toFixed(2)` for a feature value (a float32 of a row, e.g. the ALGORITHMIC_LOOK reason's mean
 * trigram log-probability), without the call: ~41 ns a value against toFixed's ~76 (100,000
 * log-probabilities, best rounds, load 11.5; src/bench/README.md). The argument of
 * scoring/score-text.ts: for a float32 of magnitude under 2^10, `|x| * 100` is exact (24 + 7
 * significant bits) and so is adding 0.5 wherever the sum can reach an integer (a float32 under
 * 2^-33 gives n = 0 either way); `floor` of that is toFixed's n (the larger one on a tie), written
 * as toFixed writes it: "-" when x < 0 (so -0.001 gives "-0.00", and -0 "0.00"), n / 100, a point,
 * n % 100 in two digits. Every other number goes to toFixed. Compared with toFixed on every float32
 * in (-1024, 1024) once (src/bench/README.md) and, in test/indicators/fixed-text.test.ts, around ties
 * and on random values.
 */
export function fixed2(x: number): string {
  const a = x < 0 ? -x : x;
  if (!(a < FIXED2_MAX) || Math.fround(x) !== x) return x.toFixed(2);
  const n = Math.floor(a * 100 + 0.5);
  const r = n % 100;
  const text = `${(n - r) / 100}.${TWO_DIGITS[r]}`;
  return x < 0 ? `-${text}` : text;
}
