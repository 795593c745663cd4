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
