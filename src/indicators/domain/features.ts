/**
 * Domain features: the one definition used both to serve and to train (the training exporter calls
 * this same function). Changing what a feature means, or their order, requires a new
 * DOMAIN_FEATURES_VERSION and a retrained model; the server refuses a model whose version differs.
 */

import { KEYWORDS } from './lexicon';
import { embeddedBrand, nearestBrand, tokenBrand } from './lookalike';
import { emptyNgramStats, type NgramModel, scoreNgrams } from './ngram';
import type { DomainName } from './parse';
import { createSubstringIndex } from './substrings';

export const DOMAIN_FEATURES_VERSION = 'domain/1';

export const DOMAIN_FEATURE_NAMES = [
  'name_length',
  'label_count',
  'subdomain_depth',
  'subdomain_length',
  'sld_length',
  'suffix_length',
  'sld_digit_ratio',
  'sld_digit_count',
  'sld_hyphen_count',
  'name_hyphen_count',
  'sld_vowel_ratio',
  'sld_max_consonant_run',
  'sld_max_digit_run',
  'sld_entropy',
  'sld_unique_ratio',
  'sld_ngram_mean_logp',
  'sld_ngram_min_logp',
  'sld_ngram_unseen_ratio',
  'sub_ngram_mean_logp',
  'sub_max_label_length',
  'tld_log_odds',
  'icann_suffix',
  'private_suffix',
  'shared_platform',
  'has_idn',
  'mixed_script',
  'brand_distance',
  'brand_exact_sld',
  'brand_embedded_in_sld',
  'brand_in_subdomain',
  'keyword_count',
  'keyword_in_sld',
  'www_prefix',
  'hex_like_sld',
  'sld_max_repeat_ratio',
  'has_underscore',
  'sld_class_switches',
] as const;

export const DOMAIN_FEATURE_COUNT = DOMAIN_FEATURE_NAMES.length;
export type DomainFeatureName = (typeof DOMAIN_FEATURE_NAMES)[number];

/** Statistics learned from the training split and shipped with the model version. */
export interface DomainFeatureAssets {
  ngram: NgramModel;
  /** Smoothed log-odds of malicious per public suffix's last label (TLD), from the training split. */
  tldLogOdds: ReadonlyMap<string, number>;
  /** Used for TLDs not seen in training. */
  defaultTldLogOdds: number;
  /**
   * domain/3 on: log-odds of malicious per word of the English list (index of ENGLISH_WORDS), from the
   * training split (word-odds.ts). Absent in the assets of older versions.
   */
  wordLogOdds?: Float32Array;
}

const LATIN = /[a-z]/;
// Non-ASCII letters that are not Latin: a label mixing them with Latin letters is a homograph warning sign.
const NON_LATIN_LETTER = /[\u0370-\u03ff\u0400-\u04ff\u0500-\u052f\u0530-\u058f]/;

/** The registrable label without its suffix (`example` in `example.co.uk`); the first label when the name is itself a suffix. */
export function secondLevelLabel(d: DomainName): string {
  if (d.registrableDomain === '') return d.labels[0] ?? '';
  return d.registrableDomain.slice(0, d.registrableDomain.length - d.publicSuffix.length - 1);
}

/** `sld` (the name's `secondLevelLabel`) in its Unicode form, as brand lookalikes are judged. */
export function secondLevelLabelUnicode(d: DomainName, sld: string): string {
  return d.hasIdn ? (d.unicode.split('.')[d.labels.length - d.publicSuffix.split('.').length - 1] ?? sld) : sld;
}

// Scratch character counts for charStats (labels are ASCII after IDNA, at most 63 characters).
const COUNTS = new Int32Array(128);
const USED = new Int32Array(64);

/**
 * `p * Math.log2(p)` for p = n / length at [length * 64 + n], for labels of 1-63 characters: charStats'
 * entropy terms computed once by the same operations, so its sum is the same to the last bit, without
 * a `Math.log2` call per distinct character of every new name.
 */
