/**
 * src/training/export-domain.ts --later-than: the same rows with features whose assets were learned
 * only from rows before the cut-off, so the later-in-time evaluation (evaluate.py
 * --later-in-time-export) scores later rows as a model trained before them would ship. A tiny export
 * whose answers are known: the dated phishing source moves from `.xyz` to `.late` at 2024-06-01, and
 * the later names alone carry the letters "vvq".
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { promisify } from 'node:util';
import { DOMAIN_FEATURE_NAMES_2 } from '../../src/indicators/domain/features-v2';

const root = join(__dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'export-later-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const WORDS = ['river', 'stone', 'garden', 'market', 'silver', 'cloud', 'harbor', 'maple', 'north', 'bright'];
const names = (n: number, make: (i: number) => string) => Array.from({ length: n }, (_, i) => make(i));
const word = (i: number) => WORDS[i % WORDS.length]!;
const exported = (sub: string, file: string) => readFileSync(join(dir, 'out', sub, file));
const tldLogOdds = (sub: string) =>
  (JSON.parse(exported(sub, 'assets.json').toString()) as { tldLogOdds: Record<string, number> }).tldLogOdds;
const features = (sub: string) => {
  const b = exported(sub, 'features.f32');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
};
let stdout: string;

before(async () => {
  writeFileSync(join(dir, 'benign.txt'), `${names(300, (i) => `${word(i)}${word(i * 7 + 3)}${i}.com`).join('\n')}\n`);
  // 400 dated phishing hosts: the first 320 (2023) on .xyz, the last 80 (2024-06 on) on .late with "vvq".
  const phish = names(400, (i) =>
    i < 320
      ? `secure-${word(i)}-login${i}.xyz\t2023-${String((i % 12) + 1).padStart(2, '0')}-15`
      : `vvq${word(i)}vvq${i}.late\t2024-06-${String((i % 28) + 1).padStart(2, '0')}`,
  );
  writeFileSync(join(dir, 'phish.tsv'), `host\tfirst_seen\n${phish.join('\n')}\n`);
  const common = { license: 'test data', origin: 'made by the test' };
  writeFileSync(
    join(dir, 'sources.json'),
    JSON.stringify({
      features_version: 'domain/2',
      sources: [
        { name: 'benign', path: 'benign.txt', format: 'lines', label: 'benign', ...common },
        {
          name: 'phish',
          path: 'phish.tsv',
          format: 'tsv',
          column: 'host',
          date_column: 'first_seen',
          label: 'malicious',
          ...common,
        },
      ],
    }),
  );
  const args = ['src/training/export-domain.ts', '--sources', join(dir, 'sources.json'), '--data', dir];
  const out = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', ...args, '--out', join(dir, 'out'), '--later-than', 'auto'],
    { cwd: root, timeout: 120_000 },
  );
  stdout = out.stdout;
});

it('picks the cut-off that leaves the last fifth of the dated rows after it, as evaluate.py does', () => {
  const cut = JSON.parse(exported('later-than', 'cutoff.json').toString());
  assert.deepEqual(cut, { cutoff: '2024-06-01', dated_rows: 400, later_rows: 80 });
  assert.match(stdout, /assets from rows before 2024-06-01 \(80 of 400 dated rows left out\)/);
});

it('learns the TLD log-odds from rows before the cut-off only', () => {
  assert.ok('late' in tldLogOdds('.'), 'the main export learns the later TLD');
  assert.ok(!('late' in tldLogOdds('later-than')));
  assert.ok('xyz' in tldLogOdds('later-than'));
});

it('scores the later rows with those assets, the earlier rows as before', () => {
  const n = DOMAIN_FEATURE_NAMES_2.length;
  const col = DOMAIN_FEATURE_NAMES_2.indexOf('tld_log_odds');
  const main = features('.');
  const later = features('later-than');
  const rows = readFileSync(join(dir, 'out', 'rows.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  let moved = 0;
  rows.forEach((line, i) => {
    const r = line.split('\t');
    if (r[1] !== '1' || r[5] === 'train' || !r[0]!.endsWith('.late')) return;
    // An unseen TLD gets the prior (0), not the log-odds its own later rows taught.
    assert.ok(main[i * n + col]! > 0, `${r[0]}: the main export knows .late as malicious`);
    assert.equal(later[i * n + col], 0);
    moved++;
  });
  assert.ok(moved > 10, `${moved} later test rows checked`);
});
