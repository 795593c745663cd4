/**
 * A tree ensemble padded to complete trees of one depth and walked without branches, eight rows at a
 * time: for the large runs of the pipeline workers (a batch's new names), where onnxruntime was
 * faster than flat-trees.ts' walk (domain/5 at 1000 rows: 4.45 against 5.41 us per row).
 *
 * Why it is faster: a tree walk's cost is its mispredicted branches (each comparison goes either way
 * about half the time) and its chain of dependent loads. Here every tree has the same depth D (a leaf
 * above depth D becomes a chain of branches that always go left, threshold +Infinity, down to one
 * leaf slot holding its weight), so the walk is D steps of `node = 2 node + 1 + (x > threshold)`,
 * which V8 compiles to a compare and a set, no jump; and eight rows walk side by side, so the CPU
 * overlaps their loads. Its cost does not depend on the paths taken: domain/5 ~2.4-3 us per row at
 * 1000 rows, where onnxruntime took 4.4-5.2 on golden rows and ~3.4 in a server's workers on a stream
 * of new names, whose similar paths its branches predict (src/bench/README.md, "A worker's miss path:
 * the model run, the segmenter, the features").
 *
 * The score is onnxruntime's float32 bit for bit, as flat-trees.ts' (same leaves, same float32 sums in
 * tree order, same logistic): `x > t` is `!(x <= t)` for every value but NaN, and a run with a NaN is
 * left to the caller (`runLevelTrees` returns undefined), since where NaN goes depends on the node.
 * The thresholds and leaf weights are float32 in the file (tree_ensemble_common.h compares float32
 * features with float32 thresholds) and kept as float32 here: half the memory of doubles, the same
 * values. Padded, a model takes 2^depth x 12 bytes per tree: 0.15-0.6 MB for the committed versions.
 */
import { logistic } from './float32-logistic';
import type { TreeEnsemble } from './onnx-trees';

/** Deeper ensembles are not padded: 2^depth nodes per tree would outgrow the caches. */
export const MAX_LEVEL_DEPTH = 10;

export interface LevelTrees {
  trees: number;
  depth: number;
  /** Per tree, its 2^depth - 1 branches in level order (children of i at 2i + 1 and 2i + 2). */
  feature: Int32Array;
  threshold: Float32Array;
  /** Per tree, its 2^depth leaf weights, left to right (float32 in the file, as the thresholds). */
  leaf: Float32Array;
  base: number;
  logistic: boolean;
  width: number;
}

export type Pad = { ok: true; trees: LevelTrees } | { ok: false; why: string };

/** The ensemble as complete trees of its greatest depth, if it is a plain one of at most MAX_LEVEL_DEPTH. */
export function levelTrees(ensemble: TreeEnsemble): Pad {
  if (ensemble.weightsAllPositive) return { ok: false, why: 'no class weight is negative' };
  let depth = 0;
  for (const tree of ensemble.trees) {
    // Depth first, bounded: a cycle or a chain deeper than the limit stops the walk.
    const stack: [id: number, d: number][] = [[0, 0]];
    while (stack.length > 0) {
      const [id, d] = stack.pop() as [number, number];
      if (d > MAX_LEVEL_DEPTH) return { ok: false, why: `a tree is deeper than ${MAX_LEVEL_DEPTH}` };
      const node = tree.get(id);
      if (node === undefined) return { ok: false, why: `a branch points to missing node ${id}` };
      if (node.mode === 'LEAF') depth = Math.max(depth, d);
      else if (node.mode !== 'BRANCH_LEQ') return { ok: false, why: `node mode ${node.mode} is not walked here` };
      else stack.push([node.trueId, d + 1], [node.falseId, d + 1]);
    }
  }
  const inner = (1 << depth) - 1;
  const leaves = 1 << depth;
  const n = ensemble.trees.length;
  const level: LevelTrees = {
    trees: n,
    depth,
    feature: new Int32Array(n * inner),
    threshold: new Float32Array(n * inner).fill(Number.POSITIVE_INFINITY),
    leaf: new Float32Array(n * leaves),
    base: Math.fround(ensemble.base),
    logistic: ensemble.postTransform === 'LOGISTIC',
    width: ensemble.maxFeature + 1,
  };
  for (const [t, tree] of ensemble.trees.entries()) {
    const stack: [id: number, at: number, d: number][] = [[0, 0, 0]];
    while (stack.length > 0) {
      const [id, at, d] = stack.pop() as [number, number, number];
      const node = tree.get(id) as NonNullable<ReturnType<typeof tree.get>>;
      if (node.mode === 'LEAF') {
        if (Math.fround(node.weight) !== node.weight) return { ok: false, why: 'a leaf weight is not a float32' };
        // Padding branches (feature 0, +Infinity) send every number left: the leftmost slot below.
        let slot = at;
        for (let k = d; k < depth; k++) slot = 2 * slot + 1;
        level.leaf[t * leaves + slot - inner] = node.weight;
        continue;
      }
      if (Math.fround(node.value) !== node.value) return { ok: false, why: 'a threshold is not a float32' };
      level.feature[t * inner + at] = node.feature;
      level.threshold[t * inner + at] = node.value;
      stack.push([node.trueId, 2 * at + 1, d + 1], [node.falseId, 2 * at + 2, d + 1]);
    }
  }
  return { ok: true, trees: level };
}

