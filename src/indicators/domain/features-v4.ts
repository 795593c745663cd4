/**
 * Domain features, version domain/4: the domain/2 columns unchanged (v2 is fed exactly what it was
 * trained on), then what the registrable label is made of, from word lists only, never from the
 * labelled training data.
 * Why: long benign names are ordinary words run together (`themetaphysiciansofbutterflies`,
 * `californiacontractorbonds`); long phishing names are lure words (brands, `secure`, `verify`,
 * `wallet`, `claim`), digits and misspellings; generated names are neither. domain/3's word log-odds
 * learned which words phishing uses from the feeds themselves, so they knew only words seen on both
 * sides and did nothing for a long-tail name, which is new by definition. Here the English list
 * (`english-words.txt`, wordsegment 1.3.1, Apache-2.0) says "ordinary word", the curated brand, keyword
 * and crypto lists say "lure word", and the segmenter knows both, so `paypal` and `metamask` are one
 * lure word rather than `pay` + `pal`.
 * Columns: domain/3's five coverage columns (same meaning, over the extended vocabulary), then the
 * share of the label's letters in ordinary (non-lure) words and the number of lure words.
 * Changing what a feature means, or their order, requires a new version and a retrained model.
 */

import { ENGLISH_WORDS } from './english-words';
import { type DomainFeatureAssets, secondLevelLabel } from './features';
import { CRYPTO_BRANDS, DOMAIN_FEATURE_COUNT_2, DOMAIN_FEATURE_NAMES_2, domainFeatures2 } from './features-v2';
import { BRANDS, KEYWORDS, loadWordList } from './lexicon';
import type { DomainName } from './parse';
import { createWordSegmenter, type Segmentation } from './word-segment';

export const DOMAIN_FEATURES_VERSION_4 = 'domain/4';

export const DOMAIN_FEATURE_NAMES_4 = [
  ...DOMAIN_FEATURE_NAMES_2,
  'sld_word_coverage',
  'sld_uncovered_letters',
  'sld_word_count',
  'sld_longest_word',
  'sub_word_coverage',
  'sld_plain_word_share',
  'sld_lure_word_count',
] as const;

export const DOMAIN_FEATURE_COUNT_4 = DOMAIN_FEATURE_NAMES_4.length;
export type DomainFeatureName4 = (typeof DOMAIN_FEATURE_NAMES_4)[number];

const ONLY_LETTERS = /^[a-z]+$/;

/** Brands, phishing keywords and crypto scam words: what a lure is made of (a-z words of 3+ letters). */
export const LURE_WORDS: readonly string[] = [
  ...new Set([...BRANDS, ...CRYPTO_BRANDS, ...KEYWORDS, ...loadWordList('crypto-words.txt')]),
]
  .filter((w) => w.length >= 3 && ONLY_LETTERS.test(w))
  .sort();

const VOCABULARY = [...ENGLISH_WORDS, ...LURE_WORDS];
const SEGMENTER = createWordSegmenter(VOCABULARY);
/** 1 at the list index of a lure word (an English word that is also a lure counts as a lure). */
const IS_LURE = new Uint8Array(VOCABULARY.length);
for (const w of LURE_WORDS) IS_LURE[SEGMENTER.indexOf(w)] = 1;

const SEG: Segmentation = { letters: 0, covered: 0, words: 0, longest: 0 };
const MAX_IDS = 64;
const IDS = new Int32Array(MAX_IDS);

/** Writes the domain/4 features of `d` into `out[offset .. offset + DOMAIN_FEATURE_COUNT_4)`. */
export function domainFeatures4(d: DomainName, assets: DomainFeatureAssets, out: Float32Array, offset: number): void {
  domainFeatures2(d, assets, out, offset);
  let i = offset + DOMAIN_FEATURE_COUNT_2;
  const sld = secondLevelLabel(d);
  const s = SEGMENTER.segment(sld, 0, sld.length, SEG, IDS);
  const letters = s.letters;
  const covered = s.covered;
  const words = s.words;
  const longest = s.longest;
  let lure = 0;
  let lureLetters = 0;
  for (let k = 0, n = Math.min(words, MAX_IDS); k < n; k++) {
    const id = IDS[k] as number;
    if (IS_LURE[id] === 1) {
      lure++;
      lureLetters += (VOCABULARY[id] as string).length;
    }
  }
  // -1: no letters to judge (an all-digit label), distinct from "letters, none in words" (0).
  out[i++] = letters === 0 ? -1 : covered / letters;
  out[i++] = letters - covered;
  out[i++] = words;
  out[i++] = longest;
  const sub = d.subdomain;
  const t = sub === '' ? undefined : SEGMENTER.segment(sub, 0, sub.length, SEG);
  out[i++] = t === undefined || t.letters === 0 ? -1 : t.covered / t.letters;
  out[i++] = letters === 0 ? -1 : (covered - lureLetters) / letters;
  out[i++] = lure;
}
