/**
 * Hashed character n-grams (3 to 5 characters) of a URL's host and of its path + query, weighted by a
 * Bernoulli naive-Bayes log-likelihood ratio learned from the training split (malicious vs benign
 * document frequency per hash bucket). The tree model sees summaries of these weights (mean, max,
 * min), not the n-grams, so a new URL that shares kit paths (`/wp-includes/`, `webscr`, random
 * folder names) with known phishing scores high even on a site never seen in training.
 *
 * Training rows get weights from tables that did not see their site (out-of-fold by site, see
 * src/training/export-url.ts), so the model cannot learn that its own rows are familiar.
 */

export interface NgramLlrTable {
  bits: number;
  /** Log-likelihood ratio per bucket (0 for buckets never seen). */
  llr: Float32Array;
}

export const NGRAM_MIN = 3;
export const NGRAM_MAX = 5;
/** Longest part of a URL that n-grams are taken from: enough for any kit path, bounded cost. */
export const NGRAM_SPAN = 256;
const HOST_SEED = 0x811c9dc5;
const PATH_SEED = 0x050c5d1f;

/** Calls `fn` with the bucket of every n-gram of `s` (lower-cased ASCII, first NGRAM_SPAN chars). */
export function forEachBucket(s: string, part: 'host' | 'path', bits: number, fn: (bucket: number) => void): void {
  const n = Math.min(s.length, NGRAM_SPAN);
  const mask = (1 << bits) - 1;
  const seed = part === 'host' ? HOST_SEED : PATH_SEED;
  for (let i = 0; i + NGRAM_MIN <= n; i++) {
    let h = seed;
    for (let k = 0; k < NGRAM_MAX && i + k < n; k++) {
      let c = s.charCodeAt(i + k);
      if (c >= 65 && c <= 90) c += 32;
      h = Math.imul(h ^ c, 0x01000193);
      if (k + 1 >= NGRAM_MIN) fn((h ^ (h >>> 15)) & mask);
    }
  }
}

export interface LlrSummary {
  mean: number;
  max: number;
  min: number;
}

/**
 * Mean, max and min weight over the n-grams of `s`; all 0 when `s` is shorter than NGRAM_MIN. The
 * hashing of forEachBucket, inlined: this runs for every URL served, and the callback doubled its cost.
 */
export function summarise(table: NgramLlrTable, s: string, part: 'host' | 'path'): LlrSummary {
  const out = new Float64Array(3);
  summariseInto(table, s, part, out);
  return { mean: out[0] as number, max: out[1] as number, min: out[2] as number };
}

/** The character code at `j` with A-Z lower-cased. */
function lowerAt(s: string, j: number): number {
  const c = s.charCodeAt(j);
  return c >= 65 && c <= 90 ? c + 32 : c;
}

// The buckets of the part being read, in n-gram order (at most 3 per starting position).
const BUCKETS = new Int32Array((NGRAM_MAX - NGRAM_MIN + 1) * NGRAM_SPAN);

/**
 * `summarise` written into `out[0..2]` (mean, max, min): no object per call on the serving path. The
 * buckets are hashed first and the weights read after, in the same order: the reads are random over a
 * table larger than a core's cache, and a loop of reads alone keeps more of them in flight than reads
 * interleaved with the hashing and its branches (src/bench/README.md).
 */
