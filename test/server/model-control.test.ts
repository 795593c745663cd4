import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Model } from '../../src/gen/threatpredict/v1/model_service';
import { withCacheTotals } from '../../src/server/model-control';

function model(name: string, caches: Record<number, [number, number, number, number] | undefined>): Model {
  return {
    name,
    servingVersion: 1,
    versions: Object.entries(caches).map(([v, c]) => ({
      version: Number(v),
      state: 1,
      stateReason: '',
      featuresVersion: '',
      thresholds: undefined,
      trainingData: [],
      metrics: {},
      sha256: '',
      algorithm: '',
      trainedAt: '',
      cache: c === undefined ? undefined : { hits: c[0], misses: c[1], entries: c[2], capacity: c[3], hitRatio: 0 },
    })),
  };
}

describe('withCacheTotals', () => {
  it('sums each version cache over the processes and recomputes the hit ratio', () => {
    const a = [model('domain', { 1: [90, 10, 50, 100], 2: [0, 0, 0, 100] }), model('url', { 1: undefined })];
    const b = [model('domain', { 1: [60, 40, 70, 100], 2: [3, 1, 2, 100] }), model('url', { 1: undefined })];
    const out = withCacheTotals(a, [a, b]);
    const d = out[0]!;
    assert.deepEqual(d.versions[0]?.cache, { hits: 150, misses: 50, entries: 120, capacity: 200, hitRatio: 0.75 });
    assert.deepEqual(d.versions[1]?.cache, { hits: 3, misses: 1, entries: 2, capacity: 200, hitRatio: 0.75 });
    assert.equal(out[1]?.versions[0]?.cache, undefined);
    // The own view is not changed in place.
    assert.equal(a[0]?.versions[0]?.cache?.hits, 90);
  });

  it('keeps the own view of states and versions when another process knows a version it does not', () => {
    const own = [model('domain', { 2: [1, 1, 1, 10] })];
    const other = [model('domain', { 2: [1, 0, 1, 10], 3: [5, 5, 5, 10] })];
    const out = withCacheTotals(own, [own, other]);
    assert.deepEqual(
      out[0]?.versions.map((v) => v.version),
      [2],
    );
    assert.equal(out[0]?.versions[0]?.cache?.hits, 2);
  });
});
