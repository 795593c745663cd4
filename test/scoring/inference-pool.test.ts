import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createInlineBackend,
  createWorkerBackend,
  INLINE_MAX_ROWS,
  type InferenceBackend,
  type InferenceSession,
} from '../../src/scoring/inference-pool';
import { backendModel, syntheticRows } from '../helpers/model';

const { spec, bytes } = backendModel('domain', 1);
const width = spec.width;
const rows = (n: number, seed: number) => syntheticRows(width, n, seed);

describe('inference backends', () => {
  const backends: InferenceBackend[] = [];
  let worker: InferenceSession;
  let inline: InferenceSession;
  before(async () => {
    const w = createWorkerBackend();
    const i = createInlineBackend();
    backends.push(w, i);
    worker = await w.load(bytes, spec);
    inline = await i.load(bytes, spec);
  });
  after(async () => {
    await worker.release();
    await inline.release();
    for (const b of backends) await b.close();
  });

  it('give every run its own rows back, whether runs are coalesced, inline or on the inference thread', async () => {
    const all = rows(300, 1);
    const whole = await worker.run(all, 300); // > INLINE_MAX_ROWS: the inference thread
    assert.equal(whole.length, 300);
    // Concurrent small runs (coalesced into one model run per event-loop turn), on both backends.
    const sizes = [1, 7, INLINE_MAX_ROWS, 3, 25, 200];
    for (const session of [worker, inline]) {
      let at = 0;
      const parts = await Promise.all(
        sizes.map((n) => {
          const part = all.slice(at * width, (at + n) * width);
          at += n;
          return session.run(part, n);
        }),
      );
      const joined = parts.flatMap((p) => [...p]);
      assert.equal(joined.length, 300);
      for (let i = 0; i < 300; i++)
        assert.ok(Math.abs((joined[i] as number) - (whole[i] as number)) < 1e-6, `row ${i}`);
    }
  });

  it('fails runs at once, never hangs, after the inference thread is gone', async () => {
    const backend = createWorkerBackend();
    const session = await backend.load(bytes, spec);
    await backend.close(); // the thread exits, as it would if it crashed
    const started = Date.now();
    await assert.rejects(session.run(rows(INLINE_MAX_ROWS + 1, 3), INLINE_MAX_ROWS + 1), /inference thread exited/);
    assert.ok(Date.now() - started < 1000);
    // Small runs never needed the thread.
    assert.equal((await session.run(rows(2, 4), 2)).length, 2);
  });

  it('rejects a run whose rows do not fit the model, without affecting the next', async () => {
    await assert.rejects(inline.run(new Float32Array(width + 1), 2));
    const ok = await inline.run(rows(2, 9), 2);
    assert.equal(ok.length, 2);
  });
});
