import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deserializeError, serializeError } from '../../src/cluster/messages';
import { PredictError } from '../../src/errors';

describe('model task errors between processes', () => {
  it('keep a PredictError (reason, message, metadata) so the caller gets the same status', () => {
    const original = new PredictError('MODEL_VERSION_NOT_FOUND', 'no version 9 of "domain"', { name: 'domain' });
    const wire = JSON.parse(JSON.stringify(serializeError(original)));
    const back = deserializeError(wire);
    assert.ok(back instanceof PredictError);
    assert.equal(back.reason, 'MODEL_VERSION_NOT_FOUND');
    assert.equal(back.message, 'no version 9 of "domain"');
    assert.deepEqual(back.metadata, { name: 'domain' });
    assert.equal(back.code, original.code);
  });

  it('turn anything else, or an unknown reason, into a plain Error with its message', () => {
    const plain = deserializeError(serializeError(new Error('disk gone')));
    assert.ok(!(plain instanceof PredictError));
    assert.equal(plain.message, 'disk gone');
    const unknown = deserializeError({ message: 'odd', reason: 'NOT_A_REASON' });
    assert.ok(!(unknown instanceof PredictError));
    assert.equal(serializeError('text').message, 'text');
  });
});
