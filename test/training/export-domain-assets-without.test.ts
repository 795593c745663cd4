/**
 * src/training/export-domain.ts --assets-without: per left-out source, the same rows with features from
 * assets (benign n-gram table, TLD log-odds) learned without that source's rows nor rows derived from
 * it, so leave-one-source-out (evaluate.py --loso-export) scores a source the way a model that never
 * saw it would. A tiny export whose answers are known: the "rare" benign source alone uses the TLD
 * `.coop` and the letters "qzx".
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { promisify } from 'node:util';
import { DOMAIN_FEATURE_NAMES_2 } from '../../src/indicators/domain/features-v2';

const root = join(__dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'export-without-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const WORDS = ['river', 'stone', 'garden', 'market', 'silver', 'cloud', 'harbor', 'maple', 'north', 'bright'];
const names = (n: number, make: (i: number) => string) => Array.from({ length: n }, (_, i) => make(i));
const word = (i: number) => WORDS[i % WORDS.length]!;

interface Assets {
  tldLogOdds: Record<string, number>;
}
const assets = (sub: string) => JSON.parse(readFileSync(join(dir, 'out', sub, 'assets.json'), 'utf8')) as Assets;
const features = (sub: string) => {
  const b = readFileSync(join(dir, 'out', sub, 'features.f32'));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
};
let rows: string[][];
let stdout: string;

before(async () => {
  writeFileSync(join(dir, 'common.txt'), `${names(300, (i) => `${word(i)}${word(i * 7 + 3)}${i}.com`).join('\n')}\n`);
  writeFileSync(join(dir, 'rare.txt'), `${names(200, (i) => `qzx${word(i)}qzx${i}.coop`).join('\n')}\n`);
  writeFileSync(join(dir, 'phish.txt'), `${names(300, (i) => `secure-${word(i)}-login${i}.xyz`).join('\n')}\n`);
  const source = (name: string, label: string) => ({
    name,
    path: `${name}.txt`,
    format: 'lines',
    label,
    license: 'test data',
    origin: 'made by the test',
  });
  writeFileSync(
    join(dir, 'sources.json'),
    JSON.stringify({
      features_version: 'domain/2',
      sources: [source('common', 'benign'), source('rare', 'benign'), source('phish', 'malicious')],
      benign_subdomain_variants: { share: 0.5, labels: ['www'] },
    }),
  );
  const args = ['src/training/export-domain.ts', '--sources', join(dir, 'sources.json'), '--data', dir];
  const out = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', ...args, '--out', join(dir, 'out'), '--assets-without', 'all'],
    { cwd: root, timeout: 120_000 },
  );
  stdout = out.stdout;
  rows = readFileSync(join(dir, 'out', 'rows.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'));
});

it('writes one export per source that feeds the assets, with the same rows', () => {
  for (const s of ['common', 'rare', 'phish']) {
    assert.match(stdout, new RegExp(`assets without ${s}: `));
    assert.equal(readlinkSync(join(dir, 'out', `assets-without-${s}`, 'rows.tsv')), join('..', 'rows.tsv'));
    assert.equal(features(`assets-without-${s}`).length, features('.').length);
  }
  // Derived rows are not a source of their own: they leave with the source they were made from.
  assert.doesNotMatch(stdout, /assets without benign_subdomain_variants/);
});

it("learns the TLD log-odds without the left-out source's rows", () => {
  assert.ok('coop' in assets('.').tldLogOdds);
  assert.ok(!('coop' in assets('assets-without-rare').tldLogOdds));
  assert.ok('com' in assets('assets-without-rare').tldLogOdds);
  assert.ok(!('xyz' in assets('assets-without-phish').tldLogOdds));
  assert.ok('coop' in assets('assets-without-phish').tldLogOdds);
});

it("learns the benign n-gram table without the left-out source's names nor their derived variants", () => {
  const n = DOMAIN_FEATURE_NAMES_2.length;
  const col = DOMAIN_FEATURE_NAMES_2.indexOf('sld_ngram_unseen_ratio');
  const main = features('.');
  const without = features('assets-without-rare');
  const withoutPhish = features('assets-without-phish');
  let checked = 0;
  rows.forEach((r, i) => {
    // Validation and test rows of the rare source and of its variants: "qzx" is in the table only with it.
    if (r[7] !== 'rare' || r[5] === 'train') return;
    assert.ok(without[i * n + col]! > main[i * n + col]!, `${r[0]}: unseen trigrams without its source`);
    // Leaving out a malicious source does not touch the benign table.
    assert.equal(withoutPhish[i * n + col], main[i * n + col]);
    checked++;
  });
  assert.ok(checked > 20, `${checked} rows checked`);
});