export function summariseInto(table: NgramLlrTable, s: string, part: 'host' | 'path', out: Float64Array): void {
  const n = Math.min(s.length, NGRAM_SPAN);
  if (n < NGRAM_MIN) {
    out[0] = 0;
    out[1] = 0;
    out[2] = 0;
    return;
  }
  const mask = (1 << table.bits) - 1;
  const seed = part === 'host' ? HOST_SEED : PATH_SEED;
  const buckets = BUCKETS;
  let count = 0;
  // forEachBucket's hashing with each character read once: the n-grams starting at `i` read the
  // (lower-cased) characters c0..c4 at i..i+4, slid along by one for the next `i`. (NGRAM_MIN is 3 and
  // NGRAM_MAX 5 here; the test compares this with forEachBucket.)
  let c1 = lowerAt(s, 0);
  let c2 = lowerAt(s, 1);
  let c3 = lowerAt(s, 2);
  let c4 = n > 3 ? lowerAt(s, 3) : 0;
  for (let i = 0; i + NGRAM_MIN <= n; i++) {
    const c0 = c1;
    c1 = c2;
    c2 = c3;
    c3 = c4;
    c4 = i + 4 < n ? lowerAt(s, i + 4) : 0;
    let h = Math.imul(seed ^ c0, 0x01000193);
    h = Math.imul(h ^ c1, 0x01000193);
    h = Math.imul(h ^ c2, 0x01000193);
    buckets[count++] = (h ^ (h >>> 15)) & mask;
    if (i + 3 < n) {
      h = Math.imul(h ^ c3, 0x01000193);
      buckets[count++] = (h ^ (h >>> 15)) & mask;
      if (i + 4 < n) {
        h = Math.imul(h ^ c4, 0x01000193);
        buckets[count++] = (h ^ (h >>> 15)) & mask;
      }
    }
  }
  const llr = table.llr;
  let sum = 0;
  let max = Number.NEGATIVE_INFINITY;
  let min = Number.POSITIVE_INFINITY;
  for (let j = 0; j < count; j++) {
    const w = llr[buckets[j] as number] as number;
    sum += w;
    if (w > max) max = w;
    if (w < min) min = w;
  }
  out[0] = sum / count;
  out[1] = max;
  out[2] = min;
}

/** Per-bucket document frequencies of each class, to combine (e.g. leave one fold out) before weighting. */
export interface NgramCounts {
  bits: number;
  malicious: Float64Array;
  benign: Float64Array;
  maliciousDocs: number;
  benignDocs: number;
}

export function emptyCounts(bits: number): NgramCounts {
  return {
    bits,
    malicious: new Float64Array(1 << bits),
    benign: new Float64Array(1 << bits),
    maliciousDocs: 0,
    benignDocs: 0,
  };
}

/** Adds one document (its host and path parts): each bucket counts once per document. */
export function addDocument(c: NgramCounts, host: string, path: string, malicious: boolean): void {
  const seen = new Set<number>();
  forEachBucket(host, 'host', c.bits, (b) => seen.add(b));
  forEachBucket(path, 'path', c.bits, (b) => seen.add(b));
  const arr = malicious ? c.malicious : c.benign;
  for (const b of seen) arr[b] = (arr[b] as number) + 1;
  if (malicious) c.maliciousDocs++;
  else c.benignDocs++;
}

/** `a - b`, for the counts of every fold but one. */
export function subtractCounts(a: NgramCounts, b: NgramCounts): NgramCounts {
  const out = emptyCounts(a.bits);
  for (let i = 0; i < out.malicious.length; i++) {
    out.malicious[i] = (a.malicious[i] as number) - (b.malicious[i] as number);
    out.benign[i] = (a.benign[i] as number) - (b.benign[i] as number);
  }
  out.maliciousDocs = a.maliciousDocs - b.maliciousDocs;
  out.benignDocs = a.benignDocs - b.benignDocs;
  return out;
}

/**
 * Bernoulli naive-Bayes weights with add-`alpha` smoothing. Buckets seen fewer than `minDocs` times
 * stay 0: a rare n-gram is mostly one site's name, which says nothing about the next site.
 */
export function weightCounts(c: NgramCounts, alpha = 1, minDocs = 3): NgramLlrTable {
  const llr = new Float32Array(1 << c.bits);
  const lm = Math.log(c.maliciousDocs + 2 * alpha);
  const lb = Math.log(c.benignDocs + 2 * alpha);
  for (let i = 0; i < llr.length; i++) {
    const m = c.malicious[i] as number;
    const b = c.benign[i] as number;
    if (m + b < minDocs) continue;
    llr[i] = Math.log(m + alpha) - lm - (Math.log(b + alpha) - lb);
  }
  return { bits: c.bits, llr };
}

export function serializeNgramLlr(t: NgramLlrTable): { bits: number; llr: string } {
  return { bits: t.bits, llr: Buffer.from(t.llr.buffer, t.llr.byteOffset, t.llr.byteLength).toString('base64') };
}

export function deserializeNgramLlr(raw: { bits: number; llr: string }): NgramLlrTable {
  const buf = Buffer.from(raw.llr, 'base64');
  // Copy into an aligned buffer: Buffer.from may return a view at an odd offset of a shared pool.
  const llr = new Float32Array(buf.byteLength / 4);
  new Uint8Array(llr.buffer).set(buf);
  if (llr.length !== 1 << raw.bits)
    throw new Error(`n-gram table has ${llr.length} weights, expected ${1 << raw.bits}`);
  return { bits: raw.bits, llr };
}
