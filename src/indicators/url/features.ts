/**
 * URL features: the one definition used both to serve and to train (src/training/export-url.ts calls
 * this same function). The host's features are the domain model's own (`domainFeatures`, written at
 * offset 0 under `host_` names), so the host of a URL and the same name sent as a domain are read
 * alike; the rest describe what the URL adds: address tricks, path and query shape, tokens, brands.
 *
 * The scheme is deliberately not a feature: in the training data https tracks the year a list was
 * made, not phishing (shared/data caveat 3). URL_FEATURES_VERSION embeds DOMAIN_FEATURES_VERSION, so
 * a change to the domain features invalidates URL models visibly.
 */
import {
  DOMAIN_FEATURE_COUNT,
  DOMAIN_FEATURE_NAMES,
  DOMAIN_FEATURES_VERSION,
  type DomainFeatureAssets,
  domainFeatures,
  secondLevelLabel,
} from '../domain/features';
import { BRANDS } from '../domain/lexicon';
import { createSubstringIndex } from '../domain/substrings';
import type { CanonicalUrl } from './canonicalize';
import { type ExtensionClass, extensionClass, fileExtension } from './extension';
import { PATH_TOKENS, SHORTENERS } from './lists';
import { type NgramLlrTable, summariseInto } from './ngram-llr';
import { userContentEntry } from './user-content';

export const URL_FEATURES_VERSION = `url/1+${DOMAIN_FEATURES_VERSION}`;

const OWN_NAMES = [
  'ip_literal_host',
  'explicit_port',
  'userinfo',
  'url_length',
  'path_length',
  'path_depth',
  'path_max_segment_length',
  'path_is_root',
  'query_length',
  'query_param_count',
  'ext_php',
  'ext_html',
  'ext_server_script',
  'ext_executable',
  'ext_archive',
  'ext_document',
  'ext_image',
  'ext_other',
  'suspicious_token_count',
  'wordpress_path',
  'php_count',
  'at_in_path_or_query',
  'embedded_url',
  'domain_name_in_path',
  'brand_in_path',
  'encoded_char_count',
  'path_entropy',
  'path_digit_ratio',
  'path_upper_count',
  'path_hyphen_count',
  'path_dot_count',
  'path_longest_token',
  'hex_token',
  'tilde_in_path',
  'email_in_query',
  'shortener_host',
  'user_content_host',
  'ngram_host_llr_mean',
  'ngram_path_llr_mean',
  'ngram_path_llr_max',
  'ngram_path_llr_min',
] as const;

export const URL_OWN_FEATURE_NAMES: readonly UrlOwnFeatureName[] = OWN_NAMES;
export const URL_FEATURE_NAMES: readonly string[] = [...DOMAIN_FEATURE_NAMES.map((n) => `host_${n}`), ...OWN_NAMES];
export const URL_FEATURE_COUNT = URL_FEATURE_NAMES.length;
/** Where the URL's own features start in a row (the host's domain features come first). */
export const URL_OWN_OFFSET = DOMAIN_FEATURE_COUNT;
export type UrlOwnFeatureName = (typeof OWN_NAMES)[number];

/** Statistics learned from the URL training split, shipped as models/url/<v>/assets.json. */
export interface UrlFeatureAssets {
  /** Domain feature assets learned from the URL training split's host names. */
  host: DomainFeatureAssets;
  /** Hashed character n-gram weights (naive-Bayes log-likelihood ratios), see ngram-llr.ts. */
  ngram: NgramLlrTable;
}

const EXT_CLASSES: readonly ExtensionClass[] = [
  'php',
  'html',
  'server_script',
  'executable',
  'archive',
  'document',
  'image',
  'other',
];
// A host-like token inside the path (`/login.alibaba.com/`, `/www.paypal.com-secure/`): a common TLD
// after a dot, checked for two name characters before it by hand (a leading `[a-z0-9-]{2,}` in the
// pattern would make the scan quadratic on long tokens).
const TLD_IN_PATH = /\.(?:com|net|org|info|biz|co|io|gov|edu|uk|de|fr|br|ru)(?=[./?&=\-_]|$)/g;

// The scans below read what regular expressions read before (each named in its comment; a test
// compares them on random texts): one pass each, no match arrays. A case-insensitive regular
// expression without the `u` flag matches an ASCII letter only with an ASCII letter, so `lower`
// folds A-Z alone.
function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function isHex(c: number): boolean {
  const l = lower(c);
  return (l >= 48 && l <= 57) || (l >= 97 && l <= 102);
}

/**
 * Matches of `/https?:\/|www\./gi` in `s`, counted as a global `exec` loop counts them. No character
 * past the end is read: `charCodeAt` there is NaN, and a read out of bounds deoptimises the scan
 * into code that handles NaN (2-3x slower).
 */
