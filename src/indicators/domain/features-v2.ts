/**
 * Domain features, version domain/2: what changed from domain/1 (features.ts, which still serves the
 * models trained on it) and why.
 * - No raw length or label count of the whole name (`name_length`, `label_count`, `subdomain_length`):
 *   with popular names as the only benign examples they had come to mean "long or deep = malicious"
 *   (`btrfs.wiki.kernel.org` 1.000). The registrable label's own shape and trigram statistics stay.
 * - Brands matched precisely (brand-match.ts) over brands.txt plus crypto-brands.txt; crypto scam
 *   vocabulary (crypto-words.txt); dynamic-DNS and tunnel hosts (dynamic-dns.txt); service words put
 *   in the registrable label, as C2 and fake-update names do (tech-words.txt); the subdomain's digits
 *   (machine-made infrastructure labels are digit-heavy, phishing subdomains are words).
 * Changing what a feature means, or their order, requires a new version and a retrained model.
 */
import { createBrandMatcher } from './brand-match';
import {
  charStats,
  type DomainFeatureAssets,
  emptyCharStats,
  secondLevelLabel,
  secondLevelLabelUnicode,
} from './features';
import { BRANDS, KEYWORDS, loadWordList } from './lexicon';
import { emptyNgramStats, scoreNgrams } from './ngram';
import type { DomainName } from './parse';
import { createSubstringIndex } from './substrings';

export const DOMAIN_FEATURES_VERSION_2 = 'domain/2';

export const DOMAIN_FEATURE_NAMES_2 = [
  'sld_length',
  'subdomain_depth',
  'sub_max_label_length',
  'sub_digit_ratio',
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
  'tld_log_odds',
  'icann_suffix',
  'private_suffix',
  'shared_platform',
  'dynamic_dns',
  'has_idn',
  'mixed_script',
  'brand_lookalike',
  'brand_exact_sld',
  'brand_in_sld',
  'brand_in_subdomain',
  'crypto_brand_in_name',
  'crypto_word_count',
  'keyword_count',
  'keyword_in_sld',
  'tech_word_in_sld',
  'www_prefix',
  'hex_like_sld',
  'sld_max_repeat_ratio',
  'has_underscore',
  'sld_class_switches',
] as const;

export const DOMAIN_FEATURE_COUNT_2 = DOMAIN_FEATURE_NAMES_2.length;
export type DomainFeatureName2 = (typeof DOMAIN_FEATURE_NAMES_2)[number];

export const CRYPTO_BRANDS: readonly string[] = loadWordList('crypto-brands.txt');
const COMMON_WORD_BRANDS = loadWordList('common-word-brands.txt');
/** Brands of domain/2: the phishing brands of domain/1 and the crypto ones. */
export const BRANDS_2: readonly string[] = [...new Set([...BRANDS, ...CRYPTO_BRANDS])];
export const BRAND_MATCHER_2 = createBrandMatcher(BRANDS_2, COMMON_WORD_BRANDS);
const CRYPTO_SET: ReadonlySet<string> = new Set(CRYPTO_BRANDS);

const CRYPTO_WORDS = loadWordList('crypto-words.txt');
const CRYPTO_LONG = createSubstringIndex(CRYPTO_WORDS.filter((w) => w.length >= 5));
const CRYPTO_SHORT: ReadonlySet<string> = new Set(CRYPTO_WORDS.filter((w) => w.length < 5));
// The short words by `tokenKey`, so a token of a name is looked up without cutting a string out of it.
const CRYPTO_SHORT_KEYS: ReadonlySet<number> = new Set(
  [...CRYPTO_SHORT].map((w) => tokenKey(w, 0, w.length)).filter((k) => k >= 0),
);

/** `s[start, end)` (at most 4 characters) as one number: its length and 7 bits a character; -1 if not ASCII. */
function tokenKey(s: string, start: number, end: number): number {
  let k = end - start;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) return -1;
    k = (k << 7) | c;
  }
  return k;
}
const KEYWORD_INDEX = createSubstringIndex(KEYWORDS);
const TECH_WORDS = createSubstringIndex(loadWordList('tech-words.txt'));
const DYNAMIC_DNS: ReadonlySet<string> = new Set(loadWordList('dynamic-dns.txt'));

/**
 * Whether `d` is a host under a dynamic-DNS or tunnel service: the service is the name's public suffix
 * (most are Public Suffix List private entries, e.g. duckdns.org) or its registrable domain.
 */
export function isDynamicDns(d: DomainName): boolean {
  if (d.registrableDomain === '') return false; // the service's own name
  return DYNAMIC_DNS.has(d.publicSuffix) || (d.subdomain !== '' && DYNAMIC_DNS.has(d.registrableDomain));
}

