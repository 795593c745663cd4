/** The threshold rule of models/training/train.py (`threshold_at_fpr`), for thresholds chosen in Node. */

/** Smallest threshold whose false-positive rate on these benign scores is at most `fpr` (float32 step up). */
export function thresholdAtFpr(benignScores: readonly number[], fpr: number): number {
  if (benignScores.length === 0) return 0.5;
  const s = [...benignScores].sort((a, b) => a - b);
  const k = Math.floor(s.length * (1 - fpr));
  return nextFloat32Up(s[Math.min(k, s.length - 1)] as number);
}

/** numpy.nextafter(float32(t), float32(1)) for t in [0, 1). */
function nextFloat32Up(t: number): number {
  const f = new Float32Array([t]);
  const bits = new Int32Array(f.buffer);
  bits[0] = (bits[0] as number) + 1;
  return f[0] as number;
}

/** How a supported slice threshold was set: `empirical` quantile, `tail` extrapolation, or `none` (too few names). */
export type SupportedRule = 'empirical' | 'tail' | 'none';

export interface SupportedThreshold {
  /** The threshold; undefined when the set is too small for any (the caller keeps its global one). */
  threshold: number | undefined;
  rule: SupportedRule;
  /** Names in the choosing set. */
  n: number;
  /** Names expected at or above the threshold (n * fpr). */
  expected: number;
}

/**
 * The rule for thresholds chosen on small benign sets (platform customer slices; issue 12,
 * models/training/domain-slice-rule-criteria.md). A plain quantile at `fpr` is trusted only when at
 * least `minSupport` names are expected at or above it (n * fpr); below that it is the set's top name
 * or so, and it jumps with whichever name happens to be highest (the old platform slice's malicious
 * threshold was one Debian name). Then the quantile is extrapolated from the upper tail: peaks over
 * threshold with an exponential tail in logit space (a tree ensemble's raw margin), fitted by maximum
 * likelihood on the top `tailNames` scores over the next one, u: scale = their mean excess over u, and
 * logit(t) = u + scale * ln(tailNames / (n * fpr)). One name moves that by at most 1/tailNames of its
 * excess times ln(tailNames / (n * fpr)) (0.16 of it for 359 names at 0.25%), where the plain quantile
 * moves by all of it. Sets under `minNames` give none.
 */
export const SUPPORTED_DEFAULTS = { minSupport: 10, tailNames: 20, minNames: 200 } as const;

const logit = (p: number) => {
  const q = Math.min(Math.max(p, 1e-7), 1 - 1e-7);
  return Math.log(q / (1 - q));
};

export function supportedThresholdAtFpr(
  benignScores: readonly number[],
  fpr: number,
  opts: { minSupport?: number; tailNames?: number; minNames?: number } = {},
): SupportedThreshold {
  const { minSupport, tailNames, minNames } = { ...SUPPORTED_DEFAULTS, ...opts };
  const n = benignScores.length;
  const expected = n * fpr;
  if (n < minNames || n <= tailNames) return { threshold: undefined, rule: 'none', n, expected };
  if (expected >= minSupport) return { threshold: thresholdAtFpr(benignScores, fpr), rule: 'empirical', n, expected };
  const z = benignScores.map(logit).sort((a, b) => b - a);
  const u = z[tailNames] as number;
  let excess = 0;
  for (let i = 0; i < tailNames; i++) excess += (z[i] as number) - u;
  const scale = excess / tailNames;
  const t = u + scale * Math.log(tailNames / expected);
  return { threshold: nextFloat32Up(1 / (1 + Math.exp(-t))), rule: 'tail', n, expected };
}

/** The rule in words, for a version's metadata (`set_by`). */
export function supportedRuleText(opts: { minSupport?: number; tailNames?: number; minNames?: number } = {}): string {
  const { minSupport, tailNames, minNames } = { ...SUPPORTED_DEFAULTS, ...opts };
  return `the quantile at the requested FPR when at least ${minSupport} names of the choosing set are expected at or above it (n * fpr >= ${minSupport}); otherwise extrapolated from the upper tail (exponential tail in logit space, maximum likelihood on the top ${tailNames} names over the next: logit(t) = u + mean excess * ln(${tailNames} / (n * fpr))); no slice thresholds from a set of fewer than ${minNames} names`;
}
