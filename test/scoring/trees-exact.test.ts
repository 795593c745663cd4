/**
 * The walk's last step against onnxruntime's own: a one-tree model puts chosen scores on its leaves
 * (src/scoring/trees/one-tree-model.ts), so onnxruntime's output for row k is its logistic of leaf k's weight.
 * The scores include ones where glibc's expf and the correctly rounded one (Math.exp rounded to
 * float32) give different logistics, which the committed models' golden and check rows seldom meet
 * (3-14 rows in 100,000 random rows per model), so a walk back on Math.exp fails here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expf, fma, TELLING_SCORES } from '../../src/scoring/trees/float32-logistic';
import { ONE_TREE_IO, type OneTreeOptions, oneTreeModel } from '../../src/scoring/trees/one-tree-model';
import { firstDifference, logisticProbe, openModelRunner } from '../../src/scoring/trees/tree-runner';

/** The logistic with Math.exp, which is what the walk must not do. */
function correctlyRoundedLogistic(score: number): number {
  const v = Math.fround(1 / Math.fround(1 + Math.fround(Math.exp(-Math.abs(score)))));
  return score < 0 ? Math.fround(1 - v) : v;
}

/** Row k of the one-tree model scores weights[k]: onnxruntime's outputs and the walk's, per positive class. */
async function bothEngines(options: OneTreeOptions, positive: 0 | 1) {
  const bytes = oneTreeModel(options);
  const runner = await openModelRunner(bytes, { ...ONE_TREE_IO, positive, intraOpThreads: 1, engine: 'trees' });
  try {
    assert.equal(runner.smallRuns, 'trees', runner.fallbackReason);
    const n = options.weights.length;
    const rows = Float32Array.from(options.weights, (_, k) => k);
    const ort = await runner.reference(rows.slice(), n);
    const walked = new Float32Array(n);
    for (let k = 0; k < n; k++) walked.set(await runner.run(rows.slice(k, k + 1), 1), k);
    return { ort, walked };
  } finally {
    await runner.release();
  }
}

describe('the walk against onnxruntime, score by score', () => {
  // float32-logistic.ts found them; onnxruntime proves below that they tell the two expf apart.
  const hard = [...TELLING_SCORES].flatMap((s) => [s, -s]);
  const plain = [0, -0, 1e-30, 0.5, -0.5, 1.5, -3.25, 17, -17, 87.5, -88.5, 100, -104, -110, 200];
  const weights = [...hard, ...plain];

  for (const positive of [1, 0] as const) {
    it(`gives onnxruntime's float32 for class ${positive}, logistic`, async () => {
      const { ort, walked } = await bothEngines({ weights, base: 0 }, positive);
      const i = firstDifference(walked, ort);
      assert.equal(i, -1, `score ${weights[i]}: walked ${walked[i]}, onnxruntime ${ort[i]}`);
      // And onnxruntime's logistic is not Math.exp's: every telling score tells them apart.
      let apart = 0;
      for (let k = 0; k < hard.length; k++)
        if (correctlyRoundedLogistic(positive === 1 ? (hard[k] as number) : -(hard[k] as number)) !== ort[k]) apart++;
      assert.equal(apart, hard.length);
    });
  }

  it('adds the base value in float32, as onnxruntime does, and reports -score for class 0 without the logistic', async () => {
    const base = Math.fround(0.1);
    const none = weights.filter((w) => Math.abs(w) < 1e6);
    for (const positive of [1, 0] as const) {
      const withBase = await bothEngines({ weights, base }, positive);
      assert.equal(firstDifference(withBase.walked, withBase.ort), -1);
      const raw = await bothEngines({ weights: none, base, postTransform: 'NONE' }, positive);
      assert.equal(firstDifference(raw.walked, raw.ort), -1);
    }
  });

  it("asks this machine's onnxruntime for its logistic before walking, and refuses Math.exp's", async () => {
    assert.equal(await logisticProbe(), undefined);
    assert.match((await logisticProbe(correctlyRoundedLogistic)) ?? '', /not glibc's expf/);
  });

  it('keeps onnxruntime where its order of sums is not the walk’s: several intra-op threads', async () => {
    const runner = await openModelRunner(oneTreeModel({ weights: [1, -1] }), {
      ...ONE_TREE_IO,
      positive: 1,
      intraOpThreads: 2,
      engine: 'trees',
    });
    try {
      assert.equal(runner.smallRuns, 'onnxruntime');
      assert.match(runner.fallbackReason ?? '', /2 intra-op threads/);
    } finally {
      await runner.release();
    }
  });

  it('keeps onnxruntime for all-positive weights (no logistic there)', async () => {
    const runner = await openModelRunner(oneTreeModel({ weights: [1, 2] }), {
      ...ONE_TREE_IO,
      positive: 1,
      intraOpThreads: 1,
      engine: 'trees',
    });
    try {
      assert.equal(runner.smallRuns, 'onnxruntime');
      assert.equal(runner.fallbackReason, 'no class weight is negative');
    } finally {
      await runner.release();
    }
  });
});

describe('float32-logistic', () => {
  it('fma rounds once', () => {
    // (1 + 2^-52)^2 = 1 + 2^-51 + 2^-104: one rounding keeps the 2^-104 for the subtraction.
    const a = 1 + 2 ** -52;
    assert.equal(fma(a, a, -(1 + 2 ** -51)), 2 ** -104);
    assert.equal(a * a - (1 + 2 ** -51), 0);
    assert.equal(fma(0.1, 10, -1), 5.551115123125783e-17);
  });

  it('expf is glibc’s: exact on powers, 0 below its underflow, not Math.exp on the telling scores', () => {
    assert.equal(expf(0), 1);
    assert.equal(expf(-0), 1);
    assert.equal(expf(-104), 0);
    assert.equal(expf(Number.NEGATIVE_INFINITY), 0);
    assert.equal(expf(-1), Math.fround(Math.exp(-1)));
    const x = -0.00011167553748236969; // a float32 where glibc's expf is off by one float step
    assert.notEqual(expf(x), Math.fround(Math.exp(x)));
  });
});