/** Crypto scam words in the name: long ones anywhere, short ones as whole tokens. */
export function cryptoWordCount(ascii: string): number {
  let n = CRYPTO_LONG.count(ascii);
  let start = 0;
  for (let i = 0; i <= ascii.length; i++) {
    const c = i < ascii.length ? ascii.charCodeAt(i) : 46;
    if (c === 46 || c === 45 || c === 95 || (c >= 48 && c <= 57)) {
      if (i - start >= 2 && i - start < 5) {
        const key = tokenKey(ascii, start, i);
        if (key >= 0 ? CRYPTO_SHORT_KEYS.has(key) : CRYPTO_SHORT.has(ascii.slice(start, i))) n++;
      }
      start = i + 1;
    }
  }
  return n;
}

const LATIN = /[a-z]/;
const NON_LATIN_LETTER = /[\u0370-\u03ff\u0400-\u04ff\u0500-\u052f\u0530-\u058f]/;

// Scratch stats of the label being featurised (one name at a time; see emptyCharStats).
const SLD_CHARS = emptyCharStats();
const SLD_NGRAMS = emptyNgramStats();
const SUB_NGRAMS = emptyNgramStats();

/** Writes the domain/2 features of `d` into `out[offset .. offset + DOMAIN_FEATURE_COUNT_2)`. */
export function domainFeatures2(d: DomainName, assets: DomainFeatureAssets, out: Float32Array, offset: number): void {
  const sld = secondLevelLabel(d);
  const sub = d.subdomain;
  const s = charStats(sld, SLD_CHARS);
  const ng = scoreNgrams(assets.ngram, sld, false, SLD_NGRAMS);
  let subMaxLabel = 0;
  let subDigits = 0;
  for (let i = 0, start = 0; i <= sub.length; i++) {
    const c = i < sub.length ? sub.charCodeAt(i) : 46;
    if (c >= 48 && c <= 57) subDigits++;
    if (c === 46) {
      if (i - start > subMaxLabel) subMaxLabel = i - start;
      start = i + 1;
    }
  }
  const subNg = sub === '' ? 0 : scoreNgrams(assets.ngram, sub, true, SUB_NGRAMS).meanLogProb;
  const tld = d.labels[d.labels.length - 1] as string;

  const sldUnicode = secondLevelLabelUnicode(d, sld);
  const mixed = d.hasIdn && LATIN.test(sldUnicode) && NON_LATIN_LETTER.test(sldUnicode);
  const look = BRAND_MATCHER_2.lookalike(sldUnicode);
  const exact = look !== undefined && look.kind === 0;
  const inSld = exact ? undefined : BRAND_MATCHER_2.named(sld);
  const inSub = sub === '' ? undefined : BRAND_MATCHER_2.named(sub);
  // A crypto brand named in the name, or imitated by it (not the brand's own registrable label).
  const crypto =
    (inSld !== undefined && CRYPTO_SET.has(inSld)) ||
    (inSub !== undefined && inSub !== sld && CRYPTO_SET.has(inSub)) ||
    (look !== undefined && look.kind > 0 && CRYPTO_SET.has(look.brand));

  let i = offset;
  out[i++] = sld.length;
  out[i++] = d.subdomainDepth;
  out[i++] = subMaxLabel;
  out[i++] = sub.length === 0 ? 0 : subDigits / sub.length;
  out[i++] = d.publicSuffix.length;
  out[i++] = s.digitRatio;
  out[i++] = s.digits;
  out[i++] = s.hyphens;
  out[i++] = countHyphens(d.ascii);
  out[i++] = s.vowelRatio;
  out[i++] = s.maxConsRun;
  out[i++] = s.maxDigitRun;
  out[i++] = s.entropy;
  out[i++] = s.uniqueRatio;
  out[i++] = ng.meanLogProb;
  out[i++] = ng.minLogProb;
  out[i++] = ng.unseenRatio;
  out[i++] = subNg;
  out[i++] = assets.tldLogOdds.get(tld) ?? assets.defaultTldLogOdds;
  out[i++] = d.icannSuffix ? 1 : 0;
  out[i++] = d.privateSuffix ? 1 : 0;
  out[i++] = d.sharedHostingPlatform ? 1 : 0;
  out[i++] = isDynamicDns(d) ? 1 : 0;
  out[i++] = d.hasIdn ? 1 : 0;
  out[i++] = mixed ? 1 : 0;
  out[i++] = look === undefined ? 4 : look.kind;
  out[i++] = exact ? 1 : 0;
  out[i++] = inSld === undefined ? 0 : 1;
  out[i++] = inSub !== undefined && inSub !== sld ? 1 : 0;
  out[i++] = crypto ? 1 : 0;
  out[i++] = cryptoWordCount(d.ascii);
  out[i++] = KEYWORD_INDEX.count(d.ascii);
  out[i++] = KEYWORD_INDEX.first(sld) === undefined ? 0 : 1;
  out[i++] = TECH_WORDS.count(sld);
  out[i++] = d.labels[0] === 'www' ? 1 : 0;
  out[i++] = s.hex ? 1 : 0;
  out[i++] = s.maxRepeatRatio;
  out[i++] = d.ascii.includes('_') ? 1 : 0;
  out[i++] = s.switches;
}

function countHyphens(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 45) n++;
  return n;
}
