/**
 * How much of a label is made of dictionary words (domain/3 features). Benign long names are mostly
 * words run together (`themetaphysiciansofbutterflies`, `californiacontractorbonds`); generated names
 * are not, and a model that sees only letters and trigrams reads any 25-letter label as suspicious.
 *
 * Each run of letters a-z is segmented by dynamic programming: the fewest letters left outside words,
 * then the fewest words. Words are looked up in a trie walked from each position, so a label costs
 * about (letters x longest match) array steps and allocates nothing.
 */

export interface Segmentation {
  /** Letters a-z in the text. */
  letters: number;
  /** Letters inside dictionary words of the best segmentation. */
  covered: number;
  /** Words in the best segmentation. */
  words: number;
  /** Length of its longest word (0 without words). */
  longest: number;
}

export interface WordSegmenter {
  /**
   * Segments `text[from, to)` into `out` (overwritten). Characters other than a-z separate runs. With
   * `ids`, the index (in the list the segmenter was made from) of each word of the segmentation is
   * written to `ids[0 .. out.words)`, at most `ids.length` of them.
   */
  segment(text: string, from: number, to: number, out: Segmentation, ids?: Int32Array): Segmentation;
  /** Index of `word` in the list, or -1. */
  indexOf(word: string): number;
}

const MAX_TEXT = 256; // DNS names are <= 253 characters
const A = 97;
/** A node's mask bit for "a word ends here" (bits 0-25 are its children's letters). */
const END = 1 << 26;
/** One uncovered letter in a cost (see `cost` below); a word adds 1. */
const UNCOVERED = 1 << 9;
const NONE = 0x3fffffff;

/** Set bits of a 32-bit integer. */
function bitCount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  v = (v + (v >>> 4)) & 0x0f0f0f0f;
  return Math.imul(v, 0x01010101) >>> 24;
}

function isLetter(c: number): boolean {
  return c >= A && c <= 122;
}

