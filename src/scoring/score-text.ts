/**
 * A model score as the MODEL_SCORE reason writes it, `score.toFixed(4)`, without the call: toFixed is
 * a call into the runtime, ~105 ns a score against ~18 here, ~1% of a worker's CPU per new name in
 * the full view (src/bench/README.md, the miss path).
 *
 * Exact for every score the models give (float32 probabilities, in [0, 1]): a float32 has at most 24
 * significant bits, so `x * 10000` (10000 < 2^14) is exact in a double, and so is adding 0.5 where it
 * matters; `floor` of that is the n of toFixed's rule (n / 10^4 closest to x, the larger n on a tie).
 * Every other number goes to toFixed. test/scoring/score-text.test.ts compares the two on the float32
 * values around each tie and on random ones; every float32 in [0, 1] was compared once (2026-12-07).
 */

// '0000' .. '9999'.
const DIGITS = Array.from({ length: 10000 }, (_, i) => String(i).padStart(4, '0'));

/** `x.toFixed(4)`. */
export function scoreText(x: number): string {
  if (!(x >= 0 && x <= 1) || Math.fround(x) !== x) return x.toFixed(4);
  const n = Math.floor(x * 10000 + 0.5);
  return n === 10000 ? '1.0000' : `0.${DIGITS[n]}`;
}
