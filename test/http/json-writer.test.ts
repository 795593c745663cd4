/**
 * The JSON writer's kept copies (an answer's JSON held as long as its cache entry) must own their
 * memory: a slice of Node's shared buffer pool would keep a whole 8 KB slab alive per kept answer,
 * outside the cache's byte budget.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonWriter } from '../../src/http/json-writer';

describe('JsonWriter.copyFrom', () => {
  it('copies the bytes written since a mark into memory of its own', () => {
    const w = new JsonWriter();
    w.reset();
    w.raw(Buffer.from('{"results":['));
    const mark = w.pos;
    w.raw(Buffer.from('"score":0.5,"verdict":"VERDICT_BENIGN"'));
    const kept = w.copyFrom(mark);
    assert.equal(kept.toString(), '"score":0.5,"verdict":"VERDICT_BENIGN"');
    assert.equal(kept.byteOffset, 0);
    assert.equal(kept.buffer.byteLength, kept.length, 'not a slice of a shared pool slab');
    // The writer's buffer is reused for the next answer: the copy must not change with it.
    w.reset();
    w.raw(Buffer.from('x'.repeat(64)));
    assert.equal(kept.toString(), '"score":0.5,"verdict":"VERDICT_BENIGN"');
  });
});
