/**
 * onnxruntime's logistic, bit for bit: `ComputeLogistic` (ml_common.h) is
 * `v = 1 / (1 + expf(-|x|)); x < 0 ? 1 - v : v`, all in float32, and its `expf` is the C library's.
 * The walk must give the very float onnxruntime gives, so it cannot use Math.exp: rounding
 * `Math.exp(x)` to float32 is the correctly rounded expf, and glibc's is not (0.502 ulp): over every
 * float in [-104, 0] the two differ 97,052 times, and 18,140 of those change the logistic.
 *
 * The onnxruntime-node binary links `expf@GLIBC_2.27`, the table-driven algorithm glibc took from Arm's
 * optimized-routines: with N = 32, k = round(x N / ln 2), r = x N / ln 2 - k,
 * expf(x) = float(2^(k/N) (1 + C2 r + r^2 (C1 + C0 r))) in double arithmetic. On x86-64 machines with
 * FMA and AVX2, glibc runs a build of it whose compiler fused five of its multiply-adds (objdump of
 * libm 2.36's `__expf_fma`: vfmadd for k, vfmsub for r, and three in the polynomial); each is a
 * single rounding, which `fma` below reproduces in double arithmetic. Checked against glibc 2.36 on
 * every float in [-104.5, 0] (1,120,993,281 values, 0 differences) and against onnxruntime itself by
 * test/scoring/trees-exact.test.ts. glibc's build without FMA gave the same expf on 105 million
 * sampled floats (every third in [-2^-31, -104]). A machine whose expf differs (another C library, a
 * glibc that rounds correctly) would rarely show it on a model's check rows, so the runner first asks
 * onnxruntime for the logistic of TELLING_SCORES (tree-runner.ts, logisticProbe).
 */

const F64 = new Float64Array(1);
/** The low and high 32 bits of F64[0] (little-endian, as every platform Node runs on here). */
const WORDS = new Uint32Array(F64.buffer);
/** Veltkamp's splitter for doubles: 2^27 + 1. */
const SPLIT = 134217729;

/**
 * a * b + c with one rounding, from double operations: the product exactly as p + e (Dekker), the
 * sum p + c exactly as s + q (Knuth's TwoSum), then q + e rounded to odd, so that the last rounding
 * of s + (q + e) is the one an FMA makes (Boldo and Melquiond, "Emulation of FMA and correctly
 * rounded sums: proved algorithms using rounding to odd", IEEE TC 2008). No overflow or underflow
 * can occur for the values expf meets.
 */
export function fma(a: number, b: number, c: number): number {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const e = ah * bh - p + ah * bl + al * bh + al * bl;
  const s = p + c;
  const sp = s - p;
  const q = p - (s - sp) + (c - sp);
  const u = q + e;
  const uq = u - q;
  const v = q - (u - uq) + (e - uq);
  if (v === 0) return s + u;
  // Round u to odd: if it is even, step one unit in the last place toward the exact q + e.
  F64[0] = u;
  if (((WORDS[0] as number) & 1) === 0) {
    if (v > 0 === u > 0) WORDS[0] = (WORDS[0] as number) + 1;
    else {
      if (WORDS[0] === 0) WORDS[1] = (WORDS[1] as number) - 1;
      WORDS[0] = (WORDS[0] as number) - 1;
    }
  }
  return s + (F64[0] as number);
}

const N = 32;
/** N / ln 2, and the polynomial for 2^(r/N) - 1: glibc's __exp2f_data (invln2_scaled, poly_scaled). */
const INV_LN2_N = Math.LOG2E * N;
const C0 = 0.055503615593415351 / N / N / N;
const C1 = 0.2402284522445722 / N / N;
const C2 = 0.69314718069162029 / N;
/** 1.5 * 2^52: adding it rounds to an integer (the trick glibc uses, here inside the first FMA). */
const SHIFT = 1.5 * 2 ** 52;
/** 2^(i/N) rounded to double: glibc's table, whose entries carry the same doubles. */
const POW2_I_N = Float64Array.from({ length: N }, (_, i) => 2 ** (i / N));
/** Below this, glibc's expf underflows to 0 (log(2^-150)). */
const UNDERFLOW = -0x19fe368 / 2 ** 18;

/** glibc's expf (x86-64 FMA build) for a float32 x <= 0, the only arguments the logistic gives it. */
export function expf(x: number): number {
  if (x < UNDERFLOW) return 0;
  const k = fma(INV_LN2_N, x, SHIFT) - SHIFT;
  const r = fma(INV_LN2_N, x, -k);
  // glibc adds k << 47 to the table entry's bits: 2^(k mod N / N) times 2^floor(k / N), exactly.
  const scale = (POW2_I_N[k & (N - 1)] as number) * 2 ** (k >> 5);
  const y = fma(fma(r, C0, C1), r * r, fma(r, C2, 1));
  return Math.fround(y * scale);
}

/**
 * float32 scores (as bits: two per binade from 2^-13 to 4) whose logistic differs between glibc's
 * expf and the correctly rounded one (Math.exp rounded to float32), found with the functions here.
 */
export const TELLING_SCORES = new Float32Array(
  Uint32Array.from([
    0x392c9ba3, 0x39ab732d, 0x3a15b4f1, 0x3a17a53a, 0x3ab64b70, 0x3abbed79, 0x3b028ac3, 0x3b0635a8, 0x3b801742,
    0x3b80913c, 0x3c0061ce, 0x3c02259b, 0x3c80e8fc, 0x3c80e97e, 0x3d037357, 0x3d040c3e, 0x3d80338b, 0x3d8c212c,
    0x3e000e5f, 0x3e0013c1, 0x3e806827, 0x3e8077f2, 0x3f00eadd, 0x3f01a98c, 0x3f802b78, 0x3f814416, 0x4004a274,
    0x4009c256, 0x4089296f,
  ]).buffer,
);

/** onnxruntime's ComputeLogistic of a float32 score, in float32. */
export function logistic(score: number): number {
  const v = Math.fround(1 / Math.fround(1 + expf(-Math.abs(score))));
  return score < 0 ? Math.fround(1 - v) : v;
}
