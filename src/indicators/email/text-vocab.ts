/**
 * The text of a message for the linear text model of features `email/4`: words and pairs of
 * neighbouring words, each looked up in the model's own vocabulary. A word the vocabulary does not
 * hold weighs exactly 0.
 *
 * Why not hashing (email/3): 2^17 hashed buckets were all taken (131,070 of 131,072 carried a
 * weight), so every word the model had never seen, a German or Italian word in a personal note,
 * landed in the bucket of some training word and carried that word's weight. And the vocabulary is
 * chosen by train.py from the training rows with two rules (models/training/text_model.py): a word
 * needs a few messages, and it needs more than one CORPUS (SpamAssassin, the R lists, the cygwin
 * list, the templates, phishing_pot): a word only one corpus uses names that corpus, not spam or ham
 * (German, Portuguese and Czech words occur, as ham or spam, in phishing_pot alone).
 *
 * Tokens are email/3's (text-hash.ts) without the function words and pronouns of the other languages
 * the corpora hold: email/2 dropped English `you`/`the`/`and` because they tell addressed mail from
 * list discussion (a genre), and left German `Sie`/`und`/`ist` and French `vous`/`et` in, which
 * then told German and French mail apart from English, and so phishing_pot from the ham.
 *
 * Values: log1p(count) per word or pair, divided by the Euclidean length over ALL the message's
 * words and pairs, known or not, so that a message the model knows little of stays near the bias
 * instead of letting its few known words speak for all of it. Every step is an IEEE operation and
 * the sum runs in vocabulary order, as scipy's sparse product does, so training and serving agree bit
 * for bit.
 */
import { STOP_TOKENS } from './message-features-v2';
import { replaceUrls } from './strip-urls';

const MAX_TEXT_CHARS = 100_000;
const WORD = /[\p{L}][\p{L}\p{M}'-]{2,23}/gu;

/**
 * Function words and pronouns (3 letters or more: shorter words are never tokens) of the languages
 * the corpora hold besides English: German, French, Spanish, Portuguese, Italian, Dutch. Articles,
 * conjunctions, prepositions, pronouns and the commonest auxiliaries: what every text in that
 * language says, whatever it is about.
 */
const OTHER_LANGUAGES = [
  // German
  'der die das den dem des ein eine einen einem einer eines und oder aber ist sind waren wird werden haben ' +
    'hatte ich mich mir wir uns ihr euch sie ihn ihm ihnen ihre ihren ihrem ihrer ihres sein seine seinen seiner ' +
    'mein meine meinen dein deine unser unsere euer eure mit von für auf aus bei nach vor über unter durch gegen ' +
    'ohne nicht auch noch nur schon wie was wer wenn dass als hier dort zum zur vom beim',
  // French
  'les des une est sont été être avoir ont avec pour par dans sur sous mais que qui quoi dont nous vous ils elles ' +
    'leur leurs ses mon mes tes notre nos votre vos cette ces aux pas plus tout tous toute',
  // Spanish and Portuguese
  'los las del una uno unos unas por para con sin que como pero más mas sus nos vos ella ellos ellas usted ' +
    'ustedes este esta estos estas ese esa eso está están ser fue han hay muy também tambem você vocês ' +
    'seu sua seus suas nosso nossa não nao uma umas uns pelo pela pelos pelas aos ele ela eles elas isso isto ' +
    'essa esse dos das num numa foi tem são sao',
  // Italian
  'il gli della delle dei del degli alla alle agli dal dalla nel nella nei sul sulla che chi non sono è era ' +
    'hai abbiamo avete hanno lei lui loro noi voi suo sua suoi mio mia tuo tua nostro vostro questo questa ' +
    'quello quella per con tra fra anche più',
  // Dutch
  'het een van voor met niet zijn wordt worden hebben heeft ook maar wij jij jou jouw hij zij haar hun onze ' +
    'deze dit dat wat wie waar naar bij uit als aan',
];

export const TEXT_STOP_TOKENS_V4: ReadonlySet<string> = new Set([
  ...STOP_TOKENS,
  ...OTHER_LANGUAGES.join(' ')
    .split(/\s+/)
    .filter((w) => w.length >= 3),
]);

/** The words the text model reads, in order. */
export function textTokensV4(text: string): string[] {
  const out: string[] = [];
  const clean = replaceUrls(text.slice(0, MAX_TEXT_CHARS), ' ').toLowerCase();
  for (const m of clean.matchAll(WORD)) {
    const w = m[0];
    if (!TEXT_STOP_TOKENS_V4.has(w)) out.push(w);
  }
  return out;
}

/** A message's words and word pairs with their counts, in first-seen order. */
export function textKeys(text: string, tokenize: (text: string) => string[] = textTokensV4): Map<string, number> {
  const tokens = tokenize(text);
  const counts = new Map<string, number>();
  const add = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1);
  for (let i = 0; i < tokens.length; i++) {
    add(tokens[i] as string);
    if (i > 0) add(`${tokens[i - 1]} ${tokens[i]}`);
  }
  return counts;
}