/**
 * Probability of class `positive` per row, as runFlatTrees gives it; undefined when a feature of the
 * run is NaN (the caller runs it another way).
 */
export function runLevelTrees(
  level: LevelTrees,
  x: Float32Array,
  rows: number,
  width: number,
  positive: 0 | 1 = 1,
): Float32Array | undefined {
  if (width < level.width) throw new Error(`the model reads feature ${level.width - 1}, rows have ${width}`);
  if (x.length < rows * width) throw new Error(`${rows} rows of ${width} features need ${rows * width} values`);
  for (let i = 0, end = rows * width; i < end; i++) {
    const v = x[i] as number;
    // biome-ignore lint/suspicious/noSelfCompare: v !== v is the NaN test, without a call in the hot loop.
    if (v !== v) return undefined;
  }
  const { feature: f, threshold: th, leaf, depth } = level;
  const inner = (1 << depth) - 1;
  const leaves = 1 << depth;
  // float32 sums in tree order, as onnxruntime keeps them (flat-trees.ts).
  const sums = new Float32Array(rows);
  for (let t = 0; t < level.trees; t++) {
    const b = t * inner;
    const lb = t * leaves - inner;
    let r = 0;
    // Eight independent walks per step: `+(x > t)` is 0 or 1 without a branch.
    for (; r + 8 <= rows; r += 8) {
      const o0 = r * width;
      const o1 = o0 + width;
      const o2 = o1 + width;
      const o3 = o2 + width;
      const o4 = o3 + width;
      const o5 = o4 + width;
      const o6 = o5 + width;
      const o7 = o6 + width;
      let n0 = 0;
      let n1 = 0;
      let n2 = 0;
      let n3 = 0;
      let n4 = 0;
      let n5 = 0;
      let n6 = 0;
      let n7 = 0;
      for (let k = 0; k < depth; k++) {
        const a0 = b + n0;
        const a1 = b + n1;
        const a2 = b + n2;
        const a3 = b + n3;
        const a4 = b + n4;
        const a5 = b + n5;
        const a6 = b + n6;
        const a7 = b + n7;
        n0 = 2 * n0 + 1 + +((x[o0 + (f[a0] as number)] as number) > (th[a0] as number));
        n1 = 2 * n1 + 1 + +((x[o1 + (f[a1] as number)] as number) > (th[a1] as number));
        n2 = 2 * n2 + 1 + +((x[o2 + (f[a2] as number)] as number) > (th[a2] as number));
        n3 = 2 * n3 + 1 + +((x[o3 + (f[a3] as number)] as number) > (th[a3] as number));
        n4 = 2 * n4 + 1 + +((x[o4 + (f[a4] as number)] as number) > (th[a4] as number));
        n5 = 2 * n5 + 1 + +((x[o5 + (f[a5] as number)] as number) > (th[a5] as number));
        n6 = 2 * n6 + 1 + +((x[o6 + (f[a6] as number)] as number) > (th[a6] as number));
        n7 = 2 * n7 + 1 + +((x[o7 + (f[a7] as number)] as number) > (th[a7] as number));
      }
      sums[r] = (sums[r] as number) + (leaf[lb + n0] as number);
      sums[r + 1] = (sums[r + 1] as number) + (leaf[lb + n1] as number);
      sums[r + 2] = (sums[r + 2] as number) + (leaf[lb + n2] as number);
      sums[r + 3] = (sums[r + 3] as number) + (leaf[lb + n3] as number);
      sums[r + 4] = (sums[r + 4] as number) + (leaf[lb + n4] as number);
      sums[r + 5] = (sums[r + 5] as number) + (leaf[lb + n5] as number);
      sums[r + 6] = (sums[r + 6] as number) + (leaf[lb + n6] as number);
      sums[r + 7] = (sums[r + 7] as number) + (leaf[lb + n7] as number);
    }
    for (; r < rows; r++) {
      const o = r * width;
      let n = 0;
      for (let k = 0; k < depth; k++) {
        const a = b + n;
        n = 2 * n + 1 + +((x[o + (f[a] as number)] as number) > (th[a] as number));
      }
      sums[r] = (sums[r] as number) + (leaf[lb + n] as number);
    }
  }
  return levelScores(level, sums, rows, positive);
}

/** The rows' probabilities of class `positive` from their float32 sums of leaf weights (tree order). */
export function levelScores(level: LevelTrees, sums: Float32Array, rows: number, positive: 0 | 1): Float32Array {
  const out = new Float32Array(rows);
  const sign = positive === 1 ? 1 : -1;
  for (let r = 0; r < rows; r++) {
    const s = sign * Math.fround((sums[r] as number) + level.base);
    out[r] = level.logistic ? logistic(s) : s;
  }
  return out;
}