export function countEmbeddedUrls(s: string): number {
  let n = 0;
  let i = 0;
  const len = s.length;
  while (i + 3 < len) {
    const c = lower(s.charCodeAt(i));
    if (
      c === 104 &&
      lower(s.charCodeAt(i + 1)) === 116 &&
      lower(s.charCodeAt(i + 2)) === 116 &&
      lower(s.charCodeAt(i + 3)) === 112
    ) {
      const j = i + 4 < len && lower(s.charCodeAt(i + 4)) === 115 ? i + 5 : i + 4;
      if (j + 1 < len && s.charCodeAt(j) === 58 && s.charCodeAt(j + 1) === 47) {
        n++;
        i = j + 2;
        continue;
      }
    } else if (
      c === 119 &&
      lower(s.charCodeAt(i + 1)) === 119 &&
      lower(s.charCodeAt(i + 2)) === 119 &&
      s.charCodeAt(i + 3) === 46
    ) {
      n++;
      i += 4;
      continue;
    }
    i++;
  }
  return n;
}

/** Matches of `/%[0-9a-f]{2}/gi` in `s`, counted as a global `exec` loop counts them. */
export function countEscapes(s: string): number {
  let n = 0;
  for (let i = 0; i + 2 < s.length; i++) {
    if (s.charCodeAt(i) === 37 && isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2))) {
      n++;
      i += 2;
    }
  }
  return n;
}

/** `/[0-9a-f]{16,}/i.test(s)`. */
export function hasHexRun(s: string): boolean {
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    if (!isHex(s.charCodeAt(i))) run = 0;
    else if (++run >= 16) return true;
  }
  return false;
}

function isEmailLocal(c: number): boolean {
  const l = lower(c);
  return (l >= 97 && l <= 122) || (l >= 48 && l <= 57) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
}

function isEmailName(c: number): boolean {
  const l = lower(c);
  return (l >= 97 && l <= 122) || (l >= 48 && l <= 57) || c === 45;
}

/**
 * `/[a-z0-9._%+-]+(?:@|%40)[a-z0-9-]+\.[a-z0-9.-]+/i.test(s)`: an `@` (or `%40`) after a local-part
 * character, then name characters up to a dot, then a name character or a dot. (`[a-z0-9-]+` cannot
 * take a dot, so the dot is the first character after the run.)
 */
export function hasEmail(s: string): boolean {
  for (let at = s.indexOf('@'); at !== -1; at = s.indexOf('@', at + 1)) if (emailAround(s, at, at + 1)) return true;
  for (let at = s.indexOf('%40'); at !== -1; at = s.indexOf('%40', at + 1)) if (emailAround(s, at, at + 3)) return true;
  return false;
}

function emailAround(s: string, at: number, after: number): boolean {
  if (at === 0 || !isEmailLocal(s.charCodeAt(at - 1))) return false;
  let j = after;
  while (j < s.length && isEmailName(s.charCodeAt(j))) j++;
  // No read past the end (see countEmbeddedUrls): a dot and one more character are needed.
  if (j === after || j + 1 >= s.length || s.charCodeAt(j) !== 46) return false;
  const c = s.charCodeAt(j + 1);
  return isEmailName(c) || c === 46;
}

/** Occurrences of `.php` in the lower-cased `s` (it cannot overlap itself), as `/\.php/g` counts them. */
function countPhp(s: string): number {
  let n = 0;
  for (let i = s.indexOf('.php'); i !== -1; i = s.indexOf('.php', i + 4)) n++;
  return n;
}

/** Non-empty `&`-separated parts of the query, as `query.split('&').filter((p) => p !== '').length`. */
function countParams(query: string): number {
  let n = 0;
  let start = 0;
  for (let i = 0; i <= query.length; i++) {
    if (i === query.length || query.charCodeAt(i) === 38) {
      if (i > start) n++;
      start = i + 1;
    }
  }
  return n;
}

// Counts of the ASCII characters of the text `entropy` is reading; zero between calls.
const ASCII_COUNTS = new Int32Array(128);

/**
 * Shannon entropy of the characters of `s`, in bits. An ASCII text is counted in a module table
 * rather than a Map (one Map per URL, grown entry by entry, was ~1.4 kB of a new URL's ~6 kB of
 * garbage; src/bench/README.md), and its terms are summed in the same order as the Map gave them, the
 * order of each character's first occurrence, so the sum is the same double.
 */
