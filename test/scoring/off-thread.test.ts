import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { type App, createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { INLINE_MAX_ROWS } from '../../src/scoring/inference-pool';
import type { ScoredItem } from '../../src/scoring/pipeline';
import { OFF_THREAD_MIN_ROWS } from '../../src/scoring/scorer';

const silent = pino({ level: 'silent' });
const golden = (name: string): string[] =>
  (
    JSON.parse(readFileSync(join(__dirname, '..', '..', 'models', name, '1', 'golden.json'), 'utf8')) as {
      rows: { indicator: string }[];
    }
  ).rows.map((r) => r.indicator);

/** The answers without the cache link (which differs by construction). */
const plain = (rs: ScoredItem[]) => rs.map(({ cached: _, ...r }) => r);

describe('features on the inference thread', () => {
  let worker: App;
  let inline: App;
  before(async () => {
    // No cache: every item is computed, by the inference thread (worker) or the event loop (inline).
    // One engine for every run size (onnxruntime), so any difference is the features' (small runs
    // walked in JavaScript agree with onnxruntime to 1e-6, not bit for bit: test/scoring/trees.test.ts).
    const common = ['--cache-entries', '0', '--model-engine', 'onnxruntime'];
    worker = await createApp(loadConfig(['--inference', 'worker', ...common], {}), silent);
    inline = await createApp(loadConfig(['--inference', 'inline', ...common], {}), silent);
  });
  after(async () => {
    await worker.close();
    await inline.close();
  });

  for (const [kind, model] of [
    ['domain', 'domain'],
    ['url', 'url'],
  ] as const) {
    it(`gives the same answers as the event loop for a large ${kind} batch`, async () => {
      assert.equal(worker.repository.serving(model)?.offThread?.kind, kind, 'the worker backend offers it');
      assert.equal(inline.repository.serving(model)?.offThread, undefined);
      // Golden indicators plus bad ones, repeated past the inline limit so the batch goes off-thread.
      const values = [...golden(model), 'a..b', '', 'x'.repeat(300)];
      const items = Array.from({ length: INLINE_MAX_ROWS * 3 }, (_, i) => ({
        id: String(i),
        value: values[i % values.length] as string,
      }));
      // Count the batches that take the off-thread path (the test is void if none does).
      const off = worker.repository.serving(model)?.offThread as NonNullable<
        NonNullable<ReturnType<App['repository']['serving']>>['offThread']
      >;
      const score = off.score.bind(off);
      let offThreadBatches = 0;
      off.score = (values) => {
        offThreadBatches++;
        return score(values);
      };
      for (const view of ['full', 'compact'] as const) {
        const got = await worker.scorer.scoreBatch(kind, items, view);
        const want = await inline.scorer.scoreBatch(kind, items, view);
        assert.deepEqual(plain(got), plain(want));
        assert.ok(got.some((r) => r.score !== undefined));
      }
      assert.equal(offThreadBatches, 2, 'both views were scored on the inference thread');
      off.score = score;
    });
  }

  it(`hands a batch over from ${OFF_THREAD_MIN_ROWS} rows to score, not fewer`, async () => {
    const off = worker.repository.serving('domain')?.offThread as NonNullable<
      NonNullable<ReturnType<App['repository']['serving']>>['offThread']
    >;
    const score = off.score.bind(off);
    const sizes: number[] = [];
    off.score = (values) => {
      sizes.push(values.length);
      return score(values);
    };
    try {
      for (const n of [OFF_THREAD_MIN_ROWS - 1, OFF_THREAD_MIN_ROWS]) {
        // Names no rule answers, so every one is scored by the model.
        const items = Array.from({ length: n }, (_, i) => ({ id: String(i), value: `qzx${i}vbkw${n}.top` }));
        const got = await worker.scorer.scoreBatch('domain', items, 'full');
        assert.deepEqual(plain(got), plain(await inline.scorer.scoreBatch('domain', items, 'full')));
        assert.ok(got.every((r) => r.score !== undefined));
      }
      assert.deepEqual(sizes, [OFF_THREAD_MIN_ROWS]);
    } finally {
      off.score = score;
    }
  });
});
