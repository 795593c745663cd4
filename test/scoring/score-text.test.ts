import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scoreText } from '../../src/scoring/score-text';

// The float32 value with these bits.
const f32 = new Float32Array(1);
const bits = new Uint32Array(f32.buffer);
function float32(b: number): number {
  bits[0] = b;
  return f32[0] as number;
}

describe('scoreText: toFixed(4) of a score', () => {
  it('agrees with toFixed on the float32 values around every tie (n + 0.5) / 10^4 in [0, 1]', () => {
    // The values where rounding could go either way: the float32 nearest each tie and its 8 neighbours.
    for (let n = 0; n < 10000; n++) {
      f32[0] = (n + 0.5) / 10000;
      const near = bits[0] as number;
      for (let d = -4; d <= 4; d++) {
        const x = float32(near + d);
        assert.equal(scoreText(x), x.toFixed(4), `${x}`);
      }
    }
  });

  it('agrees with toFixed on 200,000 random float32 values in [0, 1] and at the ends', () => {
    let seed = 7;
    for (let k = 0; k < 200000; k++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const x = float32(seed % 0x3f800001); // 0x3f800000 is 1.0
      assert.equal(scoreText(x), x.toFixed(4), `${x}`);
    }
    for (const x of [0, -0, 1, float32(1), float32(0x3f7fffff), float32(1)]) assert.equal(scoreText(x), x.toFixed(4));
  });

  it('leaves every other number to toFixed (0.00035: a double, x * 10^4 rounds up to the tie; toFixed says 0.0003)', () => {
    for (const x of [
      -0.25,
      1.5,
      0.1,
      1 / 3,
      0.00035,
      0.00045,
      0.12345,
      0.99995,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      1e21,
      -1e-7,
    ])
      assert.equal(scoreText(x), x.toFixed(4), `${x}`);
  });
});
