/**
 * A tree ensemble laid out flat (one typed array per node field) and walked by one small loop. It is
 * for the small runs of unary calls: onnxruntime pays ~15-18 us of fixed cost per run (tensor, native
 * call, output copies) before the first tree, which a one-row run of a plain tree ensemble does not
 * need. For large batches onnxruntime's walk is faster and stays (tree-runner.ts has the numbers).
 *
 * Generated JavaScript (each tree as nested conditionals) was tried first: 2x faster than onnxruntime
 * once V8 had optimised it, but 10-30x slower for the first seconds after each load while 200+
 * functions wait for the optimising compiler, which a model swap under traffic cannot afford. This
 * loop is one function, optimised after a few calls.
 *
 * Sums are in double, so results are within ~1e-7 of onnxruntime's (which sums floats) and closer to
 * scikit-learn's own.
 */
import type { TreeEnsemble } from './onnx-trees';

export interface FlatTrees {
  /** Node index of each tree's root. */
  roots: Int32Array;
  /** Feature a branch reads; -1 marks a leaf. */
  feature: Int32Array;
  /** A branch's threshold (x <= threshold goes to `yes`), or a leaf's weight. */
  value: Float64Array;
  yes: Int32Array;
  no: Int32Array;
  /** 1 when a missing value (NaN) goes to `yes`. */
  missingYes: Uint8Array;
  base: number;
  logistic: boolean;
  /** Features a row must have at least. */
  width: number;
}

export type Flatten = { ok: true; trees: FlatTrees } | { ok: false; why: string };

export function flattenTrees(ensemble: TreeEnsemble): Flatten {
  let total = 0;
  for (const tree of ensemble.trees) total += tree.size;
  const flat: FlatTrees = {
    roots: new Int32Array(ensemble.trees.length),
    feature: new Int32Array(total),
    value: new Float64Array(total),
    yes: new Int32Array(total),
    no: new Int32Array(total),
    missingYes: new Uint8Array(total),
    base: ensemble.base,
    logistic: ensemble.postTransform === 'LOGISTIC',
    width: ensemble.maxFeature + 1,
  };
  let at = 0;
  for (const [t, tree] of ensemble.trees.entries()) {
    const index = new Map<number, number>();
    for (const id of tree.keys()) index.set(id, at++);
    flat.roots[t] = index.get(0) as number;
    for (const [id, node] of tree) {
      const k = index.get(id) as number;
      if (node.mode === 'LEAF') {
        flat.feature[k] = -1;
        flat.value[k] = node.weight;
        continue;
      }
      // skl2onnx writes every branch of our models as x <= threshold; others keep onnxruntime.
      if (node.mode !== 'BRANCH_LEQ') return { ok: false, why: `node mode ${node.mode} is not walked here` };
      flat.feature[k] = node.feature;
      flat.value[k] = node.value;
      flat.yes[k] = index.get(node.trueId) as number;
      flat.no[k] = index.get(node.falseId) as number;
      flat.missingYes[k] = node.missingTrue ? 1 : 0;
    }
  }
  // A branch that leads back up would loop forever: every child must come later in its tree's walk.
  if (!acyclic(flat)) return { ok: false, why: 'a tree has a cycle' };
  return { ok: true, trees: flat };
}

function acyclic(flat: FlatTrees): boolean {
  const seen = new Uint8Array(flat.feature.length);
  for (const root of flat.roots) {
    const stack = [root];
    while (stack.length > 0) {
      const n = stack.pop() as number;
      if (seen[n] === 1) return false;
      seen[n] = 1;
      if ((flat.feature[n] as number) >= 0) stack.push(flat.yes[n] as number, flat.no[n] as number);
    }
  }
  return true;
}

/** onnxruntime's logistic (ml_common.h ComputeLogistic), in float32 as it computes it. */
function logistic(score: number): number {
  const v = Math.fround(1 / Math.fround(1 + Math.fround(Math.exp(-Math.abs(Math.fround(score))))));
  return score < 0 ? Math.fround(1 - v) : v;
}

/** Score of the second class (sigmoid of the sum, as onnxruntime reports a binary ensemble) per row. */
export function runFlatTrees(flat: FlatTrees, x: Float32Array, rows: number, width: number): Float32Array {
  if (width < flat.width) throw new Error(`the model reads feature ${flat.width - 1}, rows have ${width}`);
  if (x.length < rows * width) throw new Error(`${rows} rows of ${width} features need ${rows * width} values`);
  const { roots, feature, value, yes, no, missingYes } = flat;
  const sums = new Float64Array(rows);
  for (let t = 0; t < roots.length; t++) {
    const root = roots[t] as number;
    for (let r = 0, o = 0; r < rows; r++, o += width) {
      let n = root;
      let f = feature[n] as number;
      while (f >= 0) {
        const v = x[o + f] as number;
        // NaN fails every comparison: it goes where the tree sends missing values.
        // biome-ignore lint/suspicious/noSelfCompare: v !== v is the NaN test, without a call in the hot loop.
        n = v <= (value[n] as number) || (v !== v && missingYes[n] === 1) ? (yes[n] as number) : (no[n] as number);
        f = feature[n] as number;
      }
      sums[r] = (sums[r] as number) + (value[n] as number);
    }
  }
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const s = (sums[r] as number) + flat.base;
    out[r] = flat.logistic ? logistic(s) : Math.fround(s);
  }
  return out;
}
