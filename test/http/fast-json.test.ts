/**
 * The reflection-free JSON requests (src/http/fast-json.ts) must say exactly what protobuf-es says:
 * the same message. (Answers: answer-json.test.ts.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromBinary, fromJson, type JsonValue } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { loadContract } from '../../src/http/contract';
import { fastBatchRequest, isStringBatch } from '../../src/http/fast-json';

const { registry } = loadContract();
const request = registry.getMessage('threatpredict.v1.PredictDomainsRequest')!;

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
