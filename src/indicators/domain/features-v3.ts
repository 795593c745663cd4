/**
 * Domain features, version domain/3: the domain/2 features (features-v2.ts, unchanged, still computed
 * for the v2 model) followed by how much of the name is dictionary words (word-segment.ts).
 * Why: with only letter shapes and trigrams, a long label of real words (`californiacontractorbonds`)
 * looks like phishing's long keyword strings or a generator's output; the benign long tail is full of
 * such names. Phishing names are words too (`secure-login-verify`), which the keyword and brand
 * features of domain/2 still say; what the segmentation adds is "made of words" versus "made of noise",
 * and, through the word log-odds learned on the training split (word-odds.ts, `wordLogOdds` in
 * assets.json), which words: `transmission` and `repair` against `verify` and `account`.
 * Changing what a feature means, or their order, requires a new version and a retrained model.
 */

import { WORD_SEGMENTER } from './english-words';
import { type DomainFeatureAssets, secondLevelLabel } from './features';
import { DOMAIN_FEATURE_COUNT_2, DOMAIN_FEATURE_NAMES_2, domainFeatures2 } from './features-v2';
import type { DomainName } from './parse';
import { MAX_WORDS } from './word-odds';
import type { Segmentation } from './word-segment';

export { WORD_SEGMENTER };

export const DOMAIN_FEATURES_VERSION_3 = 'domain/3';

export const DOMAIN_FEATURE_NAMES_3 = [
  ...DOMAIN_FEATURE_NAMES_2,
  'sld_word_coverage',
  'sld_uncovered_letters',
  'sld_word_count',
  'sld_longest_word',
  'sub_word_coverage',
  'sld_word_odds_sum',
  'sld_word_odds_max',
  'sld_word_odds_min',
  'sub_word_odds_max',
] as const;

export const DOMAIN_FEATURE_COUNT_3 = DOMAIN_FEATURE_NAMES_3.length;
export type DomainFeatureName3 = (typeof DOMAIN_FEATURE_NAMES_3)[number];

const SEG: Segmentation = { letters: 0, covered: 0, words: 0, longest: 0 };
const IDS = new Int32Array(MAX_WORDS);

/** Writes the domain/3 features of `d` into `out[offset .. offset + DOMAIN_FEATURE_COUNT_3)`. */
export function domainFeatures3(d: DomainName, assets: DomainFeatureAssets, out: Float32Array, offset: number): void {
  const odds = assets.wordLogOdds;
  if (odds === undefined) throw new Error('domain/3 features need wordLogOdds in the model assets (assets.json)');
  domainFeatures2(d, assets, out, offset);
  let i = offset + DOMAIN_FEATURE_COUNT_2;
  const sld = secondLevelLabel(d);
  const s = WORD_SEGMENTER.segment(sld, 0, sld.length, SEG, IDS);
  // -1: no letters to judge (an all-digit label), distinct from "letters, none in words" (0).
  out[i++] = s.letters === 0 ? -1 : s.covered / s.letters;
  out[i++] = s.letters - s.covered;
  out[i++] = s.words;
  out[i++] = s.longest;
  // Word log-odds of the registrable label: 0 (neutral) without words.
  let sum = 0;
  let max = 0;
  let min = 0;
  const n = Math.min(s.words, MAX_WORDS);
  for (let k = 0; k < n; k++) {
    const v = odds[IDS[k] as number] as number;
    sum += v;
    if (k === 0 || v > max) max = v;
    if (k === 0 || v < min) min = v;
  }
  const sub = d.subdomain;
  const t = sub === '' ? undefined : WORD_SEGMENTER.segment(sub, 0, sub.length, SEG, IDS);
  out[i++] = t === undefined || t.letters === 0 ? -1 : t.covered / t.letters;
  out[i++] = sum;
  out[i++] = max;
  out[i++] = min;
  let subMax = 0;
  const m = t === undefined ? 0 : Math.min(t.words, MAX_WORDS);
  for (let k = 0; k < m; k++) {
    const v = odds[IDS[k] as number] as number;
    if (k === 0 || v > subMax) subMax = v;
  }
  out[i++] = subMax;
}