function entropy(s: string): number {
  if (s.length === 0) return 0;
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) {
      ascii = false;
      break;
    }
    ASCII_COUNTS[c]!++;
  }
  if (ascii) {
    let e = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      const n = ASCII_COUNTS[c] as number;
      if (n === 0) continue; // not its first occurrence
      ASCII_COUNTS[c] = 0;
      const p = n / s.length;
      e -= p * Math.log2(p);
    }
    return e;
  }
  // Not ASCII: the table is emptied of what the first loop counted, and a Map counts.
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) break;
    ASCII_COUNTS[c] = 0;
  }
  const freq = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    freq.set(c, (freq.get(c) ?? 0) + 1);
  }
  let e = 0;
  for (const n of freq.values()) {
    const p = n / s.length;
    e -= p * Math.log2(p);
  }
  return e;
}

interface PathStats {
  digits: number;
  upper: number;
  hyphens: number;
  dots: number;
  longestToken: number;
  maxSegment: number;
  depth: number;
}

// The one PathStats object, overwritten by every call (read before the next).
const PATH_STATS: PathStats = { digits: 0, upper: 0, hyphens: 0, dots: 0, longestToken: 0, maxSegment: 0, depth: 0 };

function pathStats(path: string): PathStats {
  const st = PATH_STATS;
  st.digits = 0;
  st.upper = 0;
  st.hyphens = 0;
  st.dots = 0;
  st.longestToken = 0;
  st.maxSegment = 0;
  st.depth = 0;
  let token = 0;
  let segment = 0;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    const digit = c >= 48 && c <= 57;
    const upper = c >= 65 && c <= 90;
    const lower = c >= 97 && c <= 122;
    if (digit) st.digits++;
    if (upper) st.upper++;
    if (c === 45) st.hyphens++;
    if (c === 46) st.dots++;
    token = digit || upper || lower ? token + 1 : 0;
    if (token > st.longestToken) st.longestToken = token;
    if (c === 47) {
      if (segment > 0) st.depth++;
      segment = 0;
    } else {
      segment++;
      if (segment > st.maxSegment) st.maxSegment = segment;
    }
  }
  if (segment > 0) st.depth++;
  return st;
}

function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45;
}

function countDomainNames(lower: string): number {
  TLD_IN_PATH.lastIndex = 0;
  let n = 0;
  for (let m = TLD_IN_PATH.exec(lower); m !== null; m = TLD_IN_PATH.exec(lower)) {
    if (m.index >= 2 && isNameChar(lower.charCodeAt(m.index - 1)) && isNameChar(lower.charCodeAt(m.index - 2))) n++;
  }
  return n;
}

// The path tokens found in one pass (createSubstringIndex: tokens bucketed by their first two
// characters) instead of one `includes` per token.
const PATH_TOKEN_INDEX = createSubstringIndex(PATH_TOKENS);

/** How many of PATH_TOKENS occur in `s`, as `PATH_TOKENS.filter((t) => s.includes(t)).length`. */
export function countTokens(s: string): number {
  return PATH_TOKEN_INDEX.count(s);
}

// Brands of 5+ letters anywhere in the text (as embeddedBrand), shorter ones as whole tokens (as
// tokenBrand): one pass each instead of one `includes` per brand.
const LONG_BRAND = new RegExp(
  BRANDS.filter((b) => b.length >= 5)
    .map((b) => b.replace(/[-]/g, '\\-'))
    .join('|'),
);
// The short brands by their letters packed into a number (7 bits a character, at most 4 characters);
// a token is looked up the same way, without slicing it out of the text.
const SHORT_BRANDS = new Map<number, string>();
for (const b of BRANDS) if (b.length < 5 && /^[a-z0-9]+$/.test(b)) SHORT_BRANDS.set(packShort(b, 0, b.length), b);

function packShort(s: string, from: number, to: number): number {
  let k = 0;
  for (let i = from; i < to; i++) k = k * 128 + s.charCodeAt(i);
  return k;
}

/**
 * The first token of `pathLower` that is a short brand, where tokens are what
 * `pathLower.split(/[^a-z0-9-]+|-/)` gives: the runs of `[a-z0-9]` (a short brand has no `-`).
 */
function shortBrandToken(pathLower: string): string | undefined {
  let start = 0;
  for (let i = 0; i <= pathLower.length; i++) {
    const c = i < pathLower.length ? pathLower.charCodeAt(i) : 0;
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) continue;
    if (i - start > 0 && i - start < 5) {
      const b = SHORT_BRANDS.get(packShort(pathLower, start, i));
      if (b !== undefined) return b;
    }
    start = i + 1;
  }
  return undefined;
}

/** A brand named in the path or query (lower-cased) that is not the host's own registrable label. */
export function pathBrand(u: CanonicalUrl, pathLower: string): string | undefined {
  const b = LONG_BRAND.exec(pathLower)?.[0] ?? shortBrandToken(pathLower);
  if (b === undefined) return undefined;
  const own = u.domain === undefined ? '' : secondLevelLabel(u.domain);
  return b === own ? undefined : b;
}

