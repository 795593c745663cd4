/**
 * Brand matching of the domain/2 features: lookalikes precise enough to act on. The domain/1 rule
 * (lookalike.ts, kept as it was for the models trained on it) matched any label within two edits of a
 * brand, so `email` and `hmail` read as `gmail` and `intu` as `intuit`. Here:
 * - a homoglyph or digit swap (`paypa1`, `g00gle`, `rnicrosoft`) matches any brand of 4+ letters;
 * - a plain edit matches only brands of 6+ letters (one edit) or 9+ (two), keeps the brand's first
 *   letter (typosquats keep it; `email`/`hmail` do not), and never a brand that is an ordinary word;
 * - a brand inside a longer label counts when it starts or ends a hyphen/digit-separated token
 *   (`paypal-login`, `secure-coinbase`, `metamaskwallet`), or is the whole token for short brands.
 */
import { boundedDistance, skeleton } from './lookalike';
import { createSubstringIndex } from './substrings';

export interface BrandMatcher {
  /** The brand `label` imitates and how: 0 = it is the brand, 1 = homoglyphs, 2 = one edit, 3 = two. */
  lookalike(label: string): { brand: string; kind: number } | undefined;
  /** A brand inside `text` (dot-separated labels) at a token edge, or as a whole token; undefined if none. */
  named(text: string): string | undefined;
}

const MIN_EDIT_ONE = 6;
const MIN_EDIT_TWO = 9;
const MIN_HOMOGLYPH = 4;
const MIN_EMBEDDED = 5;

function charMask(s: string): number {
  let m = 0;
  for (let i = 0; i < s.length; i++) m |= 1 << (s.charCodeAt(i) & 31);
  return m;
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

function isTokenBreak(c: number): boolean {
  return c === 46 || c === 45 || c === 95 || (c >= 48 && c <= 57) || Number.isNaN(c);
}

export function createBrandMatcher(brands: readonly string[], commonWords: readonly string[]): BrandMatcher {
  const common = new Set(commonWords);
  const all = new Set(brands);
  // Edit-distance candidates by (length, first letter): ordinary-word brands and short ones never are.
  // An array by key rather than a Map: up to ten lookups per label (~1% of a worker's time per new
  // domain went to the Map's hashing).
  let longest = 0;
  for (const b of brands) if (!common.has(b) && b.length >= MIN_EDIT_ONE) longest = Math.max(longest, b.length);
  const candidates: ({ brand: string; mask: number }[] | undefined)[] = new Array((longest + 1) << 7).fill(undefined);
  for (const b of brands) {
    if (common.has(b) || b.length < MIN_EDIT_ONE) continue;
    const key = (b.length << 7) | (b.charCodeAt(0) & 127);
    const list = candidates[key] ?? [];
    list.push({ brand: b, mask: charMask(b) });
    candidates[key] = list;
  }
  // The first two characters of every brand (7 bits each): a token that starts otherwise is no brand,
  // and is not cut out of the name to be looked up (most tokens of most names).
  const brandStarts = new Uint8Array(128 * 128);
  for (const b of all) if (b.length >= 2) brandStarts[((b.charCodeAt(0) & 127) << 7) | (b.charCodeAt(1) & 127)] = 1;
  const mayBeBrand = (text: string, start: number, end: number) => {
    if (end - start < 2) return true;
    const c0 = text.charCodeAt(start);
    const c1 = text.charCodeAt(start + 1);
    return c0 >= 128 || c1 >= 128 || brandStarts[(c0 << 7) | c1] === 1;
  };
  const embeddable = createSubstringIndex(brands.filter((b) => b.length >= MIN_EMBEDDED && !common.has(b)));
  let scanned = '';
  const atEdge = (b: string, at: number) =>
    isTokenBreak(scanned.charCodeAt(at - 1)) || isTokenBreak(scanned.charCodeAt(at + b.length));

  function lookalike(label: string): { brand: string; kind: number } | undefined {
    if (all.has(label)) return { brand: label, kind: 0 };
    const sk = skeleton(label);
    if (sk !== label && sk.length >= MIN_HOMOGLYPH && all.has(sk)) return { brand: sk, kind: 1 };
    if (sk.length < MIN_EDIT_ONE - 1) return undefined;
    const mask = charMask(sk);
    const first = sk.charCodeAt(0) & 127;
    for (let d = 1; d <= 2; d++) {
      const minLen = d === 1 ? MIN_EDIT_ONE : MIN_EDIT_TWO;
      for (let len = Math.max(minLen, sk.length - d), top = Math.min(sk.length + d, longest); len <= top; len++) {
        const list = candidates[(len << 7) | first];
        if (list === undefined) continue;
        for (const { brand: b, mask: bm } of list) {
          // Each edit adds or removes at most one distinct character: a cheap bound before the distance.
          if (popcount(mask & ~bm) > d || popcount(bm & ~mask) > d) continue;
          if (boundedDistance(sk, b, d) <= d) return { brand: b, kind: d + 1 };
        }
      }
    }
    return undefined;
  }

  function named(text: string): string | undefined {
    // Whole tokens first (any brand, short ones included), then brands at a token edge.
    let start = 0;
    for (let i = 0; i <= text.length; i++) {
      if (i < text.length && !isTokenBreak(text.charCodeAt(i))) continue;
      if (i > start && mayBeBrand(text, start, i) && all.has(text.slice(start, i))) return text.slice(start, i);
      start = i + 1;
    }
    scanned = text;
    return embeddable.firstWhere(text, atEdge);
  }

  return { lookalike, named };
}
