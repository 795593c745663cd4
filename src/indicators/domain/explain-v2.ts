/**
 * Human reasons for a domain/2 score, read off its features (explain.ts does the same for domain/1):
 * which brand and how it is imitated, which scam words, why it looks generated or disposable.
 */
import { fixed2 } from '../fixed-text';
import type { ReasonSink } from '../types';
import { secondLevelLabel, secondLevelLabelUnicode } from './features';
import {
  BRAND_MATCHER_2,
  CRYPTO_BRANDS,
  DOMAIN_FEATURE_NAMES_2,
  type DomainFeatureName2,
  isDynamicDns,
} from './features-v2';
import { KEYWORDS } from './lexicon';
import { leftToModel } from './lookalike-floor';
import type { DomainName } from './parse';

// Column indices as constants: `row[INDEX[name]]` with a different name at one site was a megamorphic
// keyed load, ~1% of a worker's time for new domain names (src/bench/README.md).
const INDEX = Object.fromEntries(DOMAIN_FEATURE_NAMES_2.map((n, i) => [n, i])) as Record<DomainFeatureName2, number>;
const LOOKALIKE = INDEX.brand_lookalike;
const MIXED_SCRIPT = INDEX.mixed_script;
const BRAND_IN_SLD = INDEX.brand_in_sld;
const BRAND_IN_SUBDOMAIN = INDEX.brand_in_subdomain;
const CRYPTO_BRAND = INDEX.crypto_brand_in_name;
const CRYPTO_WORDS = INDEX.crypto_word_count;
const KEYWORD_COUNT = INDEX.keyword_count;
const NGRAM_MEAN = INDEX.sld_ngram_mean_logp;
const TLD_LOG_ODDS = INDEX.tld_log_odds;
const GENERATED_LOGP = -3.4;
const HOW = ['', 'homoglyphs or digit swaps', 'one edit', 'two edits'];

/** What a SHARED_HOSTING reason says was judged against platform thresholds, for a domain name. */
export const DOMAIN_SUBJECT = 'a customer site without lure words';

/** A feature of the row by column (a module function: a closure over the row was made per explained name). */
function at(row: Float32Array, column: number): number {
  return row[column] as number;
}

/**
 * Appends the reasons to `into` and returns it. `raised`: the score reaches the suspicious threshold
 * that applies to this name. Reasons that say what pushes a score up without naming anything in the
 * name (the TLD) are given only then: a .io name the model scores 0.02 is not "risky" for its TLD.
 * `platform`: the version's thresholds for platform customer sites when they apply to this name
 * (src/indicators/domain/platform-slice.ts); the SHARED_HOSTING reason then says the verdict used them,
 * and of what (`subject`: the URL pipeline's slice also reads the path and the file).
 */
export function explainDomain2<S extends ReasonSink>(
  d: DomainName,
  row: Float32Array,
  raised: boolean,
  platform: { suspicious: number; malicious: number } | undefined,
  subject: string,
  into: S,
): S {
  const reasons = into;
  const sld = secondLevelLabel(d);
  const kind = at(row, LOOKALIKE);
  if (kind >= 1 && kind <= 3) {
    const look = BRAND_MATCHER_2.lookalike(secondLevelLabelUnicode(d, sld));
    // A lookalike the verdict floor leaves to the model says so (lookalike-floor.ts).
    const left = kind === 1 ? undefined : leftToModel(d, kind);
    if (look !== undefined)
      reasons.push({
        code: 'BRAND_LOOKALIKE',
        message:
          left === undefined
            ? `"${sld}" imitates the brand "${look.brand}" (${HOW[kind]})`
            : `"${sld}" is ${HOW[kind]} from the brand "${look.brand}", but ${left}: not raised on that alone`,
        weight: 0,
      });
  }
  if (at(row, MIXED_SCRIPT) === 1)
    reasons.push({
      code: 'IDN_HOMOGLYPH',
      message: `the name mixes Latin and non-Latin letters (${d.unicode})`,
      weight: 0,
    });
  if (at(row, BRAND_IN_SLD) === 1)
    reasons.push({
      code: 'BRAND_EMBEDDED',
      message: `"${sld}" contains the brand "${BRAND_MATCHER_2.named(sld)}" but is not its domain`,
      weight: 0,
    });
  if (at(row, BRAND_IN_SUBDOMAIN) === 1)
    reasons.push({
      code: 'BRAND_IN_SUBDOMAIN',
      message: `the subdomain names "${BRAND_MATCHER_2.named(d.subdomain)}" but the registrable domain is ${d.registrableDomain}`,
      weight: 0,
    });
  if (at(row, CRYPTO_BRAND) === 1 || at(row, CRYPTO_WORDS) > 0) {
    const brand = CRYPTO_BRANDS.find((b) => d.ascii.includes(b));
    reasons.push({
      code: 'SUSPICIOUS_KEYWORDS',
      message: `crypto ${brand === undefined ? 'scam vocabulary' : `brand "${brand}"`} in the name`,
      weight: 0,
    });
  }
  if (at(row, KEYWORD_COUNT) > 0)
    reasons.push({
      code: 'SUSPICIOUS_KEYWORDS',
      message: `phishing keywords in the name: ${KEYWORDS.filter((k) => d.ascii.includes(k)).join(', ')}`,
      weight: 0,
    });
  if (at(row, NGRAM_MEAN) < GENERATED_LOGP && sld.length >= 8)
    reasons.push({
      code: 'ALGORITHMIC_LOOK',
      message: `"${sld}" is improbable for a human-chosen name (mean trigram log-probability ${fixed2(at(row, NGRAM_MEAN))})`,
      weight: 0,
    });
  if (raised && at(row, TLD_LOG_ODDS) > 1)
    reasons.push({
      code: 'RISKY_TLD',
      message: `.${d.labels[d.labels.length - 1]} is over-represented among malicious names in training`,
      weight: 0,
    });
  if (isDynamicDns(d))
    reasons.push({
      code: 'SHARED_HOSTING',
      message: `a dynamic-DNS or tunnel name (${d.registrableDomain}): anyone can point it at their own machine`,
      weight: 0,
    });
  // A platform's own name (github.io itself) is not hosted under the platform: it is the platform.
  else if ((d.sharedHostingPlatform || d.privateSuffix) && !d.platformOwn)
    reasons.push({
      code: 'SHARED_HOSTING',
      message:
        `hosted under ${d.privateSuffix ? d.publicSuffix : d.registrableDomain}, which gives subdomains to anyone: its reputation does not apply` +
        (platform === undefined
          ? ''
          : `; ${subject}, judged against this version's thresholds for platform customer sites (suspicious ${platform.suspicious.toFixed(4)}, malicious ${platform.malicious.toFixed(4)})`),
      weight: 0,
    });
  return into;
}
