/**
 * The word segmenter behind the domain/3 features: fewest letters outside words first, then fewest
 * words; runs of letters only; no state carried from one call to the next.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createWordSegmenter, type Segmentation } from '../../../src/indicators/domain/word-segment';

const seg = createWordSegmenter(['the', 'them', 'meta', 'tap', 'of', 'butter', 'flies', 'fly', 'butterflies', 'bonds']);
const out = (): Segmentation => ({ letters: -1, covered: -1, words: -1, longest: -1 });

describe('word segmenter', () => {
  it('covers a name made only of words with the fewest words', () => {
    const s = seg.segment('themetaofbutterflies', 0, 20, out());
    // the|meta|of|butterflies (4 words) beats the|meta|of|butter|flies (5).
    assert.deepEqual({ ...s }, { letters: 20, covered: 20, words: 4, longest: 11 });
  });
  it('prefers more covered letters over fewer words', () => {
    // "themetap": the|meta + "p" uncovered (1 left) vs them|eta.. ; the|me|tap needs "me", not a word here.
    const s = seg.segment('themetap', 0, 8, out());
    assert.equal(s.letters - s.covered, 1);
    assert.equal(s.words, 2);
  });
  it('counts noise as uncovered letters and separates runs at digits, hyphens and dots', () => {
    assert.deepEqual({ ...seg.segment('xqzkv', 0, 5, out()) }, { letters: 5, covered: 0, words: 0, longest: 0 });
    assert.deepEqual(
      { ...seg.segment('butter-9bonds.fly', 0, 17, out()) },
      { letters: 14, covered: 14, words: 3, longest: 6 },
    );
    // A word does not run across a separator: "butter" + "flies" split by a digit stays two words.
    assert.equal(seg.segment('butter1flies', 0, 12, out()).words, 2);
  });
  it('reads only text[from, to) and resets its output', () => {
    const o = seg.segment('xxbondsxx', 0, 9, out());
    assert.equal(o.covered, 5);
    const again = seg.segment('xxbondsxx', 2, 7, o);
    assert.deepEqual({ ...again }, { letters: 5, covered: 5, words: 1, longest: 5 });
    assert.deepEqual({ ...seg.segment('', 0, 0, out()) }, { letters: 0, covered: 0, words: 0, longest: 0 });
  });
  it('writes the list index of each word of the best segmentation, in order, across runs', () => {
    const words = ['the', 'them', 'meta', 'tap', 'of', 'butter', 'flies', 'fly', 'butterflies', 'bonds'];
    const ids = new Int32Array(8).fill(-9);
    const s = seg.segment('themetaofbutterflies-9bonds', 0, 27, out(), ids);
    assert.equal(s.words, 5);
    assert.deepEqual(
      Array.from(ids.subarray(0, s.words), (i) => words[i]),
      ['the', 'meta', 'of', 'butterflies', 'bonds'],
    );
    assert.equal(ids[5], -9, 'nothing written past the words');
    // A short buffer gets the first words only, and nothing is written out of bounds.
    const two = new Int32Array(2);
    assert.equal(seg.segment('themetaofbutterflies', 0, 20, out(), two).words, 4);
    assert.deepEqual(
      Array.from(two, (i) => words[i]),
      ['the', 'meta'],
    );
    assert.equal(seg.indexOf('butterflies'), 8);
    assert.equal(seg.indexOf('butterfl'), -1, 'a prefix of a word is not a word');
    assert.equal(seg.indexOf(''), -1);
    assert.equal(seg.indexOf('zzz'), -1);
  });
  it('rejects a word list entry outside a-z instead of building a trie that never matches it', () => {
    assert.throws(() => createWordSegmenter(['ok', 'caf\u00e9']), /outside a-z/);
  });
});
