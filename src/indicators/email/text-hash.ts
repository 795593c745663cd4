/**
 * The text of a message as a sparse hashed vector of words and word pairs, for the linear text model
 * of features `email/3`. Computed here, in the serving code, and exported for training as it is
 * (src/training/export-email.ts writes indices and values), so training and serving cannot tokenise
 * differently.
 *
 * Tokens: lower-cased words of 3-24 letters (no digits: years, amounts and codes are era and filler,
 * not words), without the corpus anonymisation words and the function words email/2 leaves out (they
 * tell addressed mail from list discussion, a genre). URLs and addresses are removed first: their host
 * names would name the organisation or list a message came from. Word pairs of neighbouring kept
 * words share the bucket space with the words.
 *
 * Values: log1p(count) per bucket, then divided by the vector's Euclidean length (a long message does
 * not weigh more than a short one). Every step is an IEEE operation (log1p, sqrt, division of float32
 * values held in doubles, a sum in bucket order), so numpy reproduces the score bit for bit.
 */
import { STOP_TOKENS } from './message-features-v2';
import { replaceUrls } from './strip-urls';

/** Buckets of the text model (2^17): words and pairs collide rarely enough for a linear model. */
export const TEXT_BUCKETS = 1 << 17;
const MAX_TEXT_CHARS = 100_000;

const WORD = /[\p{L}][\p{L}\p{M}'-]{2,23}/gu;

/** FNV-1a, 32 bits (the same hash as email/2's word buckets). */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export interface SparseText {
  /** Bucket numbers, ascending, distinct. */
  indices: Uint32Array;
  /** The value of each bucket (float32). */
  values: Float32Array;
}

/** The words a text model reads, in order. */
export function textTokens(text: string): string[] {
  const out: string[] = [];
  const clean = replaceUrls(text.slice(0, MAX_TEXT_CHARS), ' ').toLowerCase();
  for (const m of clean.matchAll(WORD)) {
    const w = m[0];
    if (!STOP_TOKENS.has(w)) out.push(w);
  }
  return out;
}

/** The hashed vector of a text's words and pairs; `tokenize` is email/3's by default (email/6: text-language.ts). */
export function hashText(
  text: string,
  buckets = TEXT_BUCKETS,
  tokenize: (text: string) => string[] = textTokens,
): SparseText {
  const counts = new Map<number, number>();
  const tokens = tokenize(text);
  const add = (key: string) => {
    const b = fnv1a(key) & (buckets - 1);
    counts.set(b, (counts.get(b) ?? 0) + 1);
  };
  for (let i = 0; i < tokens.length; i++) {
    add(tokens[i] as string);
    if (i > 0) add(`${tokens[i - 1]} ${tokens[i]}`);
  }
  const indices = Uint32Array.from([...counts.keys()].sort((a, b) => a - b));
  const raw = Array.from(indices, (b) => Math.fround(Math.log1p(counts.get(b) as number)));
  let sq = 0;
  for (const v of raw) sq += v * v;
  const norm = Math.sqrt(sq);
  const values = Float32Array.from(raw, (v) => (norm > 0 ? v / norm : 0));
  return { indices, values };
}

/** A trained linear text model: score = sum of weight * value in bucket order, then + bias (a logit). */
export interface TextModel {
  buckets: number;
  bias: number;
  weights: Float32Array;
}

/**
 * The model's logit for a text vector. The sum starts at 0 and runs in ascending bucket order, and the
 * bias is added last: scipy's sparse product does exactly this, so training's column and serving agree.
 */
export function textLogit(model: TextModel, v: SparseText): number {
  let sum = 0;
  for (let k = 0; k < v.indices.length; k++) {
    sum += (model.weights[v.indices[k] as number] as number) * (v.values[k] as number);
  }
  return sum + model.bias;
}

/** Reads the `text_model` asset train.py writes: buckets, bias and the weights as base64 float32 (little-endian). */
export function parseTextModel(asset: unknown): TextModel {
  const a = asset as { buckets?: unknown; bias?: unknown; weights_f32_b64?: unknown } | undefined;
  if (
    a === undefined ||
    typeof a.buckets !== 'number' ||
    typeof a.bias !== 'number' ||
    typeof a.weights_f32_b64 !== 'string'
  ) {
    throw new Error('text_model asset needs buckets, bias and weights_f32_b64');
  }
  const bytes = Buffer.from(a.weights_f32_b64, 'base64');
  if (bytes.length !== a.buckets * 4) {
    throw new Error(`text_model has ${bytes.length / 4} weights for ${a.buckets} buckets`);
  }
  const weights = new Float32Array(a.buckets);
  for (let i = 0; i < a.buckets; i++) weights[i] = bytes.readFloatLE(i * 4);
  return { buckets: a.buckets, bias: a.bias, weights };
}
