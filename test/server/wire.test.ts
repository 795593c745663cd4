import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { itemError } from '../../src/errors';
import { PredictDomainsResponse } from '../../src/gen/threatpredict/v1/prediction_service';
import type { CachedAnswer, ScoredItem } from '../../src/scoring/pipeline';
import type { View } from '../../src/scoring/scorer';
import { toPrediction } from '../../src/server/convert';
import { encodePredictions } from '../../src/server/wire';

const scored: ScoredItem = {
  id: 'x',
  indicator: 'paypa1-login.example.com',
  kind: 'domain',
  score: 0.9375,
  verdict: 'malicious',
  model: { name: 'domain', version: 3 },
  reasons: [
    { code: 'MODEL_SCORE', message: 'model domain v3 gave 0.9375', weight: 0 },
    { code: 'BRAND_LOOKALIKE', message: 'looks like paypal', weight: 0.4 },
  ],
  enrichment: {
    kind: 'domain',
    domain: {
      registrableDomain: 'example.com',
      publicSuffix: 'com',
      subdomain: 'paypa1-login',
      subdomainDepth: 1,
      ascii: 'paypa1-login.example.com',
      unicode: 'paypa1-login.example.com',
      privateSuffix: false,
      sharedHostingPlatform: false,
    },
  },
};
const invalid: ScoredItem = {
  id: 'y',
  indicator: 'a..b',
  kind: 'domain',
  reasons: [],
  error: itemError('INVALID_DOMAIN', 'empty label', { value: 'a..b' }),
};
const allowListed: ScoredItem = { id: '', indicator: 'google.com', kind: 'domain', verdict: 'benign', reasons: [] };

/** What the generated encoder writes for the same answers. */
function generated(results: ScoredItem[], view: View): Buffer {
  return Buffer.from(PredictDomainsResponse.encode({ results: results.map((r) => toPrediction(r, view)) }).finish());
}

describe('encodePredictions', () => {
  const ids = ['', 'a', 'id-with-ünïcode', 'x'.repeat(200)];
  for (const view of ['full', 'compact'] as const) {
    it(`writes exactly the generated encoder's bytes (${view})`, () => {
      const results = ids.flatMap((id) => [scored, invalid, allowListed].map((r) => ({ ...r, id })));
      assert.deepEqual(encodePredictions(results, view), generated(results, view));
      assert.equal(encodePredictions([], view).length, 0);
    });

    it(`reuses a cache entry's encoding with each item's own id (${view})`, () => {
      const entry: CachedAnswer = { view, result: { ...scored } };
      entry.result.cached = entry;
      assert.deepEqual(encodePredictions([entry.result], view), generated([entry.result], view));
      assert.equal(entry.wire, undefined, 'a fresh answer is not stored: most are never asked again');
      const first = [{ ...scored, id: 'first', cached: entry }];
      assert.deepEqual(encodePredictions(first, view), generated(first, view));
      assert.notEqual(entry.wire as unknown, undefined, 'the first repeat stores the encoding');
      const repeats = ids.map((id) => ({ ...scored, id, cached: entry }));
      assert.deepEqual(encodePredictions(repeats, view), generated(repeats, view));
    });
  }

  it('ignores an entry made for the other view (and leaves its encoding alone)', () => {
    const unused = new Uint8Array([1, 2, 3]);
    const entry: CachedAnswer = { view: 'compact', result: scored, wire: unused };
    const items = [{ ...scored, cached: entry }];
    assert.deepEqual(encodePredictions(items, 'full'), generated(items, 'full'));
    assert.equal(entry.wire, unused);
  });
});
