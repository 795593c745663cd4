/**
 * Small runs walked in JavaScript (src/scoring/trees): every committed model is read, walked and
 * checked against onnxruntime (the same float32, bit for bit) on its golden rows and on the check rows
 * the runner makes at load, and against the probabilities scikit-learn recorded in its golden set;
 * the walk's own rules (x <= threshold, missing values, cycles, unsupported graphs) on hand-made trees.
 * trees-exact.test.ts holds the logistic to onnxruntime's on scores chosen to tell expf's apart.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GOLDEN_TOLERANCE } from '../../src/scoring/loaded-model';
import { flattenTrees, runFlatTrees } from '../../src/scoring/trees/flat-trees';
import { readTreeEnsemble, type TreeNode } from '../../src/scoring/trees/onnx-trees';
import {
  checkRows,
  firstDifference,
  LEVEL_MIN_ROWS,
  type ModelRunner,
  openModelRunner,
  SMALL_RUN_ROWS,
} from '../../src/scoring/trees/tree-runner';
import { backendModelAt } from '../helpers/model';
import { branch, ensemble, leaf, MODELS, versions } from '../helpers/trees';

/**
 * `rows` rows through the runner in runs short enough for the flat walk (at most SMALL_RUN_ROWS, and
 * below the runner's levelMinRows, from which the level walk takes them: level-trees.test.ts).
 */
async function walkInSmallRuns(runner: ModelRunner, features: Float32Array, rows: number, width: number) {
  const out = new Float32Array(rows);
  const run = Math.min(SMALL_RUN_ROWS, (runner.levelMinRows ?? LEVEL_MIN_ROWS) - 1);
  for (let at = 0; at < rows; at += run) {
    const n = Math.min(run, rows - at);
    out.set(await runner.run(features.slice(at * width, (at + n) * width), n), at);
  }
  return out;
}

describe('committed models, walked', () => {
  it('finds every model version', () => assert.ok(versions.length >= 8, versions.join(', ')));
  for (const dir of versions) {
    const name = dir.slice(MODELS.length + 1);
    it(`${name}: walks small runs, as onnxruntime and scikit-learn score its golden rows`, async () => {
      const { spec, bytes } = backendModelAt(dir);
      const walked = await openModelRunner(bytes, { ...spec, engine: 'trees' });
      const reference = await openModelRunner(bytes, { ...spec, engine: 'onnxruntime' });
      try {
        assert.equal(walked.smallRuns, 'trees', walked.fallbackReason);
        assert.equal(reference.smallRuns, 'onnxruntime');
        const golden = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')) as {
          rows: { features: number[]; probability: number }[];
        };
        const width = spec.width;
        // One row at a time (walked) and all together (onnxruntime, more than SMALL_RUN_ROWS).
        assert.ok(golden.rows.length > SMALL_RUN_ROWS);
        const all = new Float32Array(golden.rows.flatMap((r) => r.features));
        const ort = await reference.run(all.slice(), golden.rows.length);
        const walkedRows = new Float32Array(golden.rows.length);
        for (const [i, row] of golden.rows.entries()) {
          const [p] = await walked.run(all.slice(i * width, (i + 1) * width), 1);
          walkedRows[i] = p as number;
          assert.ok(
            Math.abs((p as number) - row.probability) <= GOLDEN_TOLERANCE,
            `row ${i}: ${p} vs ${row.probability}`,
          );
        }
        // The same float32 as onnxruntime, not merely close: a sum in double fails here.
        const g = firstDifference(walkedRows, ort);
        assert.equal(g, -1, `golden row ${g}: walked ${walkedRows[g]}, onnxruntime ${ort[g]}`);
        const read = readTreeEnsemble(bytes);
        assert.ok(read.ok);
        const check = checkRows(read.ensemble, width);
        const n = check.length / width;
        const want = await reference.run(check.slice(), n);
        const got = await walkInSmallRuns(walked, check, n, width);
        const c = firstDifference(got, want);
        assert.equal(c, -1, `check row ${c}: walked ${got[c]}, onnxruntime ${want[c]}`);
      } finally {
        await walked.release();
        await reference.release();
      }
    });
  }
});

/** A tree: root tests feature 0 <= 0.5; yes -> leaf 1.5, no -> node testing feature 1 <= -2. */
function tree(missingTrue: boolean, mode: TreeNode['mode'] = 'BRANCH_LEQ'): Map<number, TreeNode> {
  return new Map<number, TreeNode>([
    [0, { ...branch(0, 0.5, 1, 2), mode, missingTrue }],
    [1, leaf(1.5)],
    [2, branch(1, -2, 3, 4)],
    [3, leaf(-1)],
    [4, leaf(0.25)],
  ]);
}

describe('the walk', () => {
  it('goes left on x <= threshold (equal included), and sums leaves and the base value', () => {
    const flat = flattenTrees(ensemble([tree(false), tree(true)]));
    assert.ok(flat.ok);
    const rows = new Float32Array([0.5, 0, 0.6, -2, 0.6, -1.5]);
    assert.deepEqual([...runFlatTrees(flat.trees, rows, 3, 2)], [0.5 + 3, 0.5 - 2, 0.5 + 0.5]);
  });

  it('sends a missing value where its node says', () => {
    const flat = flattenTrees(ensemble([tree(false), tree(true)]));
    assert.ok(flat.ok);
    // NaN at the root: tree 1 goes to the false side (then -3 <= -2: leaf -1), tree 2 to the true leaf.
    assert.deepEqual([...runFlatTrees(flat.trees, new Float32Array([Number.NaN, -3]), 1, 2)], [0.5 - 1 + 1.5]);
  });

  it('applies the logistic as onnxruntime does', () => {
    const flat = flattenTrees(ensemble([tree(false)], 'LOGISTIC'));
    assert.ok(flat.ok);
    const [p] = runFlatTrees(flat.trees, new Float32Array([0, 0]), 1, 2);
    // In float32 steps, as onnxruntime does: within one float step of the exact value.
    assert.ok(Math.abs((p as number) - 1 / (1 + Math.exp(-2))) <= 1.2e-7, String(p));
  });

  it('refuses what it does not walk: other comparisons, cycles, shared nodes, rows narrower than the trees read', () => {
    const lt = flattenTrees(ensemble([tree(false, 'BRANCH_LT')]));
    assert.equal(lt.ok, false);
    const cyclic = tree(false);
    (cyclic.get(2) as TreeNode).falseId = 0;
    assert.deepEqual(flattenTrees(ensemble([cyclic])), { ok: false, why: 'a tree has a cycle' });
    const shared = tree(false);
    (shared.get(2) as TreeNode).falseId = 1;
    assert.deepEqual(flattenTrees(ensemble([shared])), { ok: false, why: 'a node has two parents' });
    const positive = flattenTrees({ ...ensemble([tree(false)]), weightsAllPositive: true });
    assert.deepEqual(positive, { ok: false, why: 'no class weight is negative' });
    const flat = flattenTrees(ensemble([tree(false)]));
    assert.ok(flat.ok);
    assert.throws(() => runFlatTrees(flat.trees, new Float32Array([0]), 1, 1), /reads feature 1/);
  });

  it('reads only a single binary TreeEnsembleClassifier', () => {
    const read = readTreeEnsemble(new Uint8Array([0x3a, 0x02, 0x0a, 0x00]));
    assert.equal(read.ok, false);
    assert.equal(readTreeEnsemble(new Uint8Array([0xff, 0xff, 0xff])).ok, false);
  });
});
