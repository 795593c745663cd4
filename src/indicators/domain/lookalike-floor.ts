/**
 * Which brand lookalikes the served verdict floor acts on. The domain/2 feature `brand_lookalike`
 * (brand-match.ts) is a model input and stays as the models were trained on it; the floor raises a
 * name to suspicious on that feature alone, whatever the model says, so it asks for more. MetaMask's
 * list of legitimate crypto sites (models/domain/README.md, "Lookalike floor") showed the feature
 * matching real projects named like a brand, in two ways a typosquat seldom is:
 * - two edits of a brand of 9 letters: `ethercat`, `etherwan` and `everscan` are all two edits from
 *   `etherscan`. Two edits are a fifth of such a name; the floor takes them only on brands of 10+
 *   letters (`myetherwallet`, `steamcommunity`), where they still leave most of the brand;
 * - a label made of dictionary words: `metamusk`, `metacask`, `openseas`, `eitherscan` are words put
 *   together, one edit from a brand that is words put together too. A typosquat garbles a word of
 *   the brand (`metamsk`, `trezcr`, `uniswsap`) or swaps in a look-alike character (`paypa1`,
 *   `rnetamask`, always raised); a name of whole words is somebody's name.
 */
import { ENGLISH_WORDS, WORD_SEGMENTER } from './english-words';
import { secondLevelLabel, secondLevelLabelUnicode } from './features';
import { BRAND_MATCHER_2 } from './features-v2';
import type { DomainName } from './parse';

/** Shortest brand whose two-edit neighbours are raised. */
const MIN_TWO_EDIT_BRAND = 10;
/** Shortest dictionary word that makes a label "words": 3-letter entries are mostly fragments (`ean`, `mas`, `msk`). */
const MIN_WORD = 4;

// Scratch for madeOfWords: whether the prefix of each length splits into words (labels are at most 63 characters).
const SPLITS = new Uint8Array(64);

/**
 * Whether the floor acts on the name's `brand_lookalike` kind (1 = homoglyphs, 2 = one edit, 3 = two
 * edits; anything else is no lookalike).
 */
export function floorsLookalike(d: DomainName, kind: number): boolean {
  return kind === 1 || ((kind === 2 || kind === 3) && leftToModel(d, kind) === undefined);
}

/**
 * Why the floor leaves a plain-edit lookalike (kind 2 or 3) to the model, in words for its reason;
 * undefined when it raises it.
 */
export function leftToModel(d: DomainName, kind: number): string | undefined {
  const sld = secondLevelLabel(d);
  const look = BRAND_MATCHER_2.lookalike(secondLevelLabelUnicode(d, sld));
  if (look === undefined) return 'no brand matched';
  if (kind === 3 && look.brand.length < MIN_TWO_EDIT_BRAND)
    return `two edits of a brand under ${MIN_TWO_EDIT_BRAND} letters`;
  return !d.hasIdn && madeOfWords(sld) ? 'made of dictionary words' : undefined;
}

/** Whether every hyphen-separated token of `label` splits into dictionary words of MIN_WORD+ letters. */
export function madeOfWords(label: string): boolean {
  let start = 0;
  for (let i = 0; i <= label.length; i++) {
    if (i < label.length && label.charCodeAt(i) !== 45) continue;
    if (!splitsIntoWords(label, start, i)) return false;
    start = i + 1;
  }
  return true;
}

function splitsIntoWords(text: string, from: number, to: number): boolean {
  const n = to - from;
  if (n < MIN_WORD || n >= SPLITS.length) return false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 97 || c > 122) return false;
  }
  SPLITS.fill(0, 0, n + 1);
  SPLITS[0] = 1;
  for (let end = MIN_WORD; end <= n; end++) {
    for (let start = 0; start + MIN_WORD <= end && SPLITS[end] === 0; start++) {
      if (SPLITS[start] === 1 && isWord(text.slice(from + start, from + end))) SPLITS[end] = 1;
    }
  }
  return SPLITS[n] === 1;
}

function isWord(s: string): boolean {
  return ENGLISH_WORDS[WORD_SEGMENTER.indexOf(s)] === s;
}
