/**
 * Domain features, version domain/5: the domain/4 columns unchanged (v3 and v4 are fed exactly what
 * they were trained on), then two counts of crypto scam vocabulary that domain/4's lists do not know.
 * Why: on MetaMask's crypto phishing list (never trained on by v3/v4) most missed names carry the name
 * of a crypto project, exchange or coin outside crypto-brands.txt (`idex`, `hitbtc`, `polkastarter`,
 * `xrp`) or the words of celebrity giveaways and token sales (`elon`, `musk`, `tesla`, `tokensale`).
 * The lists (`crypto-projects.txt`, `giveaway-words.txt`) were chosen from the list's older positions
 * only and checked against the benign sources (domain card, "Version 5 candidate").
 * Changing what a feature means, or their order, requires a new version and a retrained model.
 */

import { type DomainFeatureAssets, secondLevelLabel } from './features';
import { DOMAIN_FEATURE_COUNT_4, DOMAIN_FEATURE_NAMES_4, domainFeatures4 } from './features-v4';
import { loadWordList } from './lexicon';
import type { DomainName } from './parse';
import { createSubstringIndex } from './substrings';

export const DOMAIN_FEATURES_VERSION_5 = 'domain/5';

export const DOMAIN_FEATURE_NAMES_5 = [
  ...DOMAIN_FEATURE_NAMES_4,
  'crypto_project_count',
  'giveaway_word_count',
] as const;

export const DOMAIN_FEATURE_COUNT_5 = DOMAIN_FEATURE_NAMES_5.length;

/**
 * Counts the words of a list in a name as crypto_word_count does: words of 5+ letters anywhere (distinct
 * words), shorter ones as whole tokens (between dots, hyphens, underscores or digits), each occurrence.
 */
export function createWordCounter(words: readonly string[]): (ascii: string) => number {
  const long = createSubstringIndex(words.filter((w) => w.length >= 5));
  const short: ReadonlySet<string> = new Set(words.filter((w) => w.length < 5));
  return (ascii) => {
    let n = long.count(ascii);
    let start = 0;
    for (let i = 0; i <= ascii.length; i++) {
      const c = i < ascii.length ? ascii.charCodeAt(i) : 46;
      if (c === 46 || c === 45 || c === 95 || (c >= 48 && c <= 57)) {
        if (i - start >= 2 && i - start < 5 && short.has(ascii.slice(start, i))) n++;
        start = i + 1;
      }
    }
    return n;
  };
}

export const CRYPTO_PROJECTS: readonly string[] = loadWordList('crypto-projects.txt');
export const GIVEAWAY_WORDS: readonly string[] = loadWordList('giveaway-words.txt');
const cryptoProjectCount = createWordCounter(CRYPTO_PROJECTS);
const giveawayWordCount = createWordCounter(GIVEAWAY_WORDS);

const CRYPTO_PROJECT_SET: ReadonlySet<string> = new Set(CRYPTO_PROJECTS);

/** Writes the domain/5 features of `d` into `out[offset .. offset + DOMAIN_FEATURE_COUNT_5)`. */
export function domainFeatures5(d: DomainName, assets: DomainFeatureAssets, out: Float32Array, offset: number): void {
  domainFeatures4(d, assets, out, offset);
  let i = offset + DOMAIN_FEATURE_COUNT_4;
  // A project's own registrable label does not count (`mycrypto.com`, `beta.mycrypto.com` are the
  // project itself), as a brand's own name is not a lookalike of it.
  out[i++] = cryptoProjectCount(d.ascii) - (CRYPTO_PROJECT_SET.has(secondLevelLabel(d)) ? 1 : 0);
  out[i++] = giveawayWordCount(d.ascii);
}
