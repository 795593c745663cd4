/**
 * Brand lookalikes: homoglyph skeletons (Unicode confusables and digit swaps folded to Latin letters)
 * compared with brand names by a bounded Damerau-Levenshtein distance, plus brand names embedded in
 * other words or in subdomains of someone else's registrable domain.
 */
import { BRANDS } from './lexicon';
import { createSubstringIndex } from './substrings';

// Visually confusable characters folded to the Latin letter they imitate (Unicode TR39 confusables,
// the subset seen in IDN phishing: Cyrillic, Greek, Latin variants), and the digit swaps of ASCII spoofs.
const CONFUSABLES: Record<string, string> = {
  а: 'a',
  е: 'e',
  о: 'o',
  р: 'p',
  с: 'c',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  һ: 'h',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ɡ: 'g',
  ո: 'n',
  ս: 'u',
  ν: 'v',
  ο: 'o',
  α: 'a',
  ρ: 'p',
  τ: 't',
  κ: 'k',
  ι: 'i',
  ε: 'e',
  в: 'b',
  м: 'm',
  н: 'h',
  т: 't',
  к: 'k',
  ӏ: 'l',
  ı: 'i',
  ł: 'l',
  ø: 'o',
  ö: 'o',
  ó: 'o',
  ò: 'o',
  ô: 'o',
  õ: 'o',
  á: 'a',
  à: 'a',
  â: 'a',
  ä: 'a',
  ã: 'a',
  å: 'a',
  é: 'e',
  è: 'e',
  ê: 'e',
  ë: 'e',
  í: 'i',
  ì: 'i',
  î: 'i',
  ï: 'i',
  ú: 'u',
  ù: 'u',
  û: 'u',
  ü: 'u',
  ç: 'c',
  ñ: 'n',
  ý: 'y',
  ÿ: 'y',
  ß: 'b',
  '0': 'o',
  '1': 'l',
  '3': 'e',
  '5': 's',
  '@': 'a',
};

// ASCII folds (digit swaps, '@'), by character code; 0 where the character stays as it is.
const ASCII_FOLD = new Uint8Array(128);
for (const [from, to] of Object.entries(CONFUSABLES))
  if (from.charCodeAt(0) < 128) ASCII_FOLD[from.charCodeAt(0)] = to.charCodeAt(0);
// Scratch for an ASCII label's skeleton (labels are at most 63 characters).
const SKELETON = Buffer.alloc(64);

/** The Latin skeleton of a label: confusables folded, `rn` read as `m`, `vv` as `w`, hyphens dropped. */
export function skeleton(label: string): string {
  if (!needsFolding(label)) return label;
  return asciiSkeleton(label) ?? foldedSkeleton(label);
}

/**
 * The skeleton of an ASCII label, made in a scratch buffer and read out once: the same string as
 * `foldedSkeleton`, without a string per character (most names that need folding are ASCII ones with
 * digits or hyphens, and this ran for every new name). Undefined for a label it does not handle.
 */
function asciiSkeleton(label: string): string | undefined {
  if (label.length > SKELETON.length) return undefined;
  let n = 0;
  for (let i = 0; i < label.length; i++) {
    const c = label.charCodeAt(i);
    if (c >= 128) return undefined;
    if (c === 45) continue;
    SKELETON[n++] = ASCII_FOLD[c] || c;
  }
  // `rn` -> `m` and `vv` -> `w`, left to right: the folds make no r, n or v, and neither rule's
  // letters are the other's, so one pass over the folded letters is the two replaces in turn.
  let m = 0;
  for (let i = 0; i < n; i++) {
    const c = SKELETON[i]!;
    const next = i + 1 < n ? SKELETON[i + 1] : 0;
    if (c === 114 && next === 110) {
      SKELETON[m++] = 109;
      i++;
    } else if (c === 118 && next === 118) {
      SKELETON[m++] = 119;
      i++;
    } else SKELETON[m++] = c;
  }
  return SKELETON.toString('latin1', 0, m);
}

function foldedSkeleton(label: string): string {
  let out = '';
  for (const ch of label) {
    if (ch === '-') continue;
    out += CONFUSABLES[ch] ?? ch;
  }
  return out.replace(/rn/g, 'm').replace(/vv/g, 'w');
}

