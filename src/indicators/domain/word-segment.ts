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
/** Trie nodes with at least this many children are looked up in a table rather than scanned. */
const DENSE_CHILDREN = 6;
const A = 97;

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
  // The root's children by letter, and their children by two letters: every position starts there,
  // and the second letter's sibling list is the longest the walk scans (up to 26 nodes; ~10% of a
  // worker's time for new domain names went to segmenting, src/bench/README.md).
  const rootKid = new Int32Array(26).fill(-1);
  const pairKid = new Int32Array(26 * 26).fill(-1);
  for (let k = firstChild[0] as number; k !== -1; k = nextSibling[k] as number) {
    const c0 = (char[k] as number) - A;
    rootKid[c0] = k;
    for (let j = firstChild[k] as number; j !== -1; j = nextSibling[j] as number)
      pairKid[c0 * 26 + (char[j] as number) - A] = j;
  }

  // Deeper nodes with many children get a dense row of 26 as well (their sibling lists are the long
  // scans left); the rest keep the scan, which stops within a few siblings.
  const denseRow = new Int32Array(count).fill(-1);
  let rows = 0;
  for (let n = 0; n < count; n++) {
    let kids = 0;
    for (let k = firstChild[n] as number; k !== -1; k = nextSibling[k] as number) kids++;
    if (kids >= DENSE_CHILDREN) denseRow[n] = rows++;
  }
  const dense = new Int32Array(rows * 26).fill(-1);
  for (let n = 0; n < count; n++) {
    const row = denseRow[n] as number;
    if (row >= 0)
      for (let k = firstChild[n] as number; k !== -1; k = nextSibling[k] as number)
        dense[row * 26 + (char[k] as number) - A] = k;
  }

  function child(node: number, c: number): number {
    const row = denseRow[node] as number;
    if (row >= 0) return dense[row * 26 + c - A] as number;
    for (let k = firstChild[node] as number; k !== -1; k = nextSibling[k] as number) {
      const kc = char[k] as number;
      if (kc === c) return k;
      if (kc > c) return -1;
    }
    return -1;
  }

  // Per position of a run: (uncovered letters, words) of the best segmentation of its prefix, and the
  // start of its last step (negative: the step was one uncovered letter).
  const uncovered = new Int32Array(MAX_TEXT + 1);
  const nWords = new Int32Array(MAX_TEXT + 1);
  const back = new Int32Array(MAX_TEXT + 1);
  // The trie node of the word that ends the last step (when it is a word).
  const backNode = new Int32Array(MAX_TEXT + 1);

  function better(u: number, w: number, at: number): boolean {
    const bu = uncovered[at] as number;
    return u < bu || (u === bu && w < (nWords[at] as number));
  }

  function segmentRun(text: string, from: number, n: number, out: Segmentation, ids: Int32Array | undefined): void {
    uncovered[0] = 0;
    nWords[0] = 0;
    for (let i = 1; i <= n; i++) uncovered[i] = 0x3fffffff;
    for (let a = 0; a < n; a++) {
      const u = uncovered[a] as number;
      const w = nWords[a] as number;
      if (better(u + 1, w, a + 1)) {
        uncovered[a + 1] = u + 1;
        nWords[a + 1] = w;
        back[a + 1] = -1 - a;
      }
      const c0 = text.charCodeAt(from + a) - A;
      let node = rootKid[c0] as number;
      for (let b = a; node !== -1; ) {
        if (end[node] === 1 && better(u, w + 1, b + 1)) {
          uncovered[b + 1] = u;
          nWords[b + 1] = w + 1;
          back[b + 1] = a;
          backNode[b + 1] = node;
        }
        if (++b >= n) break;
        const c = text.charCodeAt(from + b);
        node = b === a + 1 ? (pairKid[c0 * 26 + c - A] as number) : child(node, c);
      }
    }
    out.letters += n;
    out.covered += n - (uncovered[n] as number);
    const first = out.words;
    out.words += nWords[n] as number;
    // Walked back from the end: the run's words fill ids[first .. out.words) from the last one.
    let w = out.words;
    for (let k = n; k > 0; ) {
      const s = back[k] as number;
      if (s >= 0) {
        if (k - s > out.longest) out.longest = k - s;
        if (ids !== undefined && --w < ids.length && w >= first) ids[w] = wordIndex[backNode[k] as number] as number;
        k = s;
      } else k = -1 - s;
    }
  }

  return {
    indexOf(word) {
      let node = 0;
      for (let i = 0; i < word.length && node !== -1; i++) {
        const c = word.charCodeAt(i);
        node = isLetter(c) ? child(node, c) : -1;
      }
      return node <= 0 ? -1 : (wordIndex[node] as number);
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
