/**
 * A tree ensemble laid out flat (one typed array per node field) and walked by one small loop. It is
 * for the small runs of unary calls: onnxruntime pays ~15-18 us of fixed cost per run (tensor, native
 * call, output copies) before the first tree, which a one-row run of a plain tree ensemble does not
 * need. tree-runner.ts has the numbers for larger runs.
 *
 * Generated JavaScript (each tree as nested conditionals) was tried first: 2x faster than onnxruntime
 * once V8 had optimised it, but 10-30x slower for the first seconds after each load while 200+
 * functions wait for the optimising compiler, which a model swap under traffic cannot afford. This
 * loop is one function, optimised after a few calls.
 *
 * The walk gives onnxruntime's float32 bit for bit, so an answer does not depend on which engine ran
 * it: onnxruntime's TreeEnsembleClassifier (tree_ensemble_common.h, one intra-op thread) adds each
 * tree's leaf weight to a float32 score in tree order, whatever the number of rows (rows come in
 * blocks of 128, trees outer), then adds the base value in float32 and applies the post transform
 * (tree_ensemble_aggregator.h FinalizeScores, ml_common.h write_scores). A Float32Array holds the
 * sums: each `+` of two floats is exact in double, and storing rounds it once, as a float32 add does.
 * A double sum (as until 2026-12-07) differed from onnxruntime by up to ~2.4e-7.
 */
import { logistic } from './float32-logistic';
import type { TreeEnsemble } from './onnx-trees';

export interface FlatTrees {
  /** Node index of each tree's root. */
  roots: Int32Array;
  /** Feature a branch reads; -1 marks a leaf. */
  feature: Int32Array;
  /** A branch's threshold (x <= threshold goes to its `yes` child, the next node), or a leaf's weight. */
  value: Float64Array;
  /** A branch's `no` child. Its `yes` child is the node after it: each tree is laid out in preorder. */
  no: Int32Array;
  /** 1 when a missing value (NaN) goes to `yes`. */
  missingYes: Uint8Array;
  /** The base value, a float32. */
  base: number;
  logistic: boolean;
  /** Features a row must have at least. */
  width: number;
}

export type Flatten = { ok: true; trees: FlatTrees } | { ok: false; why: string };

/**
 * Lays each tree out in preorder, a branch's `yes` child right after it: the walk reads one array
 * fewer and a taken `yes` is the next node in memory (10-30% less CPU per row than one array per
 * child, src/bench/README.md "The model run").
 */
export function flattenTrees(ensemble: TreeEnsemble): Flatten {
  // onnxruntime reports [1 - score, score] then, without the post transform: not worth a second path.
  if (ensemble.weightsAllPositive) return { ok: false, why: 'no class weight is negative' };
  let total = 0;
  for (const tree of ensemble.trees) total += tree.size;
  const flat: FlatTrees = {
    roots: new Int32Array(ensemble.trees.length),
    feature: new Int32Array(total),
    value: new Float64Array(total),
    no: new Int32Array(total),
    missingYes: new Uint8Array(total),
    base: Math.fround(ensemble.base),
    logistic: ensemble.postTransform === 'LOGISTIC',
    width: ensemble.maxFeature + 1,
  };
  let at = 0;
  for (const [t, tree] of ensemble.trees.entries()) {
    flat.roots[t] = at;
    // Depth first without recursion (a file could hold a chain thousands deep): a node id, the
    // position of the branch whose `no` child it is (-1 for a root or a `yes` child), its parent's id.
    const stack: [id: number, noOf: number, parent: number][] = [[0, -1, -1]];
    const parentOf = new Map<number, number>();
    while (stack.length > 0) {
      const [id, noOf, parent] = stack.pop() as [number, number, number];
      // A node reached twice: a branch that leads back up would loop forever; a shared one is not ours.
      if (parentOf.has(id))
        return { ok: false, why: isAncestor(parentOf, id, parent) ? 'a tree has a cycle' : 'a node has two parents' };
      parentOf.set(id, parent);
      const node = tree.get(id);
      if (node === undefined) return { ok: false, why: `a branch points to missing node ${id}` };
      const k = at++;
      if (noOf >= 0) flat.no[noOf] = k;
      if (node.mode === 'LEAF') {
        flat.feature[k] = -1;
        flat.value[k] = node.weight;
        continue;
      }
      // skl2onnx writes every branch of our models as x <= threshold; others keep onnxruntime.
      if (node.mode !== 'BRANCH_LEQ') return { ok: false, why: `node mode ${node.mode} is not walked here` };
      flat.feature[k] = node.feature;
      flat.value[k] = node.value;
      flat.missingYes[k] = node.missingTrue ? 1 : 0;
      // Popped next, so placed next: the `yes` child follows its branch.
      stack.push([node.falseId, k, id], [node.trueId, -1, id]);
    }
  }
  // Nodes no root reaches are not walked and onnxruntime never reaches them either: drop their slots.
  return { ok: true, trees: at === total ? flat : trimmed(flat, at) };
}

function isAncestor(parentOf: Map<number, number>, id: number, from: number): boolean {
  for (let n = from; n !== -1; n = parentOf.get(n) ?? -1) if (n === id) return true;
  return false;
}

function trimmed(flat: FlatTrees, nodes: number): FlatTrees {
  return {
    ...flat,
    feature: flat.feature.slice(0, nodes),
    value: flat.value.slice(0, nodes),
    no: flat.no.slice(0, nodes),
    missingYes: flat.missingYes.slice(0, nodes),
  };
}

/**
 * Probability of class `positive` (0 or 1) per row, as onnxruntime reports a binary ensemble whose
 * weights are all on class 0 with mixed signs: [logistic(-score), logistic(score)] (write_scores,
 * add_second_class 2 and 3), or [-score, score] without the logistic.
 */
export function runFlatTrees(
  flat: FlatTrees,
  x: Float32Array,
  rows: number,
  width: number,
  positive: 0 | 1 = 1,
): Float32Array {
  if (width < flat.width) throw new Error(`the model reads feature ${flat.width - 1}, rows have ${width}`);
  if (x.length < rows * width) throw new Error(`${rows} rows of ${width} features need ${rows * width} values`);
  const { roots, feature, value, no, missingYes } = flat;
  // float32 sums, as onnxruntime keeps them (see the header): not a Float64Array.
  const sums = new Float32Array(rows);
  for (let t = 0; t < roots.length; t++) {
    const root = roots[t] as number;
    for (let r = 0, o = 0; r < rows; r++, o += width) {
      let n = root;
      let f = feature[n] as number;
      while (f >= 0) {
        const v = x[o + f] as number;
        // NaN fails every comparison: it goes where the tree sends missing values.
        // biome-ignore lint/suspicious/noSelfCompare: v !== v is the NaN test, without a call in the hot loop.
        n = v <= (value[n] as number) || (v !== v && missingYes[n] === 1) ? n + 1 : (no[n] as number);
        f = feature[n] as number;
      }
      sums[r] = (sums[r] as number) + (value[n] as number);
    }
  }
  const out = new Float32Array(rows);
  const sign = positive === 1 ? 1 : -1;
  for (let r = 0; r < rows; r++) {
    const s = sign * Math.fround((sums[r] as number) + flat.base);
    out[r] = flat.logistic ? logistic(s) : s;
  }
  return out;
}
