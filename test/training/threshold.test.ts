/** thresholdAtFpr is train.py's threshold_at_fpr: the smallest float32 bar that flags at most `fpr` of the benign scores. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { thresholdAtFpr } from '../../src/training/threshold';

const f32 = (x: number) => new Float32Array([x])[0] as number;

describe('thresholdAtFpr', () => {
  const scores = Array.from({ length: 400 }, (_, i) => f32(i / 400));
  for (const [fpr, flagged] of [
    [0.01, 3],
    [0.0025, 0],
    [0.1, 39],
  ] as const) {
    it(`at ${fpr} flags ${flagged} of 400 and lets the next score through`, () => {
      const t = thresholdAtFpr(scores, fpr);
      assert.equal(scores.filter((s) => s >= t).length, flagged);
      assert.ok(t > (scores[400 - flagged - 1] as number), 'just above the highest unflagged score');
      assert.ok(t - (scores[400 - flagged - 1] as number) < 1e-6, 'by one float32 step');
    });
  }
  it('ignores input order and has 0.5 for no scores', () => {
    assert.equal(thresholdAtFpr([...scores].reverse(), 0.01), thresholdAtFpr(scores, 0.01));
    assert.equal(thresholdAtFpr([], 0.01), 0.5);
  });
});