/** log1p(count) per key (float32), divided by the length over all keys, as float32. */
export function keyValues(counts: ReadonlyMap<string, number>): { keys: string[]; values: Float32Array } {
  const keys = [...counts.keys()];
  const raw = keys.map((k) => Math.fround(Math.log1p(counts.get(k) as number)));
  let sq = 0;
  for (const v of raw) sq += v * v;
  const norm = Math.sqrt(sq);
  return { keys, values: Float32Array.from(raw, (v) => (norm > 0 ? v / norm : 0)) };
}

/** A trained vocabulary text model: logit = sum over known keys, in vocabulary order, of weight x value, + bias. */
export interface VocabTextModel {
  vocabulary: ReadonlyMap<string, number>;
  weights: Float32Array;
  bias: number;
}

export function vocabLogit(model: VocabTextModel, text: string): number {
  const { keys, values } = keyValues(textKeys(text));
  const known: [number, number][] = [];
  for (const [i, k] of keys.entries()) {
    const j = model.vocabulary.get(k);
    if (j !== undefined) known.push([j, values[i] as number]);
  }
  known.sort((a, b) => a[0] - b[0]);
  let sum = 0;
  for (const [j, v] of known) sum += (model.weights[j] as number) * v;
  return sum + model.bias;
}

/** Reads the `text_vocab_model` asset train.py writes: the vocabulary in index order, float32 weights (base64 LE), bias. */
export function parseVocabTextModel(asset: unknown): VocabTextModel {
  const a = asset as { vocabulary?: unknown; bias?: unknown; weights_f32_b64?: unknown } | undefined;
  if (
    a === undefined ||
    !Array.isArray(a.vocabulary) ||
    !a.vocabulary.every((k) => typeof k === 'string') ||
    typeof a.bias !== 'number' ||
    typeof a.weights_f32_b64 !== 'string'
  ) {
    throw new Error('text_vocab_model asset needs vocabulary (strings), bias and weights_f32_b64');
  }
  const bytes = Buffer.from(a.weights_f32_b64, 'base64');
  if (bytes.length !== a.vocabulary.length * 4) {
    throw new Error(`text_vocab_model has ${bytes.length / 4} weights for ${a.vocabulary.length} words`);
  }
  const vocabulary = new Map<string, number>();
  for (const [i, k] of (a.vocabulary as string[]).entries()) {
    if (vocabulary.has(k)) throw new Error(`text_vocab_model lists "${k}" twice`);
    vocabulary.set(k, i);
  }
  const weights = new Float32Array(a.vocabulary.length);
  for (let i = 0; i < weights.length; i++) weights[i] = bytes.readFloatLE(i * 4);
  return { vocabulary, weights, bias: a.bias };
}
