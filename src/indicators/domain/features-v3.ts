/**
 * Domain features, version domain/3: the domain/2 features (features-v2.ts, unchanged, still computed
 * for the v2 model) followed by how much of the name is dictionary words (word-segment.ts).
 * Why: with only letter shapes and trigrams, a long label of real words (`californiacontractorbonds`)
 * looks like phishing's long keyword strings or a generator's output; the benign long tail is full of
 * such names. Phishing names are words too (`secure-login-verify`), which the keyword and brand
 * features of domain/2 still say; what the segmentation adds is "made of words" versus "made of noise".
 * Changing what a feature means, or their order, requires a new version and a retrained model.
 */
import { type DomainFeatureAssets, secondLevelLabel } from './features';
import { DOMAIN_FEATURE_COUNT_2, DOMAIN_FEATURE_NAMES_2, domainFeatures2 } from './features-v2';
import { loadWordList } from './lexicon';
import type { DomainName } from './parse';
import { createWordSegmenter, type Segmentation } from './word-segment';

export const DOMAIN_FEATURES_VERSION_3 = 'domain/3';

export const DOMAIN_FEATURE_NAMES_3 = [
  ...DOMAIN_FEATURE_NAMES_2,
  'sld_word_coverage',
  'sld_uncovered_letters',
  'sld_word_count',
  'sld_longest_word',
  'sub_word_coverage',
] as const;

export const DOMAIN_FEATURE_COUNT_3 = DOMAIN_FEATURE_NAMES_3.length;
export type DomainFeatureName3 = (typeof DOMAIN_FEATURE_NAMES_3)[number];

/** English words (data/english-words.txt, see its header for origin and licence). */
export const WORD_SEGMENTER = createWordSegmenter(loadWordList('english-words.txt'));

const SEG: Segmentation = { letters: 0, covered: 0, words: 0, longest: 0 };

/** Writes the domain/3 features of `d` into `out[offset .. offset + DOMAIN_FEATURE_COUNT_3)`. */
export function domainFeatures3(d: DomainName, assets: DomainFeatureAssets, out: Float32Array, offset: number): void {
  domainFeatures2(d, assets, out, offset);
  let i = offset + DOMAIN_FEATURE_COUNT_2;
  const sld = secondLevelLabel(d);
  const s = WORD_SEGMENTER.segment(sld, 0, sld.length, SEG);
  // -1: no letters to judge (an all-digit label), distinct from "letters, none in words" (0).
  out[i++] = s.letters === 0 ? -1 : s.covered / s.letters;
  out[i++] = s.letters - s.covered;
  out[i++] = s.words;
  out[i++] = s.longest;
  const sub = d.subdomain;
  const t = sub === '' ? undefined : WORD_SEGMENTER.segment(sub, 0, sub.length, SEG);
  out[i++] = t === undefined || t.letters === 0 ? -1 : t.covered / t.letters;
}
