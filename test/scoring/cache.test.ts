import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPredictionCache, type PredictionCache } from '../../src/scoring/cache';

const bytes = (s: string) => Buffer.from(s, 'utf8');

/** Offers an answer until it is stored (the second offer, by admission). */
function store<V>(c: PredictionCache<V>, key: string, value: V): void {
  c.offer(key, value);
  assert.ok(c.offer(key, value), `${key} stored on its second offer`);
}

describe('prediction cache', () => {
  it('answers what was stored, by string or by UTF-8 bytes, and counts hits and misses', () => {
    const c = createPredictionCache<string>(100);
    assert.equal(c.get('example.com'), undefined);
    store(c, 'example.com', 'A');
    store(c, 'bücher.de', 'B');
    assert.equal(c.get('example.com'), 'A');
    assert.equal(c.get('bücher.de'), 'B');
    assert.equal(c.get('example.co'), undefined, 'a prefix is another key');
    assert.equal(c.get('example.comm'), undefined);
    const req = Buffer.concat([bytes('xx'), bytes('bücher.de'), bytes('yy')]);
    assert.equal(c.getBytes(req, 2, 2 + bytes('bücher.de').length), 'B');
    assert.equal(c.getBytes(req, 2, 6), undefined);
    c.countHits(1);
    assert.deepEqual(c.stats(), { hits: 3, misses: 3, entries: 2, capacity: 100 });
  });

  it('stores an answer the second time its key is offered, not the first (admission)', () => {
    const c = createPredictionCache<string>(100);
    assert.equal(c.offer('once.example', 'A'), false);
    assert.equal(c.get('once.example'), undefined, 'a key seen once is not kept');
    assert.equal(c.offer('once.example', 'A'), true);
    assert.equal(c.get('once.example'), 'A');
    // One-off keys never take room from the ones that repeat.
    for (let i = 0; i < 10_000; i++) c.offer(`unique-${i}.example`, 'U');
    assert.equal(c.stats().entries, 1);
    assert.equal(c.get('once.example'), 'A');
  });

  it('replaces the value of a key stored again', () => {
    const c = createPredictionCache<number>(10);
    store(c, 'a.com', 1);
    assert.ok(c.offer('a.com', 2));
    assert.equal(c.get('a.com'), 2);
    assert.equal(c.stats().entries, 1);
  });

  it('stays within its capacity and keeps what is being asked for', () => {
    const c = createPredictionCache<number>(1000);
    store(c, 'hot.example', -1);
    for (let i = 0; i < 20_000; i++) {
      store(c, `name-${i}.example`, i);
      // The hot key is asked for all the time: each rotation it is promoted from `old` into `young`.
      if (i % 100 === 0) assert.equal(c.get('hot.example'), -1, `hot key lost after ${i} inserts`);
      assert.ok(c.stats().entries <= 1000);
    }
    assert.equal(c.get('name-19999.example'), 19999);
    assert.equal(c.get('name-0.example'), undefined, 'cold keys are evicted');
  });

  it('keeps long and non-ASCII keys apart (arena growth, multi-byte encoding)', () => {
    const c = createPredictionCache<string>(4000);
    const keys: string[] = [];
    for (let i = 0; i < 1500; i++) keys.push(`https://例え.テスト/${'p'.repeat(i % 700)}/${i}`);
    for (const k of keys) store(c, k, k);
    for (const k of keys) assert.equal(c.get(k), k);
    assert.equal(c.get(`${keys[10]}x`), undefined);
  });

  it('agrees with a Map on a random workload (same answers, same hit count)', () => {
    // With a capacity larger than the key space nothing is evicted, so a Map is the exact model.
    const c = createPredictionCache<number>(8192);
    const m = new Map<string, number>();
    let seed = 7;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    let hits = 0;
    for (let i = 0; i < 20_000; i++) {
      const key = `k${Math.floor(rand() * 1500)}.${rand() < 0.1 ? 'ü' : 'u'}`;
      if (rand() < 0.3) {
        store(c, key, i);
        m.set(key, i);
      } else {
        const want = m.get(key);
        if (want !== undefined) hits++;
        assert.equal(c.get(key), want);
      }
    }
    assert.equal(c.stats().hits, hits);
  });
});
