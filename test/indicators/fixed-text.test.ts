import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixed2 } from '../../src/indicators/fixed-text';

// The float32 value with these bits.
const f32 = new Float32Array(1);
const bits = new Uint32Array(f32.buffer);
function float32(b: number): number {
  bits[0] = b;
  return f32[0] as number;
}

describe('fixed2: toFixed(2) of a feature value', () => {
  it('agrees with toFixed on the float32 values around every tie (n + 0.5) / 100 in (-1024, 1024)', () => {
    // The values where rounding could go either way: the float32 nearest each tie and its 8 neighbours.
    for (let n = 0; n < 102400; n++)
      for (const sign of [1, -1]) {
        f32[0] = (sign * (n + 0.5)) / 100;
        const near = bits[0] as number;
        for (let d = -4; d <= 4; d++) {
          const x = float32(near + d);
          assert.equal(fixed2(x), x.toFixed(2), `${x}`);
        }
      }
  });

  it('agrees with toFixed on 300,000 random float32 values of either sign under 1024, and near 0', () => {
    let seed = 11;
    for (let k = 0; k < 300000; k++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      // Magnitudes below 0x44800000 (1024.0), the sign from the seed's top bit.
      const x = float32(((seed % 0x44800000) | (seed & 0x80000000)) >>> 0);
      assert.equal(fixed2(x), x.toFixed(2), `${x}`);
    }
    for (const x of [0, -0, float32(1), float32(0x80000001), -0.004999999888241291, 1023.9949951171875, -3.4])
      assert.equal(fixed2(Math.fround(x)), Math.fround(x).toFixed(2), `${x}`);
  });

  it('leaves every other number to toFixed (0.015: a double, x * 100 rounds up to the tie; toFixed says 0.01)', () => {
    for (const x of [
      0.015,
      -0.045,
      1.005,
      0.125000001,
      1024,
      -1024,
      1e21,
      -1e21,
      Number.NaN,
      Number.NEGATIVE_INFINITY,
      1 / 3,
    ])
      assert.equal(fixed2(x), x.toFixed(2), `${x}`);
  });
});
