/**
 * Word log-odds (domain/3): how much more often each dictionary word appears in the labels of observed
 * phishing and scam names than in benign ones, learned from the training split only and shipped in
 * the model's assets.json. Why: a long label made only of words (`conradsautotransmissionrepair`) is
 * benign as often as not, and coverage alone cannot tell it from `secureaccountverifylogin`; which words
 * they are can. Counts are smoothed towards the base rate with a prior of `priorStrength` rows, so a
 * word seen a few times is near 0 (neutral) and only words with real evidence move the score.
 */
import type { WordSegmenter } from './word-segment';

export interface WordOddsRow {
  /** Texts whose words count for this row (the registrable label and the subdomain), each word once. */
  texts: readonly string[];
  malicious: boolean;
}

/** Values are rounded to 1e-4 when learned, so the JSON in assets.json reproduces them exactly. */
const QUANTUM = 1e4;
export const MAX_WORDS = 64;

/**
 * Log-odds per word index of `segmenter`'s list (`wordCount` words), relative to the rows' base rate:
 * log(((m + k p) / (b + k (1 - p))) / base), m / b the malicious / benign rows with the word, base the
 * malicious / benign row ratio, p = base / (1 + base), k = priorStrength. 0 for words never seen.
 */
export function buildWordLogOdds(
  segmenter: WordSegmenter,
  wordCount: number,
  rows: Iterable<WordOddsRow>,
  priorStrength = 20,
): Float32Array {
  const mal = new Float64Array(wordCount);
  const ben = new Float64Array(wordCount);
  const lastRow = new Int32Array(wordCount).fill(-1);
  const ids = new Int32Array(MAX_WORDS);
  const seg = { letters: 0, covered: 0, words: 0, longest: 0 };
  let nMal = 0;
  let nBen = 0;
  let r = 0;
  for (const row of rows) {
    const counts = row.malicious ? mal : ben;
    if (row.malicious) nMal++;
    else nBen++;
    for (const text of row.texts) {
      const s = segmenter.segment(text, 0, text.length, seg, ids);
      const n = Math.min(s.words, MAX_WORDS);
      for (let i = 0; i < n; i++) {
        const w = ids[i] as number;
        if (w < 0 || lastRow[w] === r) continue;
        lastRow[w] = r;
        counts[w]!++;
      }
    }
    r++;
  }
  const base = (nMal + 1) / (nBen + 1);
  const p = base / (1 + base);
  const out = new Float32Array(wordCount);
  for (let w = 0; w < wordCount; w++) {
    const m = mal[w] as number;
    const b = ben[w] as number;
    if (m === 0 && b === 0) continue;
    const odds = (m + priorStrength * p) / (b + priorStrength * (1 - p));
    out[w] = Math.round(Math.log(odds / base) * QUANTUM) / QUANTUM;
  }
  return out;
}

/** `{word: log-odds}` of the non-zero entries, for assets.json. */
export function serializeWordLogOdds(words: readonly string[], logOdds: Float32Array): Record<string, number> {
  const out: Record<string, number> = {};
  logOdds.forEach((v, i) => {
    if (v !== 0) out[words[i] as string] = v;
  });
  return out;
}

/** The inverse of serializeWordLogOdds for `segmenter`'s list; a word the list lacks is an error. */
export function parseWordLogOdds(
  segmenter: WordSegmenter,
  wordCount: number,
  raw: Record<string, number>,
): Float32Array {
  const out = new Float32Array(wordCount);
  for (const [word, v] of Object.entries(raw)) {
    const i = segmenter.indexOf(word);
    if (i < 0) throw new Error(`assets.json wordLogOdds: "${word}" is not in the word list`);
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new Error(`assets.json wordLogOdds: "${word}" is not a number`);
    out[i] = v;
  }
  return out;
}
