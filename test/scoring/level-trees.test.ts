/**
 * The branchless walk of large runs (src/scoring/trees/level-trees.ts): every committed model is
 * padded, walked and checked against onnxruntime (the same float32, bit for bit) on its golden rows,
 * on the runner's check rows (values on, just below and just above every threshold) and on rows mixed
 * from golden features, at run sizes around its eight-row groups; a run with a NaN goes to
 * onnxruntime; the padding's rules on hand-made trees.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { levelTrees, MAX_LEVEL_DEPTH, runLevelTrees } from '../../src/scoring/trees/level-trees';
import { type LevelWalk as WasmWalk, wasmLevelWalk } from '../../src/scoring/trees/level-wasm';
import { readTreeEnsemble, type TreeNode } from '../../src/scoring/trees/onnx-trees';
import {
  checkRows,
  firstDifference,
  LEVEL_MIN_ROWS,
  openModelRunner,
  WASM_LEVEL_MIN_ROWS,
} from '../../src/scoring/trees/tree-runner';
import { backendModelAt } from '../helpers/model';
import { branch, ensemble, leaf, MODELS, versions } from '../helpers/trees';

/** `rows` rows, each feature taken from a random golden row (a fixed generator). */
function mixedRows(golden: { features: number[] }[], width: number, rows: number): Float32Array {
  let seed = 0x51ed;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++)
    for (let f = 0; f < width; f++)
      out[r * width + f] = (golden[Math.floor(next() * golden.length)] as { features: number[] }).features[f] as number;
  return out;
}