export function createWordSegmenter(words: readonly string[]): WordSegmenter {
  // Trie as first-child / next-sibling arrays, children in ascending order (a lookup stops at a larger
  // letter), built in place: a trie of objects first cost every thread that loads this module ~50 MB
  // of heap per word list (40k words, a Map per node), which V8 kept after the build.
  let cap = 1024;
  let firstChild = new Int32Array(cap).fill(-1);
  let nextSibling = new Int32Array(cap).fill(-1);
  let char = new Uint8Array(cap);
  let end = new Uint8Array(cap);
  let wordIndex = new Int32Array(cap).fill(-1);
  let count = 1;
  function grow(): void {
    cap *= 2;
    const ints = (a: Int32Array, fill: number) => {
      const b = new Int32Array(cap).fill(fill);
      b.set(a);
      return b;
    };
    const bytes = (a: Uint8Array) => {
      const b = new Uint8Array(cap);
      b.set(a);
      return b;
    };
    firstChild = ints(firstChild, -1);
    nextSibling = ints(nextSibling, -1);
    char = bytes(char);
    end = bytes(end);
    wordIndex = ints(wordIndex, -1);
  }
  for (const [index, w] of words.entries()) {
    let n = 0;
    for (let i = 0; i < w.length; i++) {
      const c = w.charCodeAt(i);
      if (!isLetter(c)) throw new Error(`word segmenter: "${w}" has a character outside a-z`);
      let prev = -1;
      let k = firstChild[n] as number;
      while (k !== -1 && (char[k] as number) < c) {
        prev = k;
        k = nextSibling[k] as number;
      }
      if (k === -1 || char[k] !== c) {
        if (count === cap) grow();
        const kid = count++;
        char[kid] = c;
        nextSibling[kid] = k;
        if (prev === -1) firstChild[n] = kid;
        else nextSibling[prev] = kid;
        k = kid;
      }
      n = k;
    }
    if (end[n] === 0) wordIndex[n] = index;
    end[n] = 1;
  }
  // The search structure: nodes renumbered breadth first, so a node's children get consecutive ids
  // from `base[node]` in letter order, and one 32-bit mask per node with bit c set when it has a child
  // for letter a + c, bit END when a word ends there. A step of the walk is then one test of the mask
  // (most walks end on a missing child) and, for a present child, its rank among the node's children
  // (a popcount) added to the base: two loads, no scan of sibling lists (the first-child/next-sibling
  // walk with dense rows for wide nodes cost ~10% of a worker's time for new domain names,
  // src/bench/README.md).
  const order = new Int32Array(count);
  const renamed = new Int32Array(count);
  let tail = 1;
  for (let h = 0; h < tail; h++)
    for (let k = firstChild[order[h] as number] as number; k !== -1; k = nextSibling[k] as number) {
      renamed[k] = tail;
      order[tail++] = k;
    }
  const mask = new Int32Array(count);
  const base = new Int32Array(count);
  const wordOf = new Int32Array(count);
  for (let h = 0; h < count; h++) {
    const old = order[h] as number;
    let m = end[old] === 1 ? END : 0;
    for (let k = firstChild[old] as number; k !== -1; k = nextSibling[k] as number) m |= 1 << ((char[k] as number) - A);
    mask[h] = m;
    const first = firstChild[old] as number;
    base[h] = first === -1 ? 0 : (renamed[first] as number);
    wordOf[h] = wordIndex[old] as number;
  }

  /** The child of `node` for letter `a + c` (c in 0..25), or -1. */
  function child(node: number, c: number): number {
    const m = mask[node] as number;
    const bit = 1 << c;
    return (m & bit) === 0 ? -1 : (base[node] as number) + bitCount(m & (bit - 1));
  }

  // Per position of a run: the cost of the best segmentation of its prefix, (uncovered letters << 9)
  // + words, so one integer comparison orders (fewest uncovered, then fewest words) as the pair did;
  // a run has at most MAX_TEXT (< 512) words. And the start of its last step (negative: the step was
  // one uncovered letter), and the trie node of the word that ends it (when it is a word).
  const cost = new Int32Array(MAX_TEXT + 1);
  const back = new Int32Array(MAX_TEXT + 1);
  const backNode = new Int32Array(MAX_TEXT + 1);
  // The run's letters as 0..25, read once rather than by every walk that passes over them.
  const codes = new Uint8Array(MAX_TEXT);

  function segmentRun(text: string, from: number, n: number, out: Segmentation, ids: Int32Array | undefined): void {
    for (let k = 0; k < n; k++) codes[k] = text.charCodeAt(from + k) - A;
    cost[0] = 0;
    for (let i = 1; i <= n; i++) cost[i] = NONE;
    for (let a = 0; a < n; a++) {
      const ca = cost[a] as number;
      if (ca + UNCOVERED < (cost[a + 1] as number)) {
        cost[a + 1] = ca + UNCOVERED;
        back[a + 1] = -1 - a;
      }
      // Ties keep the earlier step, as before: words are tried from the shortest.
      const withWord = ca + 1;
      let node = 0;
      let m = mask[0] as number;
      for (let b = a; b < n; b++) {
        const bit = 1 << (codes[b] as number);
        if ((m & bit) === 0) break;
        node = (base[node] as number) + bitCount(m & (bit - 1));
        m = mask[node] as number;
        if ((m & END) !== 0 && withWord < (cost[b + 1] as number)) {
          cost[b + 1] = withWord;
          back[b + 1] = a;
          backNode[b + 1] = node;
        }
      }
    }
    const best = cost[n] as number;
    out.letters += n;
    out.covered += n - (best >>> 9);
    const first = out.words;
    out.words += best & 511;
    // Walked back from the end: the run's words fill ids[first .. out.words) from the last one.
    let w = out.words;
    for (let k = n; k > 0; ) {
      const s = back[k] as number;
      if (s >= 0) {
        if (k - s > out.longest) out.longest = k - s;
        if (ids !== undefined && --w < ids.length && w >= first) ids[w] = wordOf[backNode[k] as number] as number;
        k = s;
      } else k = -1 - s;
    }
  }

  return {
    indexOf(word) {
      let node = 0;
      for (let i = 0; i < word.length && node !== -1; i++) {
        const c = word.charCodeAt(i);
        node = isLetter(c) ? child(node, c - A) : -1;
      }
      return node <= 0 ? -1 : (wordOf[node] as number);
    },
    segment(text, from, to, out, ids) {
      out.letters = 0;
      out.covered = 0;
      out.words = 0;
      out.longest = 0;
      let i = from;
      const stop = Math.min(to, from + MAX_TEXT);
      while (i < stop) {
        if (!isLetter(text.charCodeAt(i))) {
          i++;
          continue;
        }
        let j = i + 1;
        while (j < stop && isLetter(text.charCodeAt(j))) j++;
        segmentRun(text, i, j - i, out, ids);
        i = j;
      }
      return out;
    },
  };
}