const ENTROPY_TERMS = new Float64Array(64 * 64);
for (let length = 1; length < 64; length++)
  for (let n = 1; n <= length; n++) {
    const p = n / length;
    ENTROPY_TERMS[length * 64 + n] = p * Math.log2(p);
  }

function isVowel(c: number): boolean {
  return c === 97 || c === 101 || c === 105 || c === 111 || c === 117 || c === 121;
}

/** Character statistics of one label (shared by the domain/1 and domain/2 features). */
export interface CharStats {
  digitRatio: number;
  digits: number;
  hyphens: number;
  vowelRatio: number;
  maxConsRun: number;
  maxDigitRun: number;
  entropy: number;
  uniqueRatio: number;
  maxRepeatRatio: number;
  hex: boolean;
  switches: number;
}

/**
 * Stats to pass to `charStats` as `into`: the features of every new name fill their module's one
 * object rather than allocating one (with its boxed numbers) per name, part of the miss path's garbage.
 */
export function emptyCharStats(): CharStats {
  return {
    digitRatio: 0,
    digits: 0,
    hyphens: 0,
    vowelRatio: 0,
    maxConsRun: 0,
    maxDigitRun: 0,
    entropy: 0,
    uniqueRatio: 0,
    maxRepeatRatio: 0,
    hex: false,
    switches: 0,
  };
}

/** The character statistics of one label, written into `into` (a fresh object unless given) and returned. */
export function charStats(s: string, into: CharStats = emptyCharStats()): CharStats {
  let digits = 0;
  let letters = 0;
  let vowels = 0;
  let hyphens = 0;
  let maxConsRun = 0;
  let consRun = 0;
  let maxDigitRun = 0;
  let digitRun = 0;
  let switches = 0;
  let prevClass = -1;
  let hex = s.length >= 8;
  let distinct = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) & 127;
    if (COUNTS[c] === 0 && distinct < USED.length) USED[distinct++] = c;
    COUNTS[c]!++;
    const isDigit = c >= 48 && c <= 57;
    const isLetter = c >= 97 && c <= 122;
    if (!(isDigit || (c >= 97 && c <= 102))) hex = false;
    if (c === 45) hyphens++;
    if (isDigit) {
      digits++;
      digitRun++;
      if (digitRun > maxDigitRun) maxDigitRun = digitRun;
    } else digitRun = 0;
    if (isLetter) {
      letters++;
      if (isVowel(c)) {
        vowels++;
        consRun = 0;
      } else {
        consRun++;
        if (consRun > maxConsRun) maxConsRun = consRun;
      }
    } else consRun = 0;
    const cls = isDigit ? 1 : isLetter ? 0 : 2;
    if (prevClass !== -1 && cls !== prevClass && cls !== 2 && prevClass !== 2) switches++;
    prevClass = cls;
  }
  let entropy = 0;
  let maxRepeat = 0;
  const tabled = s.length < 64;
  for (let k = 0; k < distinct; k++) {
    const n = COUNTS[USED[k]!]!;
    COUNTS[USED[k]!] = 0;
    if (tabled) entropy -= ENTROPY_TERMS[s.length * 64 + n]!;
    else {
      const p = n / s.length;
      entropy -= p * Math.log2(p);
    }
    if (n > maxRepeat) maxRepeat = n;
  }
  const len = s.length || 1;
  into.digitRatio = digits / len;
  into.digits = digits;
  into.hyphens = hyphens;
  into.vowelRatio = letters === 0 ? 0 : vowels / letters;
  into.maxConsRun = maxConsRun;
  into.maxDigitRun = maxDigitRun;
  into.entropy = entropy;
  into.uniqueRatio = distinct / len;
  into.maxRepeatRatio = maxRepeat / len;
  into.hex = hex;
  into.switches = switches;
  return into;
}

