/**
 * The in-process A/B of two builds' miss paths (src/bench/miss-path-ab.ts): its arithmetic, and the
 * real program from dist/ (built by `npm test`) on tiny settings against a copy of the same build (A/A)
 * and against a copy whose encoder changes one item's answer. The copies sit inside dist/ so that their
 * `require`s find the checkout's node_modules, as the program asks of its dist directories.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { abSummary, batchOrder, firstDifferingItem } from '../../src/bench/miss-path-ab';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');
const DIST = join(ROOT, 'dist');

const encoded = (items: number[][]) => {
  const ends = new Int32Array(items.length);
  let end = 0;
  items.forEach((item, j) => {
    end += item.length;
    ends[j] = end;
  });
  return { bytes: new Uint8Array(items.flat()), ends };
};

describe('miss-path-ab arithmetic', () => {
  it('summarises the rounds: medians, the median of the per-round B/A ratios, rounds B was lower', () => {
    const s = abSummary([10, 20, 40], [5, 30, 44]);
    assert.equal(s.usPerItemA, 20);
    assert.equal(s.usPerItemB, 30);
    assert.deepEqual(s.ratios, [0.5, 1.5, 1.1]);
    assert.equal(s.ratio, 1.1); // the ratios' median, round by round, not 30 / 20
    assert.equal(s.lower, '1/3');
    assert.equal(abSummary([4, 4], [2, 6]).ratio, 1); // even count: the mean of the middle two
    assert.throws(() => abSummary([1], [1, 2]));
    assert.throws(() => abSummary([], []));
  });

  it('alternates which build goes first, batch by batch and round by round', () => {
    assert.deepEqual(batchOrder(0, 0), ['B', 'A']);
    assert.deepEqual(batchOrder(0, 1), ['A', 'B']);
    assert.deepEqual(batchOrder(1, 0), ['A', 'B']);
    const firsts = Array.from({ length: 4 }, (_, k) => batchOrder(0, k)[0]);
    assert.equal(firsts.filter((x) => x === 'A').length, 2);
  });

  it('names the first item whose answer differs, by the ends, not the first byte', () => {
    const a = encoded([[1, 2], [3], [4, 5]]);
    assert.equal(firstDifferingItem(a, encoded([[1, 2], [3], [4, 5]])), -1);
    assert.equal(firstDifferingItem(a, encoded([[1, 2], [3], [4, 6]])), 2);
    // The same bytes split otherwise: item 0 differs.
    assert.equal(firstDifferingItem(a, encoded([[1], [2, 3], [4, 5]])), 0);
    assert.equal(firstDifferingItem(a, encoded([[1, 2], [3]])), 2);
  });
});

describe('miss-path-ab on two builds', { timeout: 180_000 }, () => {
  let copies = '';
  before(() => {
    copies = mkdtempSync(join(DIST, '.miss-path-ab-test-'));
    for (const name of ['same', 'other']) {
      const dir = join(copies, name);
      for (const entry of readdirSync(DIST))
        if (!entry.startsWith('.miss-path-ab-test-')) cpSync(join(DIST, entry), join(dir, entry), { recursive: true });
    }
    // The other build: its encoder flips the first byte of item 3's answer in every batch.
    appendFileSync(
      join(copies, 'other', 'server', 'answer-encoding.js'),
      '\n{ const encode = exports.encodeAnswers; exports.encodeAnswers = (r, v) => { const out = encode(r, v); ' +
        'if (out.ends.length > 3) out.bytes[out.ends[2]] ^= 1; return out; }; }\n',
    );
  });
  after(() => rmSync(copies, { recursive: true, force: true }));

  const bench = (b: string, ...extra: string[]) =>
    run(
      process.execPath,
      [join(DIST, 'bench', 'miss-path-ab.js'), DIST, b, '--rounds', '3', '--per', '1', '--warmup', '1', ...extra],
      { cwd: ROOT },
    );

  it('A/A: a copy of the same build answers alike, and the line has every figure', async () => {
    const { stdout } = await bench(join(copies, 'same'), '--kind', 'ip');
    const out = JSON.parse(stdout.trim());
    assert.equal(out.kind, 'ip');
    assert.equal(out.view, 'full');
    assert.equal(out.checkedItems, 1000);
    assert.equal(out.rounds, 3);
    for (const key of ['roundsA', 'roundsB', 'ratios']) assert.equal(out[key].length, 3, key);
    for (const x of [...out.roundsA, ...out.roundsB]) assert.ok(x > 0);
    for (const key of ['ratio', 'pairRatio', 'sumRatio']) assert.ok(out[key] > 0 && Number.isFinite(out[key]), key);
    assert.match(out.lower, /^[0-3]\/3$/);
    assert.equal(out.load.length, 2);
  });

  it('a build that answers otherwise is an error naming the first differing item', async () => {
    await assert.rejects(bench(join(copies, 'other')), (e: { code: number; stderr: string; stdout: string }) => {
      assert.equal(e.code, 1);
      assert.equal(e.stdout, '');
      assert.match(e.stderr, /answer differently: warm-up batch 0, item 3 \(/);
      return true;
    });
  });

  it('refuses one directory twice (the same modules, not two builds)', async () => {
    await assert.rejects(bench(DIST), /one directory/);
  });
});
