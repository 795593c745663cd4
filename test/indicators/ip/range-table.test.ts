import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRangeTableBuilder } from '../../../src/indicators/ip/range-table';

const v6 = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (b) => Number.parseInt(b, 16));

describe('range table', () => {
  it('finds values in unsorted input and misses the gaps', () => {
    const b = createRangeTableBuilder<string>(4);
    b.add(200, 300, 'y');
    b.add(Uint8Array.of(0, 0, 0, 10), Uint8Array.of(0, 0, 0, 20), 'x');
    b.add(0xfffffff0, 0xffffffff, 'top');
    const t = b.build();
    const at = (n: number) => t.find(Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255));
    assert.deepEqual(
      [at(9), at(10), at(20), at(21), at(199), at(200), at(300), at(301)],
      [undefined, 'x', 'x', undefined, undefined, 'y', 'y', undefined],
    );
    assert.equal(at(0xffffffff), 'top');
    assert.equal(t.size, 3);
    assert.equal(t.find(new Uint8Array(16)), undefined, 'an IPv6 key never matches an IPv4 table');
  });

  it('compares IPv6 keys word by word, including across the 32-bit boundaries', () => {
    const b = createRangeTableBuilder<number>(6);
    b.add(v6('00000000000000010000000000000000'), v6('000000000000000100000000ffffffff'), 1);
    b.add(v6('20010db8000000000000000000000000'), v6('20010db8ffffffffffffffffffffffff'), 2);
    const t = b.build();
    assert.equal(t.find(v6('000000000000000100000000ffffffff')), 1);
    assert.equal(t.find(v6('00000000000000010000000100000000')), undefined);
    assert.equal(t.find(v6('00000000000000009fffffffffffffff')), undefined);
    assert.equal(t.find(v6('20010db8800000000000000000000001')), 2);
    assert.equal(t.find(v6('20010db9000000000000000000000000')), undefined);
  });

  it('throws on overlap by default and trims the later range when asked', () => {
    const make = () => {
      const b = createRangeTableBuilder<string>(4);
      b.add(10, 20, 'first');
      b.add(15, 30, 'later');
      b.add(16, 18, 'inside');
      return b;
    };
    assert.throws(() => make().build(), /overlaps/);
    const t = make().build('trim');
    const at = (n: number) => t.find(Uint8Array.of(0, 0, 0, n));
    assert.deepEqual([at(15), at(20), at(21), at(30), at(31)], ['first', 'first', 'later', 'later', undefined]);
    assert.equal(t.size, 2);
    assert.equal(t.trimmed, 2);
  });

  it('refuses a range that ends before it starts', () => {
    const b = createRangeTableBuilder<string>(4);
    b.add(20, 10, 'bad');
    assert.throws(() => b.build(), /ends before it starts/);
  });
});
