/**
 * The language column of the email/6 text model (models/training/text_model.py LanguageText): a
 * language that is mostly spam in training must not make the words every text in that language uses
 * (its function words, if a list missed one) count as spam. A synthetic export: language `x` is 80%
 * spam, language `y` 80% ham; every row of a language holds its marker bucket (60 or 61); the class
 * is told by content buckets alike in both languages. Without the language column the marker of `x`
 * learns "spam"; with it, the column (not served) takes that, the marker weighs far less, and the
 * served bias is the fitted one plus the columns' mean, so the served logit is what golden rows hold.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { promisify } from 'node:util';
import { pythonWith } from '../../scripts/python-env';
import { parseTextModel, type SparseText, type TextModel, textLogit } from '../../src/indicators/email/text-hash';
import { writeTextVectors } from '../../src/training/text-export';

const BUCKETS = 64;
const dir = mkdtempSync(join(tmpdir(), 'text-language-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let seed = 977;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};

/** Content buckets 0-27 lean ham, 28-55 spam; the language's marker bucket 60 (x) or 61 (y). */
function vector(spam: boolean, lang: string): SparseText {
  const picked = new Set<number>([lang === 'x' ? 60 : 61]);
  for (let k = 0; k < 6; k++) picked.add((rnd() < 0.75 === spam ? 28 : 0) + Math.floor(rnd() * 28));
  const indices = Uint32Array.from([...picked].sort((a, b) => a - b));
  const raw = Array.from(indices, () => Math.fround(0.5 + rnd()));
  const norm = Math.sqrt(raw.reduce((s, v) => s + v * v, 0));
  return { indices, values: Float32Array.from(raw, (v) => v / norm) };
}

const vectors = new Map<string, SparseText>();
const fits: Record<'with' | 'without', { model: TextModel; golden: { indicator: string; features: number[] }[] }> =
  {} as never;

before(async () => {
  const lines = ['indicator\tlabel\tsource\tgroup\trank\tsplit\tsite\tdate'];
  const feats: number[] = [];
  const langs: string[] = [];
  const all: SparseText[] = [];
  for (let i = 0; i < 3000; i++) {
    const lang = i % 2 === 0 ? 'x' : 'y';
    const spam = rnd() < (lang === 'x' ? 0.8 : 0.2);
    const v = vector(spam, lang);
    const id = `row-${i}`;
    vectors.set(id, v);
    all.push(v);
    langs.push(lang);
    feats.push(rnd(), 0);
    const u = rnd();
    const split = u < 0.7 ? 'train' : u < 0.8 ? 'val' : 'test';
    const source = spam ? 'spam' : 'ham';
    lines.push([id, spam ? 1 : 0, source, spam ? 'spam' : 'ham', 0, split, `${source}:${i % 400}`, ''].join('\t'));
  }
  writeFileSync(join(dir, 'features.f32'), Buffer.from(new Float32Array(feats).buffer));
  writeTextVectors(dir, all);
  writeFileSync(join(dir, 'text_lang.txt'), `${langs.join('\n')}\n`);
  writeFileSync(join(dir, 'rows.tsv'), `${lines.join('\n')}\n`);
  const python = await pythonWith([join(__dirname, '..', '..', 'models', 'training', 'requirements.txt')]);
  const run = promisify(execFile);
  for (const bias of [true, false]) {
    const spec = {
      model: 'synthetic',
      features_version: 'synthetic/1',
      feature_names: ['noise', 'text_score'],
      sources: ['ham', 'spam'].map((name) => ({
        name,
        label: name === 'spam' ? 'malicious' : 'benign',
        license: 'test',
        origin: 'test',
      })),
      train_params: { max_iter: 20, max_depth: 3, text_c: 1.0, text_language_bias: bias },
      text_model: { column: 'text_score', buckets: BUCKETS, languages: 'text_lang.txt' },
    };
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
    const out = join(dir, bias ? 'with' : 'without', '1');
    mkdirSync(out, { recursive: true });
    await run(python, [join(__dirname, '..', '..', 'models', 'training', 'train.py'), '--export', dir, '--out', out], {
      timeout: 300_000,
    });
    fits[bias ? 'with' : 'without'] = {
      model: parseTextModel(JSON.parse(readFileSync(join(out, 'assets.json'), 'utf8')).text_model),
      golden: JSON.parse(readFileSync(join(out, 'golden.json'), 'utf8')).rows,
    };
  }
});

it('the language column takes what the language explains: its marker word weighs far less', () => {
  const gap = (m: TextModel) => (m.weights[60] as number) - (m.weights[61] as number);
  const without = gap(fits.without.model);
  const withColumn = gap(fits.with.model);
  assert.ok(without > 1, `without the column the spam language's marker learns spam: ${without}`);
  assert.ok(withColumn < without / 2, `with it ${withColumn}, without ${without}`);
  // The content still counts: spam buckets outweigh ham buckets in both.
  const mean = (m: TextModel, a: number, b: number) => m.weights.slice(a, b).reduce((s, w) => s + w, 0) / (b - a);
  assert.ok(mean(fits.with.model, 28, 56) > mean(fits.with.model, 0, 28) + 0.5);
});

it('golden rows hold the served logit (words and the served bias, no language column), bit for bit', () => {
  for (const r of fits.with.golden) {
    assert.equal(
      Math.fround(r.features[1] as number),
      Math.fround(textLogit(fits.with.model, vectors.get(r.indicator)!)),
    );
  }
});
