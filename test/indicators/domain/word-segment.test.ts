/**
 * The word segmenter behind the domain/3 features: fewest letters outside words first, then fewest
 * words; runs of letters only; no state carried from one call to the next.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENGLISH_WORDS } from '../../../src/indicators/domain/english-words';
import { LURE_WORDS } from '../../../src/indicators/domain/features-v4';
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

/**
 * The definition, without a trie: for each start in order, one uncovered letter, then every word that
 * starts there from the shortest, a later candidate replacing an earlier only when strictly better
 * (fewer uncovered letters, then fewer words); a word's id is its first index in the list.
 */
function reference(index: ReadonlyMap<string, number>, text: string): { s: Segmentation; ids: number[] } {
  let longestWord = 0;
  for (const w of index.keys()) longestWord = Math.max(longestWord, w.length);
  const s: Segmentation = { letters: 0, covered: 0, words: 0, longest: 0 };
  const ids: number[] = [];
  for (const run of text.slice(0, 256).match(/[a-z]+/g) ?? []) {
    const n = run.length;
    const cost: [number, number][] = [[0, 0]];
    const back: { from: number; word: number }[] = [];
    for (let i = 1; i <= n; i++) cost.push([Number.POSITIVE_INFINITY, 0]);
    const better = (u: number, w: number, at: number) => {
      const [bu, bw] = cost[at] as [number, number];
      return u < bu || (u === bu && w < bw);
    };
    for (let a = 0; a < n; a++) {
      const [u, w] = cost[a] as [number, number];
      if (better(u + 1, w, a + 1)) {
        cost[a + 1] = [u + 1, w];
        back[a + 1] = { from: a, word: -1 };
      }
      for (let b = a + 1; b <= Math.min(n, a + longestWord); b++) {
        const id = index.get(run.slice(a, b));
        if (id !== undefined && better(u, w + 1, b)) {
          cost[b] = [u, w + 1];
          back[b] = { from: a, word: id };
        }
      }
    }
    const [u, w] = cost[n] as [number, number];
    s.letters += n;
    s.covered += n - u;
    s.words += w;
    const runIds: number[] = [];
    for (let k = n; k > 0; ) {
      const step = back[k] as { from: number; word: number };
      if (step.word >= 0) {
        s.longest = Math.max(s.longest, k - step.from);
        runIds.unshift(step.word);
      }
      k = step.from;
    }
    ids.push(...runIds);
  }
  return { s, ids };
}

describe('word segmenter against its definition', () => {
  it('gives the same segmentation and word ids on random and word-made names (the domain/4 vocabulary)', () => {
    const vocabulary = [...ENGLISH_WORDS, ...LURE_WORDS];
    const segmenter = createWordSegmenter(vocabulary);
    const index = new Map<string, number>();
    vocabulary.forEach((w, i) => {
      if (!index.has(w)) index.set(w, i);
    });
    let seed = 0x2545f491;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-.';
    const texts = ['', 'a', 'themetaofbutterflies', 'paypal-secure-login', 'x'.repeat(300)];
    for (let i = 0; i < 4000; i++) {
      let t = '';
      if (i % 2 === 0) {
        const n = 1 + Math.floor(next() * 40);
        for (let k = 0; k < n; k++) t += alphabet[Math.floor(next() * (next() < 0.85 ? 26 : alphabet.length))];
      } else {
        const n = 1 + Math.floor(next() * 6);
        for (let k = 0; k < n; k++)
          t += `${vocabulary[Math.floor(next() * vocabulary.length)]}${next() < 0.2 ? '-' : ''}`;
      }
      texts.push(t);
    }
    const ids = new Int32Array(64);
    for (const t of texts) {
      const want = reference(index, t);
      const got = segmenter.segment(t, 0, t.length, out(), ids);
      assert.deepEqual({ ...got }, want.s, t);
      assert.deepEqual([...ids.subarray(0, Math.min(got.words, ids.length))], want.ids.slice(0, ids.length), t);
    }
    for (const w of vocabulary.slice(0, 2000)) assert.equal(vocabulary[segmenter.indexOf(w)], w);
  });
});