describe('committed models, level walk', () => {
  it('finds every model version', () => assert.ok(versions.length >= 8, versions.join(', ')));
  for (const dir of versions) {
    const name = dir.slice(MODELS.length + 1);
    it(`${name}: gives onnxruntime's float32 on golden, check and mixed rows, in runs of every size`, async () => {
      const { spec, bytes } = backendModelAt(dir);
      const runner = await openModelRunner(bytes, { ...spec, engine: 'trees' });
      try {
        assert.ok(runner.levelWalk !== undefined, `${name} has no level walk`);
        const width = spec.width;
        const golden = (
          JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')) as { rows: { features: number[] }[] }
        ).rows;
        const read = readTreeEnsemble(bytes);
        assert.ok(read.ok);
        const check = checkRows(read.ensemble, width).map((v) => (Number.isNaN(v) ? 0 : v));
        const sets: [string, Float32Array][] = [
          ['golden', new Float32Array(golden.flatMap((r) => r.features))],
          ['check', check],
          ['mixed', mixedRows(golden, width, 3000)],
        ];
        for (const [set, rows] of sets) {
          const n = rows.length / width;
          const want = await runner.reference(rows.slice(), n);
          const got = runner.levelWalk(rows, n);
          assert.ok(got !== undefined);
          const i = firstDifference(got, want);
          assert.equal(i, -1, `${set} row ${i}: level ${got[i]}, onnxruntime ${want[i]}`);
          // Runs of 1-17 rows: the eight-row groups and the rows left over.
          for (let size = 1, at = 0; size <= 17 && at + size <= n; at += size, size++) {
            const part = runner.levelWalk(rows.slice(at * width, (at + size) * width), size);
            assert.ok(part !== undefined);
            const j = firstDifference(part, want.slice(at, at + size));
            assert.equal(j, -1, `${set}, run of ${size} at ${at}: row ${j}`);
          }
        }
      } finally {
        await runner.release();
      }
    });
  }

  it('walks every version in WebAssembly as runLevelTrees does, bit for bit, in runs of 1-17 and 1,000-5,000 rows', () => {
    for (const dir of versions) {
      const { spec, bytes } = backendModelAt(dir);
      const read = readTreeEnsemble(bytes);
      assert.ok(read.ok);
      const padded = levelTrees(read.ensemble);
      assert.ok(padded.ok, dir);
      const width = spec.width;
      const golden = (JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')) as { rows: { features: number[] }[] })
        .rows;
      const wasm = wasmLevelWalk(padded.trees, width, 1);
      assert.equal(typeof wasm, 'function', dir);
      if (typeof wasm !== 'function') continue;
      const rows = mixedRows(golden, width, 5000);
      // Small runs first, then larger ones: the memory grows between runs.
      for (const size of [1, 2, 7, 8, 9, 15, 16, 17, 1000, 4999, 5000]) {
        const part = rows.subarray(0, size * width);
        const want = runLevelTrees(padded.trees, part, size, width, 1);
        const got: Float32Array | undefined = (wasm as WasmWalk)(part, size);
        assert.ok(want !== undefined && got !== undefined);
        assert.equal(firstDifference(got, want), -1, `${dir}, run of ${size}`);
      }
    }
  });

  it("gives runs from WASM_LEVEL_MIN_ROWS rows to the WebAssembly walk, with onnxruntime's float32", async () => {
    const dir = versions.find((d) => d.endsWith(join('domain', '5'))) as string;
    const { spec, bytes } = backendModelAt(dir);
    const runner = await openModelRunner(bytes, { ...spec, engine: 'trees' });
    try {
      assert.equal(runner.levelMinRows, WASM_LEVEL_MIN_ROWS);
      const golden = (JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')) as { rows: { features: number[] }[] })
        .rows;
      const rows = new Float32Array(golden.slice(0, WASM_LEVEL_MIN_ROWS).flatMap((r) => r.features));
      const want = await runner.reference(rows.slice(), WASM_LEVEL_MIN_ROWS);
      assert.equal(firstDifference(await runner.run(rows.slice(), WASM_LEVEL_MIN_ROWS), want), -1);
      assert.ok(WASM_LEVEL_MIN_ROWS < LEVEL_MIN_ROWS);
    } finally {
      await runner.release();
    }
  });

  it('leaves a run with a NaN to onnxruntime, which the runner then asks', async () => {
    const { spec, bytes } = backendModelAt(versions.find((d) => d.endsWith(join('domain', '5'))) as string);
    const runner = await openModelRunner(bytes, { ...spec, engine: 'trees' });
    try {
      const read = readTreeEnsemble(bytes);
      assert.ok(read.ok);
      const rows = checkRows(read.ensemble, spec.width, 64);
      assert.ok(rows.some(Number.isNaN), 'the check rows carry NaNs');
      assert.equal(runner.levelWalk?.(rows, 64), undefined);
      const want = await runner.reference(rows.slice(), 64);
      assert.equal(firstDifference(await runner.run(rows.slice(), 64), want), -1);
      assert.ok(LEVEL_MIN_ROWS <= 64);
    } finally {
      await runner.release();
    }
  });
});

describe('the level walk', () => {
  // Depth 2 on the false side only: the true side's leaf is padded down one level.
  const lopsided = new Map<number, TreeNode>([
    [0, branch(0, 0.5, 1, 2)],
    [1, leaf(1.5)],
    [2, branch(1, -2, 3, 4)],
    [3, leaf(-1)],
    [4, leaf(0.25)],
  ]);

  it('goes left on x <= threshold (equal included), through padding, and sums leaves and the base', () => {
    const padded = levelTrees(ensemble([lopsided, new Map([[0, leaf(2)]])]));
    assert.ok(padded.ok);
    assert.equal(padded.trees.depth, 2);
    // Rows of nine, so the first eight go through the eight-row loop and the ninth alone.
    const pairs = [
      [0.5, 0],
      [0.6, -2],
      [0.6, -1.5],
      [-1e30, 1e30],
      [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
      [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
      [0.5000001, -2],
      [1, 3],
      [0.6, -2.0000002],
    ];
    const rows = new Float32Array(pairs.flat());
    const wasm = wasmLevelWalk(padded.trees, 2, 1);
    assert.equal(typeof wasm, 'function');
    for (const got of [runLevelTrees(padded.trees, rows, pairs.length, 2), (wasm as WasmWalk)(rows, pairs.length)]) {
      assert.ok(got !== undefined);
      // Leaves in tree order, then the base, in float32 steps: (w + 2) + 0.5.
      assert.deepEqual(
        [...got],
        [1.5, -1, 0.25, 1.5, -1, 1.5, -1, 0.25, -1].map((w) => Math.fround(Math.fround(w + 2) + 0.5)),
      );
    }
  });

  it('returns undefined for a run with a NaN, wherever it is', () => {
    const padded = levelTrees(ensemble([lopsided]));
    assert.ok(padded.ok);
    for (let at = 0; at < 18; at++) {
      const rows = new Float32Array(18).fill(1);
      rows[at] = Number.NaN;
      assert.equal(runLevelTrees(padded.trees, rows, 9, 2), undefined, `NaN at ${at}`);
      assert.equal((wasmLevelWalk(padded.trees, 2, 1) as WasmWalk)(rows, 9), undefined, `NaN at ${at}`);
    }
  });

  it('refuses what it does not pad: other comparisons, deep trees, thresholds and weights that are not float32', () => {
    const lt = new Map(lopsided);
    lt.set(0, { ...branch(0, 0.5, 1, 2), mode: 'BRANCH_LT' });
    assert.deepEqual(levelTrees(ensemble([lt])), { ok: false, why: 'node mode BRANCH_LT is not walked here' });
    const chain = new Map<number, TreeNode>();
    for (let d = 0; d <= MAX_LEVEL_DEPTH; d++)
      chain.set(2 * d, branch(0, d, 2 * d + 1, 2 * d + 2)).set(2 * d + 1, leaf(d));
    chain.set(2 * MAX_LEVEL_DEPTH + 2, leaf(-1));
    assert.deepEqual(levelTrees(ensemble([chain])), { ok: false, why: `a tree is deeper than ${MAX_LEVEL_DEPTH}` });
    const cyclic = new Map(lopsided);
    cyclic.set(2, branch(1, -2, 3, 0));
    assert.equal(levelTrees(ensemble([cyclic])).ok, false);
    const double = new Map(lopsided);
    double.set(0, branch(0, 0.1, 1, 2));
    assert.deepEqual(levelTrees(ensemble([double])), { ok: false, why: 'a threshold is not a float32' });
    const doubleLeaf = new Map(lopsided);
    doubleLeaf.set(1, leaf(0.1));
    assert.deepEqual(levelTrees(ensemble([doubleLeaf])), { ok: false, why: 'a leaf weight is not a float32' });
    assert.equal(levelTrees({ ...ensemble([lopsided]), weightsAllPositive: true }).ok, false);
    const padded = levelTrees(ensemble([lopsided]));
    assert.ok(padded.ok);
    assert.throws(() => runLevelTrees(padded.trees, new Float32Array([0]), 1, 1), /reads feature 1/);
  });
});
