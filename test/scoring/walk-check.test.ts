/**
 * A process checks a model's walks against onnxruntime once (WalkCheck, src/scoring/inference-protocol.ts):
 * a thread keeps its verdicts, and a worker takes the event loop's (the workers' own answers are
 * compared with the event loop's in test/server/). Each test uses a model of its own
 * (the weights differ), since a verdict stays for the life of the thread.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ONE_TREE_IO, oneTreeModel } from '../../src/scoring/trees/one-tree-model';
import { readTreeEnsemble } from '../../src/scoring/trees/onnx-trees';
import { checkRows, firstDifference, openModelRunner } from '../../src/scoring/trees/tree-runner';

const spec = { ...ONE_TREE_IO, positive: 1, intraOpThreads: 1, engine: 'trees' } as const;

describe('the check of the walks, once per process', () => {
  it('reports its verdict: the walks that gave onnxruntime’s float32', async () => {
    const runner = await openModelRunner(oneTreeModel({ weights: [0.75, -1.25, 3] }), spec);
    try {
      assert.equal(runner.smallRuns, 'trees', runner.fallbackReason);
      assert.equal(runner.checked.walks, true);
      assert.equal(runner.checked.walks && runner.checked.level, runner.levelMinRows === 2 ? 'wasm' : 'js');
    } finally {
      await runner.release();
    }
  });

  it('takes another thread’s verdict instead of checking again', async () => {
    const told = { walks: false, why: 'the event loop found a difference' } as const;
    const runner = await openModelRunner(oneTreeModel({ weights: [0.5, -2.5] }), spec, told);
    try {
      // Left to its own check, this model is walked (the test above).
      assert.equal(runner.smallRuns, 'onnxruntime');
      assert.equal(runner.fallbackReason, told.why);
    } finally {
      await runner.release();
    }
  });

  it('keeps a verdict for the thread: the same model loaded again is not checked again', async () => {
    const bytes = oneTreeModel({ weights: [1.5, -0.25, -4] });
    const first = await openModelRunner(bytes, spec, { walks: false, why: 'first verdict' });
    await first.release();
    const again = await openModelRunner(bytes, spec);
    try {
      assert.equal(again.fallbackReason, 'first verdict');
      // Another positive class is another question.
      const other = await openModelRunner(bytes, { ...spec, positive: 0 });
      assert.equal(other.smallRuns, 'trees', other.fallbackReason);
      await other.release();
    } finally {
      await again.release();
    }
  });

  it('walks with the verdict it was given: the same float32 as a walk it checked itself', async () => {
    const dir = join(__dirname, '../../models/domain/5');
    const metadata = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8'));
    const bytes = readFileSync(join(dir, 'model.onnx'));
    const io = {
      input: metadata.input.name,
      output: metadata.output.name,
      width: metadata.feature_names.length,
      positive: metadata.output.positive_class_index,
      intraOpThreads: 1,
      engine: 'trees',
    } as const;
    const checked = await openModelRunner(bytes, io);
    const given = await openModelRunner(bytes, io, checked.checked);
    try {
      assert.deepEqual(given.checked, checked.checked);
      const ensemble = readTreeEnsemble(bytes);
      assert.ok(ensemble.ok);
      // Rows on, just below and just above every threshold, some NaN: small runs and level-walk runs.
      const features = checkRows(ensemble.ensemble, io.width, 512);
      const want = await checked.reference(features.slice(), 512);
      for (const rows of [1, 2, 8, 512]) {
        const got = await given.run(features.slice(0, rows * io.width), rows);
        assert.equal(firstDifference(got, want.slice(0, rows)), -1, `${rows} rows`);
      }
    } finally {
      await Promise.all([checked.release(), given.release()]);
    }
  });
});
