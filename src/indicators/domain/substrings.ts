/**
 * Which words of a fixed list occur inside a string, in one pass over the string instead of one
 * `includes` per word: words are bucketed by their first two characters, so each position of the text
 * is compared only with the few words that can start there. Names are short (<= 253 characters) and
 * lists are tens of words, which is where this beats a full Aho-Corasick automaton on setup and code.
 */

export interface SubstringIndex {
  /** A word of the list occurring in `text` (the first found scanning left to right), or undefined. */
  first(text: string): string | undefined;
  /** How many distinct words of the list occur in `text`. */
  count(text: string): number;
  /** The first word found (left to right) at a position that `accept(word, at)` agrees to, or undefined. */
  firstWhere(text: string, accept: (word: string, at: number) => boolean): string | undefined;
}

// Bucket of a position: its two characters folded to 7 bits each (names are ASCII after IDNA).
function bucketKey(c0: number, c1: number): number {
  return ((c0 & 127) << 7) | (c1 & 127);
}

/**
 * Whether `word` occurs in `text` at `at` (>= 0), as `text.startsWith(word, at)`, compared by
 * character codes in the loop (a builtin call per candidate was most of a count).
 */
function occursAt(text: string, at: number, word: string): boolean {
  if (at + word.length > text.length) return false;
  for (let k = 0; k < word.length; k++) if (text.charCodeAt(at + k) !== word.charCodeAt(k)) return false;
  return true;
}

export function createSubstringIndex(words: readonly string[]): SubstringIndex {
  const buckets: ({ word: string; id: number }[] | undefined)[] = new Array(128 * 128);
  let minLength = Number.POSITIVE_INFINITY;
  words.forEach((word, id) => {
    if (word.length < 2) throw new Error(`substring index: "${word}" is shorter than 2 characters`);
    const key = bucketKey(word.charCodeAt(0), word.charCodeAt(1));
    const list = buckets[key] ?? [];
    list.push({ word, id });
    buckets[key] = list;
    if (word.length < minLength) minLength = word.length;
  });
  // Generation stamps mark the words already counted in the current call, without clearing a set.
  const stamp = new Uint32Array(words.length);
  let generation = 0;
  return {
    first(text) {
      for (let i = 0; i + minLength <= text.length; i++) {
        const list = buckets[bucketKey(text.charCodeAt(i), text.charCodeAt(i + 1))];
        if (list === undefined) continue;
        for (const { word } of list) if (occursAt(text, i, word)) return word;
      }
      return undefined;
    },
    firstWhere(text, accept) {
      for (let i = 0; i + minLength <= text.length; i++) {
        const list = buckets[bucketKey(text.charCodeAt(i), text.charCodeAt(i + 1))];
        if (list === undefined) continue;
        for (const { word } of list) if (occursAt(text, i, word) && accept(word, i)) return word;
      }
      return undefined;
    },
    count(text) {
      generation = (generation + 1) >>> 0;
      if (generation === 0) {
        stamp.fill(0);
        generation = 1;
      }
      let n = 0;
      for (let i = 0; i + minLength <= text.length; i++) {
        const list = buckets[bucketKey(text.charCodeAt(i), text.charCodeAt(i + 1))];
        if (list === undefined) continue;
        for (const { word, id } of list) {
          if (stamp[id] !== generation && occursAt(text, i, word)) {
            stamp[id] = generation;
            n++;
          }
        }
      }
      return n;
    },
  };
}