const KEYWORD_INDEX = createSubstringIndex(KEYWORDS);

function countKeywords(s: string): number {
  return KEYWORD_INDEX.count(s);
}

function countChar(s: string, code: number): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === code) n++;
  return n;
}

// Scratch stats of the label being featurised (one name at a time; see emptyCharStats).
const SLD_CHARS = emptyCharStats();
const SLD_NGRAMS = emptyNgramStats();
const SUB_NGRAMS = emptyNgramStats();

/** Writes the features of `d` into `out[offset .. offset + DOMAIN_FEATURE_COUNT)`. */
export function domainFeatures(d: DomainName, assets: DomainFeatureAssets, out: Float32Array, offset: number): void {
  const sld = secondLevelLabel(d);
  const sub = d.subdomain;
  const s = charStats(sld, SLD_CHARS);
  const ng = scoreNgrams(assets.ngram, sld, false, SLD_NGRAMS);
  let subMaxLabel = 0;
  for (let i = 0, start = 0; i <= sub.length; i++) {
    if (i === sub.length || sub.charCodeAt(i) === 46) {
      if (i - start > subMaxLabel) subMaxLabel = i - start;
      start = i + 1;
    }
  }
  const subNg = sub === '' ? 0 : scoreNgrams(assets.ngram, sub, true, SUB_NGRAMS).meanLogProb;
  const tld = d.labels[d.labels.length - 1] as string;
  const tldLogOdds = assets.tldLogOdds.get(tld) ?? assets.defaultTldLogOdds;

  // Homographs are judged on the Unicode form of the registrable label.
  const sldUnicode = secondLevelLabelUnicode(d, sld);
  const mixed = d.hasIdn && LATIN.test(sldUnicode) && NON_LATIN_LETTER.test(sldUnicode);
  const near = nearestBrand(sldUnicode);
  const brandExact = near !== undefined && near.distance === 0;
  const embedded = brandExact ? undefined : embeddedBrand(sld);
  const subBrand = sub === '' ? undefined : (embeddedBrand(sub) ?? tokenBrand(sub));

  let i = offset;
  out[i++] = d.ascii.length;
  out[i++] = d.labels.length;
  out[i++] = d.subdomainDepth;
  out[i++] = sub.length;
  out[i++] = sld.length;
  out[i++] = d.publicSuffix.length;
  out[i++] = s.digitRatio;
  out[i++] = s.digits;
  out[i++] = s.hyphens;
  out[i++] = countChar(d.ascii, 45);
  out[i++] = s.vowelRatio;
  out[i++] = s.maxConsRun;
  out[i++] = s.maxDigitRun;
  out[i++] = s.entropy;
  out[i++] = s.uniqueRatio;
  out[i++] = ng.meanLogProb;
  out[i++] = ng.minLogProb;
  out[i++] = ng.unseenRatio;
  out[i++] = subNg;
  out[i++] = subMaxLabel;
  out[i++] = tldLogOdds;
  out[i++] = d.icannSuffix ? 1 : 0;
  out[i++] = d.privateSuffix ? 1 : 0;
  out[i++] = d.sharedHostingPlatform ? 1 : 0;
  out[i++] = d.hasIdn ? 1 : 0;
  out[i++] = mixed ? 1 : 0;
  out[i++] = near === undefined ? 3 : near.distance;
  out[i++] = brandExact ? 1 : 0;
  out[i++] = embedded === undefined ? 0 : 1;
  out[i++] = subBrand !== undefined && subBrand !== sld ? 1 : 0;
  out[i++] = countKeywords(d.ascii);
  out[i++] = countKeywords(sld) > 0 ? 1 : 0;
  out[i++] = d.labels[0] === 'www' ? 1 : 0;
  out[i++] = s.hex ? 1 : 0;
  out[i++] = s.maxRepeatRatio;
  out[i++] = d.ascii.includes('_') ? 1 : 0;
  out[i++] = s.switches;
}
