import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createCacheStore,
  createPredictionCache,
  entryBytes,
  MAX_KEY_BYTES,
  type PredictionCache,
} from '../../src/scoring/cache';

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

  it('reports the estimated bytes its entries keep alive (threatpredict_cache_bytes)', () => {
    const whole = createCacheStore<string>({ entries: 100, maxBytes: 1 << 20 });
    const c = whole.space('domain');
    assert.equal(whole.bytes(), 0);
    store(c, 'example.com', 'A');
    store(c, 'bücher.de', 'B');
    assert.equal(whole.bytes(), entryBytes(bytes('example.com').length) + entryBytes(bytes('bücher.de').length));
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

  it('tells by the bytes whether a key was offered, and notes a key without an answer', () => {
    const c = createPredictionCache<string>(100);
    const req = Buffer.concat([
      bytes('--'),
      bytes('bücher.de'),
      bytes('new.example'),
      bytes('x'.repeat(MAX_KEY_BYTES + 1)),
    ]);
    const de = [2, 2 + bytes('bücher.de').length] as const;
    const fresh = [de[1], de[1] + bytes('new.example').length] as const;
    const long = [fresh[1], req.length] as const;
    assert.equal(c.seenBytes(req, ...de), false);
    c.offer('bücher.de', 'A');
    assert.equal(c.seenBytes(req, ...de), true, 'offered once, by its string: the same UTF-8 key');
    assert.equal(c.seenBytes(req, ...fresh), false);
    c.noteBytes(req, ...fresh);
    assert.equal(c.seenBytes(req, ...fresh), true);
    assert.equal(c.get('new.example'), undefined, 'noting stores nothing');
    assert.equal(c.offer('new.example', 'B'), true, 'the first offer after a note stores');
    c.noteBytes(req, ...long);
    assert.equal(c.seenBytes(req, ...long), false, 'a key too long to store is never seen');
    // Both in one: false and noted the first time, true after.
    const other = bytes('--other.example');
    assert.equal(c.seenOrNoteBytes(other, 2, other.length), false);
    assert.equal(c.seenBytes(other, 2, other.length), true, 'noted');
    assert.equal(c.seenOrNoteBytes(other, 2, other.length), true);
    assert.equal(c.seenOrNoteBytes(req, ...long), false);
    assert.equal(c.seenOrNoteBytes(req, ...long), false, 'a key too long to store is never seen');
    c.countMisses(2);
    assert.equal(c.stats().misses, 3);
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

  it('keeps key spaces apart: the same key in two spaces is two entries', () => {
    const cache = createCacheStore<string>({ entries: 100, maxBytes: 1 << 20 });
    const domains = cache.space('domain');
    const addresses = cache.space('email_address');
    assert.equal(cache.space('domain'), domains, 'one cache per space name');
    store(domains, 'x.xyz', 'domain answer');
    assert.equal(addresses.get('x.xyz'), undefined);
    assert.equal(addresses.getBytes(bytes('x.xyz'), 0, 5), undefined);
    store(addresses, 'x.xyz', 'address answer');
    assert.equal(domains.get('x.xyz'), 'domain answer');
    assert.equal(addresses.get('x.xyz'), 'address answer');
    assert.equal(cache.stats().entries, 2, 'the spaces share one store');
  });

  it('never stores a key longer than MAX_KEY_BYTES, and looks it up without growing', () => {
    const c = createPredictionCache<string>(100);
    const long = 'a'.repeat(MAX_KEY_BYTES + 1);
    const longUtf8 = 'ü'.repeat(MAX_KEY_BYTES / 2 + 1); // few characters, too many bytes
    for (const k of [long, longUtf8]) {
      assert.equal(c.offer(k, 'v'), false);
      assert.equal(c.offer(k, 'v'), false, 'not even on the second offer');
      assert.equal(c.get(k), undefined);
    }
    const req = Buffer.from(long);
    assert.equal(c.getBytes(req, 0, req.length), undefined);
    const fits = 'b'.repeat(MAX_KEY_BYTES);
    store(c, fits, 'kept');
    assert.equal(c.get(fits), 'kept');
    assert.equal(c.stats().entries, 1);
  });

  it('stays within its byte budget when keys are long, whatever the entry limit', () => {
    const maxBytes = 40 * entryBytes(4000);
    const c = createCacheStore<number>({ entries: 100_000, maxBytes }).space('url');
    for (let i = 0; i < 1000; i++) store(c, `${i} ${'u'.repeat(3990)}`, i);
    const { entries } = c.stats();
    assert.ok(entries <= 40, `${entries} long entries kept, at most 40 fit the budget`);
    assert.ok(entries >= 20, `${entries} kept: a budget is for using`);
    assert.equal(c.get(`999 ${'u'.repeat(3990)}`), 999, 'the newest is kept');
  });
});