/**
 * The path and query as one string (`/a/b?x=1`), what path features and path n-grams read. The
 * canonical URL ends with them: its tail is taken (a slice of a flat string) when it is them, rather
 * than a concatenation, whose every `charCodeAt` in the scans below went through the concatenation
 * (the URL's own features took ~40% less CPU with the slice, src/bench/README.md).
 */
export function pathQuery(u: CanonicalUrl): string {
  if (u.query === '') return u.path;
  const url = u.url;
  const from = url.length - u.path.length - 1 - u.query.length;
  if (from >= 0 && url.startsWith(u.path, from) && url.charCodeAt(from + u.path.length) === 63 && url.endsWith(u.query))
    return url.slice(from);
  return `${u.path}?${u.query}`;
}

const ZERO_HOST = new Float32Array(DOMAIN_FEATURE_COUNT);
// The n-gram summary of the part being read (mean, max, min).
const LLR = new Float64Array(3);

/** Writes the features of `u` into `out[offset .. offset + URL_FEATURE_COUNT)`. */
export function urlFeatures(u: CanonicalUrl, assets: UrlFeatureAssets, out: Float32Array, offset: number): void {
  // An IP-literal host has no name to describe: its domain features are all 0 and ip_literal_host says why.
  if (u.domain !== undefined) domainFeatures(u.domain, assets.host, out, offset);
  else out.set(ZERO_HOST, offset);
  urlOwnFeatures(u, assets, out, offset + URL_OWN_OFFSET);
}

/**
 * Writes the URL's own features (OWN_NAMES, what the URL adds to its host) from `out[at]` on; shared by
 * every URL features version, whichever domain features describe the host.
 */
export function urlOwnFeatures(u: CanonicalUrl, assets: UrlFeatureAssets, out: Float32Array, at: number): void {
  const path = u.path;
  const query = u.query;
  const pq = pathQuery(u);
  const pqLower = pq.toLowerCase();
  const ps = pathStats(path);
  const ext = extensionClass(fileExtension(path));
  // The canonical URL keeps a port only when it is not the scheme's default; it starts with
  // `scheme://host` (canonicalizeUrl), so a kept port's `:` is the character after them.
  const portKept = u.url.charCodeAt(u.scheme.length + 3 + u.host.length) === 58;
  const hostAndRest = u.url.length - u.scheme.length - 3;
  const regdom = u.domain?.registrableDomain ?? '';

  let i = at;
  out[i++] = u.hostKind === 'domain' ? 0 : 1;
  out[i++] = portKept ? 1 : 0;
  out[i++] = u.hadUserinfo ? 1 : 0;
  out[i++] = hostAndRest;
  out[i++] = path.length;
  out[i++] = ps.depth;
  out[i++] = ps.maxSegment;
  out[i++] = path === '/' && query === '' ? 1 : 0;
  out[i++] = query.length;
  out[i++] = countParams(query);
  for (const c of EXT_CLASSES) out[i++] = ext === c ? 1 : 0;
  out[i++] = countTokens(pqLower);
  out[i++] =
    pqLower.includes('/wp-content') || pqLower.includes('/wp-admin') || pqLower.includes('/wp-includes') ? 1 : 0;
  out[i++] = countPhp(pqLower);
  out[i++] = pq.includes('@') ? 1 : 0;
  out[i++] = countEmbeddedUrls(pq);
  out[i++] = countDomainNames(pqLower);
  out[i++] = pathBrand(u, pqLower) === undefined ? 0 : 1;
  out[i++] = countEscapes(pq);
  out[i++] = entropy(pq);
  out[i++] = path.length <= 1 ? 0 : ps.digits / path.length;
  out[i++] = ps.upper;
  out[i++] = ps.hyphens;
  out[i++] = ps.dots;
  out[i++] = ps.longestToken;
  out[i++] = hasHexRun(pq) ? 1 : 0;
  out[i++] = path.includes('~') ? 1 : 0;
  out[i++] = hasEmail(query) ? 1 : 0;
  out[i++] = SHORTENERS.has(regdom) || SHORTENERS.has(u.host) ? 1 : 0;
  out[i++] = u.hostKind === 'domain' && userContentEntry(u.host, path) !== undefined ? 1 : 0;
  summariseInto(assets.ngram, u.host, 'host', LLR);
  out[i++] = LLR[0] as number;
  summariseInto(assets.ngram, pq, 'path', LLR);
  out[i++] = LLR[0] as number;
  out[i++] = LLR[1] as number;
  out[i++] = LLR[2] as number;
}

/** Index of a URL-own feature in a row. */
export function urlFeatureIndex(name: UrlOwnFeatureName): number {
  return URL_OWN_OFFSET + OWN_NAMES.indexOf(name);
}
