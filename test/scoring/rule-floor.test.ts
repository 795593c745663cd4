/**
 * A rule that lets the model score its item (RuleDecision.score true, e.g. a platform's own name in
 * domain v5) keeps its verdict, but the pipeline's verdict floor still holds: a platform's own name
 * that imitated a brand would be raised. A rule that answers without the model is not floored.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ok } from '../../src/indicators/types';
import type { ModelMetadata } from '../../src/scoring/metadata';
import type { AnyPipeline, RuleDecision } from '../../src/scoring/pipeline';
import { scoreFresh } from '../../src/scoring/stages';

const meta = { name: 'fake', version: 1, thresholds: { suspicious: 0.5, malicious: 0.9 } } as unknown as ModelMetadata;

/** A pipeline whose rule answers `rule` for every item and whose floor is `suspicious` for values starting "floor". */
function pipeline(rule: RuleDecision): AnyPipeline {
  return {
    kind: 'domain',
    modelName: 'fake',
    featuresVersion: 'fake/1',
    featureNames: ['floored'],
    maxLength: 100,
    loadAssets: () => undefined,
    parse: (item) => ok(item.value),
    normalised: (v: string) => v,
    enrich: () => undefined,
    decide: () => rule,
    features: (v: string, _a, out, offset) => {
      out[offset] = v.startsWith('floor') ? 1 : 0;
    },
    verdictFloor: (_v, row) => (row[0] === 1 ? 'suspicious' : undefined),
    explain: () => [],
  };
}

async function answer(p: AnyPipeline, value: string) {
  const model = { name: 'fake', version: 1, metadata: meta };
  const [r] = await scoreFresh(p, p, model, undefined, [{ id: '1', value }], 'full', async () => Float32Array.of(0.1));
  return r!;
}

describe('the verdict floor and rules', () => {
  const benign = (score: boolean): RuleDecision => ({
    verdict: 'benign',
    score,
    reasons: [{ code: 'PLATFORM_OWN_NAME', message: 'own', weight: 0 }],
  });

  it('raises a scored rule verdict to the floor, saying so', async () => {
    const r = await answer(pipeline(benign(true)), 'floor.example');
    assert.equal(r.verdict, 'suspicious');
    assert.equal(r.score, Math.fround(0.1));
    assert.deepEqual(
      r.reasons.map((x) => x.code),
      ['PLATFORM_OWN_NAME', 'VERDICT_RAISED', 'MODEL_SCORE'],
    );
  });

  it("keeps a scored rule's verdict when no floor applies, with the score", async () => {
    const r = await answer(pipeline(benign(true)), 'plain.example');
    assert.equal(r.verdict, 'benign');
    assert.equal(r.score, Math.fround(0.1));
  });

  it('does not floor a rule that answers without the model', async () => {
    const r = await answer(pipeline(benign(false)), 'floor.example');
    assert.equal(r.verdict, 'benign');
    assert.equal(r.score, undefined);
  });
});