// Most labels are plain lower-case letters with no `rn`/`vv`: their skeleton is the label itself.
function needsFolding(label: string): boolean {
  const last = label.length - 1;
  for (let i = 0; i <= last; i++) {
    const c = label.charCodeAt(i);
    if (c < 97 || c > 122) return true; // digit, hyphen, underscore or non-ASCII
    // No read past the end: charCodeAt's NaN there sends the optimised code (and nearestBrand, which inlines it) back to the interpreter.
    if (i < last && ((c === 114 && label.charCodeAt(i + 1) === 110) || (c === 118 && label.charCodeAt(i + 1) === 118)))
      return true;
  }
  return false;
}

// Scratch rows for the distance, reused across calls (labels are at most 63 characters).
const ROW_A = new Int32Array(72);
const ROW_B = new Int32Array(72);
const ROW_C = new Int32Array(72);

/** Damerau-Levenshtein (optimal string alignment) distance, giving up early above `max`. */
export function boundedDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a.length >= ROW_A.length || b.length >= ROW_A.length) return max + 1;
  const n = b.length;
  let prev2 = ROW_A;
  let prev = ROW_B;
  let cur = ROW_C;
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const bj = b.charCodeAt(j - 1);
      let v = prev[j - 1]! + (ai === bj ? 0 : 1);
      const del = prev[j]! + 1;
      const ins = cur[j - 1]! + 1;
      if (del < v) v = del;
      if (ins < v) v = ins;
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj && prev2[j - 2]! + 1 < v)
        v = prev2[j - 2]! + 1;
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[n]!;
}

export interface BrandMatch {
  brand: string;
  distance: number;
}

const MAX_DISTANCE = 2;

/** Bit set of the characters in `s` (letters and digits folded into 32 bits). */
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

// Brands by length, with their character masks: a label is compared only with brands of a length within the edit limit.
const BY_LENGTH: { brand: string; mask: number }[][] = [];
for (const brand of BRANDS) {
  const bucket = BY_LENGTH[brand.length] ?? [];
  bucket.push({ brand, mask: charMask(brand) });
  BY_LENGTH[brand.length] = bucket;
}
const ORDER = new Map(BRANDS.map((b, i) => [b, i]));

/**
 * The closest brand to `label` by skeleton distance (at most 2, and at most 1 for brands under 6
 * letters, where 2 edits reach too many ordinary words). An exact, homoglyph-free match has distance 0.
 */
export function nearestBrand(label: string): BrandMatch | undefined {
  const sk = skeleton(label);
  const mask = charMask(sk);
  let best: BrandMatch | undefined;
  const maxLen = Math.min(sk.length + MAX_DISTANCE, BY_LENGTH.length - 1);
  for (let len = Math.max(2, sk.length - MAX_DISTANCE); len <= maxLen; len++) {
    const bucket = BY_LENGTH[len];
    if (bucket === undefined) continue;
    const limit = len < 6 ? 1 : MAX_DISTANCE;
    if (Math.abs(len - sk.length) > limit) continue;
    for (const { brand, mask: bm } of bucket) {
      if (len < 4 && sk !== brand) continue;
      // Each edit adds or removes at most one distinct character: a cheap lower bound on the distance.
      if (popcount(mask & ~bm) > limit || popcount(bm & ~mask) > limit) continue;
      const d = sk === brand ? (label === brand ? 0 : 1) : boundedDistance(sk, brand, limit);
      // Ties keep the brand listed first, as a scan of the list in order would.
      if (
        d <= limit &&
        (best === undefined || d < best.distance || (d === best.distance && ORDER.get(brand)! < ORDER.get(best.brand)!))
      )
        best = { brand, distance: d };
    }
  }
  return best;
}

const LONG_BRANDS = createSubstringIndex(BRANDS.filter((b) => b.length >= 5));

/** A brand of 5+ letters inside `text` (e.g. `paypal` in `paypal-secure-login`), or undefined. */
export function embeddedBrand(text: string): string | undefined {
  return LONG_BRANDS.first(text);
}

/** A brand that is a whole hyphen/dot-separated token of `text` (catches short ones like `ups`, `dhl`). */
const BRAND_SET = new Set(BRANDS);

export function tokenBrand(text: string): string | undefined {
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46;
    if (c === 46 || c === 45 || c === 95) {
      if (i > start) {
        const token = text.slice(start, i);
        if (BRAND_SET.has(token)) return token;
      }
      start = i + 1;
    }
  }
  return undefined;
}
