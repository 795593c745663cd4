/** withoutDetails: what a caller without the right to read model details may see of ListModels/GetModel. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Model, ModelVersion, ModelVersionState } from '../../src/gen/threatpredict/v1/model_service';
import { PUBLIC_VERSION_FIELDS, withoutDetails } from '../../src/server/model-details';

const detailed: Model = {
  name: 'domain',
  servingVersion: 2,
  versions: [
    {
      version: 3,
      state: ModelVersionState.MODEL_VERSION_STATE_FAILED,
      stateReason: 'metadata.json does not match the signed manifest (its SHA-256 differs)',
      featuresVersion: 'domain/2',
      thresholds: { suspicious: 0.5, malicious: 0.9 },
      trainingData: [{ name: 'tranco', license: 'x', label: 'benign', rows: 10, origin: 'https://example' }],
      metrics: { roc_auc: 0.99 },
      sha256: 'ab'.repeat(32),
      algorithm: 'HistGradientBoostingClassifier',
      trainedAt: '2026-01-01T00:00:00Z',
      cache: { hits: 1, misses: 2, entries: 3, capacity: 4, hitRatio: 0.33 },
    },
  ],
};

describe('model details', () => {
  it('keeps names, versions and states, and empties every other field', () => {
    const [m] = withoutDetails([detailed]);
    assert.equal(m?.name, 'domain');
    assert.equal(m?.servingVersion, 2);
    assert.deepEqual(m?.versions[0], {
      ...ModelVersion.fromPartial({}),
      version: 3,
      state: ModelVersionState.MODEL_VERSION_STATE_FAILED,
    });
    assert.ok(!JSON.stringify(m).includes('manifest'), 'no failure reason');
    assert.ok(!JSON.stringify(m).includes('tranco'), 'no training source');
  });

  it('treats every field of the contract but version and state as a detail', () => {
    // A field added to ModelVersion later is hidden unless it is listed as public.
    const empty = ModelVersion.fromPartial({});
    const filled = withoutDetails([detailed])[0]?.versions[0] as unknown as Record<string, unknown>;
    for (const field of Object.keys(detailed.versions[0]!)) {
      if ((PUBLIC_VERSION_FIELDS as string[]).includes(field)) continue;
      assert.deepEqual(filled[field], (empty as unknown as Record<string, unknown>)[field], field);
    }
    assert.deepEqual([...PUBLIC_VERSION_FIELDS], ['version', 'state']);
  });
});
