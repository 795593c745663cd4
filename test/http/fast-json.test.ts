/**
 * The reflection-free JSON paths (src/http/fast-json.ts) must say exactly what protobuf-es says:
 * answers byte for byte, requests as the same message.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromBinary, fromJson, type JsonValue, toJson } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { PredictError } from '../../src/errors';
import { DomainEnrichment, IndicatorType, type Prediction, Verdict } from '../../src/gen/threatpredict/v1/prediction';
import { PredictDomainsResponse } from '../../src/gen/threatpredict/v1/prediction_service';
import { loadContract } from '../../src/http/contract';
import { fastBatchRequest, isStringBatch, predictionsJson } from '../../src/http/fast-json';
import { toStatus } from '../../src/server/convert';

const { registry } = loadContract();
const response = registry.getMessage('threatpredict.v1.PredictDomainsResponse')!;
const request = registry.getMessage('threatpredict.v1.PredictDomainsRequest')!;
const generic = (bytes: Uint8Array) => JSON.stringify(toJson(response, fromBinary(response, bytes), { registry }));

const prediction = fc.record({
  id: fc.oneof(fc.constant(''), fc.string(), fc.string({ unit: 'grapheme' })),
  indicator: fc.string(),
  score: fc.option(fc.float({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  verdict: fc.constantFrom(Verdict.VERDICT_UNSPECIFIED, Verdict.VERDICT_BENIGN, Verdict.VERDICT_MALICIOUS),
  reasons: fc.array(fc.record({ code: fc.string(), message: fc.string(), weight: fc.float({ noNaN: true }) }), {
    maxLength: 3,
  }),
  withDomain: fc.boolean(),
  withError: fc.boolean(),
});

describe('fast JSON answers', () => {
  it('equal protobuf-es toJson for any batch of predictions, repeats included', () => {
    const fast = predictionsJson(registry, 8);
    fc.assert(
      fc.property(fc.array(prediction, { maxLength: 12 }), (ps) => {
        const results: Prediction[] = ps.map((p) => ({
          id: p.id,
          indicator: p.indicator,
          type: IndicatorType.INDICATOR_TYPE_DOMAIN,
          verdict: p.verdict,
          reasons: p.reasons,
          ...(p.score === undefined ? {} : { score: p.score }),
          ...(p.withDomain
            ? { domain: DomainEnrichment.fromPartial({ registrableDomain: 'x.example', publicSuffix: 'example' }) }
            : {}),
          ...(p.withError
            ? { error: toStatus(new PredictError('EMAIL_QUEUE_FULL', 'busy', { queued: '3' }, 1500)) }
            : {}),
        }));
        // Twice: the second answer comes from the remembered JSON.
        const bytes = PredictDomainsResponse.encode({ results: [...results, ...results] }).finish();
        assert.equal(fast(bytes), generic(bytes));
      }),
      { numRuns: 300 },
    );
  });
});

describe('fast JSON requests', () => {
  it('applies to the string batches only', () => {
    assert.equal(isStringBatch(request), true);
    assert.equal(isStringBatch(registry.getMessage('threatpredict.v1.PredictRequest')!), true);
    assert.equal(isStringBatch(registry.getMessage('threatpredict.v1.PredictEmailsRequest')!), false);
  });

  it('give the message protobuf-es decodes from the same JSON', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: fc.string({ unit: 'grapheme' }), value: fc.string() }, { requiredKeys: [] }), {
          maxLength: 8,
        }),
        fc.option(fc.constantFrom('RESULT_VIEW_FULL', 'RESULT_VIEW_COMPACT', 'RESULT_VIEW_UNSPECIFIED'), {
          nil: undefined,
        }),
        (items, view) => {
          const json = view === undefined ? { items } : { items, view };
          const bytes = fastBatchRequest(request, json);
          assert.ok(bytes !== undefined);
          assert.deepEqual(fromBinary(request, bytes), fromJson(request, json as JsonValue));
        },
      ),
    );
  });

  it('leave every other shape to protobuf-es', () => {
    for (const json of [
      { items: [{ id: 1, value: 'x' }] },
      { items: [{ value: null }] },
      { items: [{ value: 'x', observedAt: '2024-01-01T00:00:00Z' }] },
      { items: [{ value: 'x' }], view: 2 },
      { items: [{ value: 'x' }], extra: true },
      { items: {} },
      [],
    ]) {
      assert.equal(fastBatchRequest(request, json), undefined, JSON.stringify(json));
    }
  });
});
