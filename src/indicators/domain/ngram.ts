/**
 * Character trigram language model of benign names: the classic signal for algorithmically generated
 * domains (a DGA's output is improbable under the statistics of names people choose). The table is
 * built from the training split by the training pipeline and shipped with each model version, so
 * serving and training score names against the same statistics.
 */

// a-z, 0-9, '-', '_', and 38 = boundary marker; anything else (should not occur in ASCII labels) maps to '_'.
const ALPHABET = 39;
const BOUNDARY = 38;
const TABLE_SIZE = ALPHABET * ALPHABET * ALPHABET;

function symbol(code: number): number {
  if (code >= 97 && code <= 122) return code - 97;
  if (code >= 48 && code <= 57) return code - 48 + 26;
  if (code === 45) return 36;
  return 37;
}

export interface NgramModel {
  /** log P(c3 | c1 c2), indexed by (c1*39 + c2)*39 + c3. */
  readonly logProb: Float32Array;
  /** Whether the trigram was seen at least once in training. */
  readonly seen: Uint8Array;
}

export interface NgramStats {
  meanLogProb: number;
  minLogProb: number;
  unseenRatio: number;
}

/** Counts trigrams (with boundary markers) of `strings` and turns them into smoothed log-probabilities. */
export function buildNgramModel(strings: Iterable<string>, smoothing = 0.1): NgramModel {
  const counts = new Float64Array(TABLE_SIZE);
  for (const s of strings) {
    let a = BOUNDARY;
    let b = BOUNDARY;
    for (let i = 0; i <= s.length; i++) {
      const c = i < s.length ? symbol(s.charCodeAt(i)) : BOUNDARY;
      counts[(a * ALPHABET + b) * ALPHABET + c]! += 1;
      a = b;
      b = c;
    }
  }
  const logProb = new Float32Array(TABLE_SIZE);
  const seen = new Uint8Array(TABLE_SIZE);
  for (let ctx = 0; ctx < ALPHABET * ALPHABET; ctx++) {
    let total = 0;
    for (let c = 0; c < ALPHABET; c++) total += counts[ctx * ALPHABET + c]!;
    const denom = total + smoothing * ALPHABET;
    for (let c = 0; c < ALPHABET; c++) {
      const n = counts[ctx * ALPHABET + c]!;
      logProb[ctx * ALPHABET + c] = Math.log((n + smoothing) / denom);
      seen[ctx * ALPHABET + c] = n > 0 ? 1 : 0;
    }
  }
  return { logProb, seen };
}

const HYPHEN = 36;

/**
 * Mean and minimum trigram log-probability of `s`, and the share of trigrams never seen in training.
 * With `dotsAsHyphens`, dots count as hyphens (a subdomain scored as one label) without a new string.
 * Written into `into` (a fresh object unless given) and returned.
 */
export function scoreNgrams(
  model: NgramModel,
  s: string,
  dotsAsHyphens = false,
  into: NgramStats = emptyNgramStats(),
): NgramStats {
  if (s.length === 0) {
    into.meanLogProb = 0;
    into.minLogProb = 0;
    into.unseenRatio = 0;
    return into;
  }
  let a = BOUNDARY;
  let b = BOUNDARY;
  let sum = 0;
  let min = 0;
  let unseen = 0;
  for (let i = 0; i <= s.length; i++) {
    const code = i < s.length ? s.charCodeAt(i) : -1;
    const c = code === -1 ? BOUNDARY : dotsAsHyphens && code === 46 ? HYPHEN : symbol(code);
    const idx = (a * ALPHABET + b) * ALPHABET + c;
    const lp = model.logProb[idx]!;
    sum += lp;
    if (lp < min) min = lp;
    if (model.seen[idx] === 0) unseen++;
    a = b;
    b = c;
  }
  const n = s.length + 1;
  into.meanLogProb = sum / n;
  into.minLogProb = min;
  into.unseenRatio = unseen / n;
  return into;
}

/**
 * Stats to pass to `scoreNgrams` as `into`: the features of every new name fill a module's own pair
 * rather than allocating an object (with its boxed numbers) per call, part of the miss path's garbage.
 */
export function emptyNgramStats(): NgramStats {
  return { meanLogProb: 0, minLogProb: 0, unseenRatio: 0 };
}

/** Compact, exact serialisation (base64 of the float32 table) for the model's asset file. */
export function serializeNgramModel(model: NgramModel): { alphabet: number; logProb: string; seen: string } {
  return {
    alphabet: ALPHABET,
    logProb: Buffer.from(model.logProb.buffer, model.logProb.byteOffset, model.logProb.byteLength).toString('base64'),
    seen: Buffer.from(model.seen).toString('base64'),
  };
}

export function deserializeNgramModel(data: { alphabet: number; logProb: string; seen: string }): NgramModel {
  if (data.alphabet !== ALPHABET) throw new Error(`n-gram table alphabet ${data.alphabet} != ${ALPHABET}`);
  const lp = Buffer.from(data.logProb, 'base64');
  const seen = Buffer.from(data.seen, 'base64');
  if (lp.byteLength !== TABLE_SIZE * 4 || seen.byteLength !== TABLE_SIZE)
    throw new Error('n-gram table has the wrong size');
  // Copy into fresh, aligned arrays: Buffer slices may not be 4-byte aligned.
  const logProb = new Float32Array(TABLE_SIZE);
  new Uint8Array(logProb.buffer).set(lp);
  return { logProb, seen: new Uint8Array(seen) };
}
