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
  // Each bucket is a chain through the word ids: head[key] is its first word, next[id] the one after
  // (-1 ends it), in list order. Typed arrays, not an array of objects per bucket: a position's
  // candidates are read without a property load or a bounds-checked object per word.
  const head = new Int32Array(128 * 128).fill(-1);
  const next = new Int32Array(words.length).fill(-1);
  let minLength = Number.POSITIVE_INFINITY;
  for (let id = words.length - 1; id >= 0; id--) {
    const word = words[id] as string;
    if (word.length < 2) throw new Error(`substring index: "${word}" is shorter than 2 characters`);
    const key = bucketKey(word.charCodeAt(0), word.charCodeAt(1));
    next[id] = head[key] as number;
    head[key] = id;
    if (word.length < minLength) minLength = word.length;
  }
  // Generation stamps mark the words already counted in the current call, without clearing a set.
  const stamp = new Uint32Array(words.length);
  let generation = 0;
  return {
    first(text) {
      for (let i = 0; i + minLength <= text.length; i++) {
        const key = bucketKey(text.charCodeAt(i), text.charCodeAt(i + 1));
        for (let id = head[key] as number; id >= 0; id = next[id] as number) {
          if (occursAt(text, i, words[id] as string)) return words[id];
        }
      }
      return undefined;
    },
    firstWhere(text, accept) {
      for (let i = 0; i + minLength <= text.length; i++) {
        const key = bucketKey(text.charCodeAt(i), text.charCodeAt(i + 1));
        for (let id = head[key] as number; id >= 0; id = next[id] as number) {
          const word = words[id] as string;
          if (occursAt(text, i, word) && accept(word, i)) return word;
        }
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
      // Each character read once: the position's second character is the next one's first.
      let c1 = text.length > 0 ? text.charCodeAt(0) : 0;
      for (let i = 0; i + minLength <= text.length; i++) {
        const c0 = c1;
        c1 = text.charCodeAt(i + 1);
        for (let id = head[bucketKey(c0, c1)] as number; id >= 0; id = next[id] as number) {
          if (stamp[id] !== generation && occursAt(text, i, words[id] as string)) {
            stamp[id] = generation;
            n++;
          }
        }
      }
      return n;
    },
  };
}
