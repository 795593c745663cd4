/**
 * Why a message scores what it scores under one email model version: its feature row, the text
 * model's logit and the words and word pairs that make it (weight x value per token, with the
 * bucket's collision status when a training vocabulary is given), and what the trees make of it.
 * A diagnostic for the card, not a serving path.
 *
 *   npx tsx scripts/email/explain-text.ts --model models/email/3 [--vocab WORK/vocab.json] [--top 15] file.eml ...
 *   npx tsx scripts/email/explain-text.ts --model models/email/3 --html body.html   # an HTML body alone, as training wraps it
 *
 * Prints one JSON object a line: file, features (name -> value), text_logit, bias, known_share (the
 * share of the vector's squared length on tokens the vocabulary knows), top tokens each way.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { EMAIL_V3_FEATURE_NAMES, messageText } from '../../src/indicators/email/message-features-v3';
import { parseEmail } from '../../src/indicators/email/parse-email';
import { textTokens } from '../../src/indicators/email/text-hash';
import { neutralTokens } from '../../src/indicators/email/text-language';
import { keyValues, textKeys, type VocabTextModel } from '../../src/indicators/email/text-vocab';
import { loadModel } from '../../src/scoring/loaded-model';
import { pipelineForFeatures } from '../../src/scoring/pipeline';
import { emailPipeline } from '../../src/scoring/pipelines/email';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    model: { type: 'string', default: 'models/email/3' },
    vocab: { type: 'string' },
    top: { type: 'string', default: '12' },
    html: { type: 'boolean', default: false },
  },
});

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

async function main(): Promise<void> {
  const meta = JSON.parse(readFileSync(join(args.model, 'metadata.json'), 'utf8'));
  const pipeline = pipelineForFeatures(emailPipeline, meta.features_version);
  if (pipeline === undefined) throw new Error(`no feature code for ${meta.features_version}`);
  const model = await loadModel(args.model, emailPipeline);
  const assets = pipeline.loadAssets(args.model) as {
    buckets: number;
    bias: number;
    weights: Float32Array;
    vocabulary?: Map<string, number>;
  } | null;
  const vocab: Record<string, number[]> | undefined =
    args.vocab === undefined ? undefined : JSON.parse(readFileSync(args.vocab, 'utf8'));
  const names: readonly string[] = meta.feature_names ?? EMAIL_V3_FEATURE_NAMES;
  for (const f of positionals) {
    let raw = readFileSync(f);
    if (args.html) raw = Buffer.from(`Content-Type: text/html; charset=utf-8\r\n\r\n${raw.toString('utf8')}`);
    const parsed = await parseEmail(raw);
    if (!parsed.ok) {
      console.log(JSON.stringify({ file: basename(f), error: parsed.error.message }));
      continue;
    }
    const row = new Float32Array(names.length);
    pipeline.features(parsed.value, assets as never, row, 0);
    const [p] = await model.predict(row, 1);
    // What the trees make of each fact: the probability with that one feature set to 0 (no link, no text evidence).
    const without: Record<string, number> = {};
    for (const [i, n] of names.entries()) {
      if (row[i] === 0) continue;
      const alt = Float32Array.from(row);
      alt[i] = 0;
      const [q] = await model.predict(alt, 1);
      without[n] = Number((q as number).toFixed(4));
    }
    const out: Record<string, unknown> = {
      file: basename(f),
      probability: Number(p?.toFixed(4)),
      probability_without: without,
      features: Object.fromEntries(names.map((n, i) => [n, Number((row[i] as number).toFixed(4))])),
    };
    if (assets !== null && 'vocabulary' in assets) {
      const vm = assets as unknown as VocabTextModel;
      const { keys, values } = keyValues(textKeys(messageText(parsed.value)));
      const rowsOut = keys.map((k, i) => {
        const j = vm.vocabulary.get(k);
        const w = j === undefined ? 0 : (vm.weights[j] as number);
        return {
          token: k,
          known: j !== undefined,
          weight: Number(w.toFixed(3)),
          contrib: Number((w * (values[i] as number)).toFixed(4)),
        };
      });
      const known = rowsOut.filter((r) => r.known);
      known.sort((a, b) => b.contrib - a.contrib);
      let knownSq = 0;
      for (const [i, r] of rowsOut.entries()) if (r.known) knownSq += (values[i] as number) ** 2;
      const top = Number(args.top);
      out.text_logit = row[names.indexOf('text_score')];
      out.bias = vm.bias;
      out.keys = keys.length;
      out.known_keys = known.length;
      out.known_share = Number(knownSq.toFixed(3));
      out.to_spam = known.slice(0, top);
      out.to_ham = known.slice(-top).reverse();
    } else if (assets !== null && 'weights' in assets) {
      // email/6 reads no language's function words (text-language.ts); email/3 and email/5 read email/3's tokens.
      const tokens = (meta.features_version === 'email/6' ? neutralTokens : textTokens)(messageText(parsed.value));
      const keys: string[] = [];
      for (let i = 0; i < tokens.length; i++) {
        keys.push(tokens[i] as string);
        if (i > 0) keys.push(`${tokens[i - 1]} ${tokens[i]}`);
      }
      const counts = new Map<string, number>();
      for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
      // Per key: its bucket's weight times its share of the unit vector (log1p(count) / norm of the buckets).
      const byBucket = new Map<number, number>();
      for (const k of keys) {
        const b = fnv1a(k) & (assets.buckets - 1);
        byBucket.set(b, (byBucket.get(b) ?? 0) + 1);
      }
      let sq = 0;
      for (const n of byBucket.values()) sq += Math.log1p(n) ** 2;
      const norm = Math.sqrt(sq);
      let knownSq = 0;
      const rowsOut = [...counts].map(([k, n]) => {
        const b = fnv1a(k) & (assets.buckets - 1);
        const v = Math.log1p(byBucket.get(b) as number) / norm;
        const w = assets.weights[b] as number;
        const seen = vocab?.[k];
        if (seen !== undefined) knownSq += v * v;
        return { token: k, n, bucket: b, weight: Number(w.toFixed(3)), contrib: Number((w * v).toFixed(4)), seen };
      });
      rowsOut.sort((a, b) => b.contrib - a.contrib);
      const top = Number(args.top);
      out.text_logit = row[names.indexOf('text_score')];
      out.bias = assets.bias;
      out.tokens = keys.length;
      if (vocab !== undefined) out.known_share = Number(knownSq.toFixed(3));
      out.unseen_tokens_contrib = Number(
        rowsOut
          .filter((r) => r.seen === undefined)
          .reduce((s, r) => s + r.contrib, 0)
          .toFixed(3),
      );
      out.to_spam = rowsOut.slice(0, top);
      out.to_ham = rowsOut.slice(-top).reverse();
    }
    console.log(JSON.stringify(out));
  }
  model.release();
}

void main();
