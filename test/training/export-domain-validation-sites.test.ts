/**
 * A sources file's `validation_sites_from` (src/training/split.ts, export-domain.ts): a hashed share of one
 * source's training sites moves to validation before folds and assets. The moved rows must be validation rows
 * in every respect (features from the shipped assets, not out-of-fold ones), by site (no site on two sides),
 * deterministic, and never take a test row.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parseDomainAssets } from '../../src/indicators/domain/assets';
import { DOMAIN_FEATURES_2 } from '../../src/indicators/domain/feature-sets';
import { parseDomain } from '../../src/indicators/domain/parse';
import { moveSitesToValidation, movesToValidation, type Split, splitOf } from '../../src/training/split';

describe('moveSitesToValidation', () => {
  const make = () => {
    const rows: { source: string; split: Split; site: string }[] = [];
    for (let i = 0; i < 3000; i++) {
      const site = `site${i}.example`;
      rows.push({ source: 'hard', split: splitOf(site), site });
      // another source on the same site (every third site): it must follow its site
      if (i % 3 === 0) rows.push({ source: 'other', split: splitOf(site), site });
    }
    for (let i = 0; i < 500; i++)
      rows.push({ source: 'other', split: splitOf(`own${i}.example`), site: `own${i}.example` });
    return rows;
  };
  const spec = { source: 'hard', share: 0.35 };

  it('moves a share of the source training sites, all their rows, and nothing else', () => {
    const before = make();
    const rows = make();
    const counts = moveSitesToValidation(rows, (r) => r.site, spec);
    const trainSites = new Set(before.filter((r) => r.source === 'hard' && r.split === 'train').map((r) => r.site));
    const moved = new Set(rows.filter((r, i) => r.split !== before[i]!.split).map((r) => r.site));
    assert.equal(counts.sites, moved.size);
    // binomial: 0.35 of ~2,100 sites, sd ~22
    assert.ok(Math.abs(moved.size / trainSites.size - 0.35) < 0.04, `${moved.size} of ${trainSites.size}`);
    rows.forEach((r, i) => {
      const b = before[i]!;
      if (moved.has(r.site)) assert.equal(b.split, 'train');
      if (moved.has(r.site)) assert.equal(r.split, 'val', `${r.site} ${r.source}`);
      else assert.equal(r.split, b.split, `${r.site} ${r.source} unmoved`);
    });
    assert.ok(counts.rows > counts.source_rows, 'rows of the other source on a moved site move too');
    assert.ok(
      [...moved].every((s) => trainSites.has(s)),
      'only the source own training sites',
    );
  });

  it('never takes a test or validation row, and no site ends on two sides', () => {
    const before = make();
    const rows = make();
    moveSitesToValidation(rows, (r) => r.site, { source: 'hard', share: 1 });
    rows.forEach((r, i) => {
      if (before[i]!.split !== 'train') assert.equal(r.split, before[i]!.split);
    });
    const sides = new Map<string, Set<Split>>();
    for (const r of rows) sides.set(r.site, (sides.get(r.site) ?? new Set()).add(r.split));
    assert.ok([...sides.values()].every((s) => s.size === 1));
    assert.equal(rows.filter((r) => r.source === 'hard' && r.split === 'train').length, 0);
  });

  it('is deterministic by site key alone: row order and other rows do not change it', () => {
    const a = make();
    const b = make().reverse();
    moveSitesToValidation(a, (r) => r.site, spec);
    moveSitesToValidation(b, (r) => r.site, spec);
    const key = (rs: typeof a) =>
      rs
        .map((r) => `${r.site} ${r.source} ${r.split}`)
        .sort()
        .join('\n');
    assert.equal(key(a), key(b));
    const picked = a.filter((r) => r.split === 'val' && splitOf(r.site) === 'train').map((r) => r.site);
    assert.ok(picked.every((s) => movesToValidation(spec, s)));
  });

  it('moves nothing at share 0 and refuses a source without rows or a share outside [0, 1]', () => {
    const rows = make();
    assert.equal(moveSitesToValidation(rows, (r) => r.site, { source: 'hard', share: 0 }).rows, 0);
    assert.throws(() => moveSitesToValidation(rows, (r) => r.site, { source: 'nope', share: 0.3 }), /no rows/);
    assert.throws(() => moveSitesToValidation(rows, (r) => r.site, { source: 'hard', share: 1.5 }), /not in \[0, 1\]/);
  });
});

describe('export-domain.ts with validation_sites_from', () => {
  const root = join(__dirname, '..', '..');
  const dir = mkdtempSync(join(tmpdir(), 'export-valsites-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const WORDS = ['river', 'stone', 'garden', 'market', 'silver', 'cloud', 'harbor', 'maple', 'north', 'bright'];
  const word = (i: number) => WORDS[i % WORDS.length]!;
  const common = { license: 'test data', origin: 'made by the test' };
  type Exported = { rows: string[][]; features: Float32Array; assets: string; spec: Record<string, unknown> };
  const results: Record<string, Exported> = {};

  const exportWith = async (name: string, extra: object) => {
    const out = join(dir, name);
    writeFileSync(
      join(dir, `${name}.json`),
      JSON.stringify({
        features_version: 'domain/2',
        ...extra,
        sources: [
          { name: 'benign', path: 'benign.txt', format: 'lines', label: 'benign', ...common },
          { name: 'hard', path: 'hard.txt', format: 'lines', label: 'benign', ...common },
          { name: 'phish', path: 'phish.txt', format: 'lines', label: 'malicious', ...common },
        ],
      }),
    );
    const args = ['src/training/export-domain.ts', '--sources', join(dir, `${name}.json`), '--data', dir, '--out', out];
    await promisify(execFile)(process.execPath, ['--import', 'tsx', ...args], { cwd: root, timeout: 120_000 });
    const b = readFileSync(join(out, 'features.f32'));
    results[name] = {
      rows: readFileSync(join(out, 'rows.tsv'), 'utf8')
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((l) => l.split('\t')),
      features: new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length)),
      assets: readFileSync(join(out, 'assets.json'), 'utf8'),
      spec: JSON.parse(readFileSync(join(out, 'spec.json'), 'utf8')),
    };
  };

  before(async () => {
    const lines = (n: number, make: (i: number) => string) =>
      `${Array.from({ length: n }, (_, i) => make(i)).join('\n')}\n`;
    writeFileSync(
      join(dir, 'benign.txt'),
      lines(300, (i) => `${word(i)}${word(i * 7 + 3)}${i}.com`),
    );
    // the hard source: hosts under 400 sites, some of them also in the benign list's sites
    writeFileSync(
      join(dir, 'hard.txt'),
      lines(400, (i) => `www.${word(i * 3)}${word(i)}${i}.org`),
    );
    writeFileSync(
      join(dir, 'phish.txt'),
      lines(300, (i) => `secure-${word(i)}-login${i}.xyz`),
    );
    await exportWith('plain', {});
    await exportWith('moved', { validation_sites_from: { source: 'hard', share: 0.5 } });
  });

  const count = (e: Exported, source: string, split: string) =>
    e.rows.filter((r) => r[2] === source && r[5] === split).length;

  it('moves a share of the source training rows to validation, and no test row', () => {
    const plain = results.plain!;
    const moved = results.moved!;
    assert.ok(count(moved, 'hard', 'val') > count(plain, 'hard', 'val') + 50, 'validation grows');
    assert.equal(count(moved, 'hard', 'test'), count(plain, 'hard', 'test'));
    assert.deepEqual(
      moved.rows.filter((r) => r[5] === 'test').map((r) => r[0]),
      plain.rows.filter((r) => r[5] === 'test').map((r) => r[0]),
    );
    assert.equal(count(moved, 'benign', 'test'), count(plain, 'benign', 'test'));
    const spec = moved.spec.validation_sites_from as { source: string; share: number; source_rows: number };
    assert.equal(spec.source, 'hard');
    assert.equal(spec.source_rows, count(moved, 'hard', 'val') - count(plain, 'hard', 'val'));
    assert.equal(plain.spec.validation_sites_from, undefined);
  });

  it('gives every validation row, moved or not, the features of the shipped assets (not out-of-fold ones)', () => {
    const e = results.moved!;
    const assets = parseDomainAssets(e.assets);
    const n = DOMAIN_FEATURES_2.names.length;
    const out = new Float32Array(n);
    let checked = 0;
    e.rows.forEach((r, i) => {
      if (r[5] !== 'val') return;
      const p = parseDomain(r[0]!);
      assert.ok(p.ok);
      DOMAIN_FEATURES_2.compute(p.value, assets, out, 0);
      assert.deepEqual([...e.features.subarray(i * n, (i + 1) * n)], [...out], r[0]);
      checked++;
    });
    assert.ok(checked > 100);
  });

  it('keeps every site on one side', () => {
    const sides = new Map<string, Set<string>>();
    for (const r of results.moved!.rows) sides.set(r[6]!, (sides.get(r[6]!) ?? new Set()).add(r[5]!));
    assert.ok([...sides.values()].every((s) => s.size === 1));
  });
});
