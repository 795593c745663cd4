/**
 * A batch that kills the pipeline worker answering it (inference-pool.ts replace): the pool starts
 * another and sends the batch again once; when that one dies too, the batch is answered with a
 * per-item error for each of its items (not lost, not left hanging), and the stream that sent it goes
 * on being answered by a pool that still serves. The workers die by test/helpers/crashing-inference-worker.ts,
 * which exits between two native calls: stopping a thread inside one aborts the whole process.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { ANSWER_ENCODER } from '../../src/app';
import type { StreamPredictDomainsResponse } from '../../src/gen/threatpredict/v1/prediction_service';
import { createWorkerBackend, type InferenceBackend } from '../../src/scoring/inference-pool';
import { CRASH_CODE, POISON } from '../helpers/crashing-inference-worker';
import { errorInfoOf } from '../helpers/errors';
import { startTestServer, type TestServer } from '../helpers/server';

let t: TestServer;
let pool: InferenceBackend;
/** Exit codes of the workers that ended, in order. */
const exits: number[] = [];

before(async () => {
  pool = createWorkerBackend({
    workers: 2,
    answerEncoder: ANSWER_ENCODER,
    workerFile: join(__dirname, '..', 'helpers', 'crashing-inference-worker.ts'),
  });
  t = await startTestServer(['--workers', '2'], { inference: pool });
});
after(() => t.close());

/** Watches every worker the pool has now and starts later, for how they end. */
function watchExits(): () => void {
  const seen = new Set<unknown>();
  const timer = setInterval(() => {
    for (const w of pool.workers?.() ?? []) {
      if (seen.has(w)) continue;
      seen.add(w);
      w.once('exit', (code) => exits.push(code));
    }
  }, 1);
  return () => clearInterval(timer);
}

/** Large enough for the workers' path (OFF_THREAD_MIN_ROWS), with a few invalid values. */
function batch(n: number, poison = false) {
  const values = Array.from({ length: 40 }, (_, i) => (i % 9 === 4 ? `bad..${n}x${i}` : `w${n}x${i}.example-${i}.net`));
  if (poison) values[17] = POISON;
  return { view: 0, items: values.map((value, i) => ({ id: `${n}:${i}`, value })) };
}

it('answers a batch that killed two workers with per-item errors and goes on answering the stream', async () => {
  const stop = watchExits();
  const stream = t.predictions.streamPredictDomains();
  const got: StreamPredictDomainsResponse[] = [];
  stream.on('data', (r: StreamPredictDomainsResponse) => got.push(r));
  const done = once(stream, 'end');
  // One at a time: the batch that kills a worker is the only one it holds, so it alone is blamed.
  for (const [n, poison] of [
    [0, false],
    [1, true],
    [2, false],
    [3, false],
  ] as const) {
    stream.write(batch(n, poison));
    while (got.length <= n) await once(stream, 'data');
  }
  stream.end();
  await done;
  stop();

  assert.equal(got.length, 4);
  for (const [n, res] of got.entries()) {
    assert.equal(res.results.length, 40, `response ${n}`);
    for (const [i, r] of res.results.entries()) {
      assert.equal(r.id, `${n}:${i}`);
      if (n === 1) assert.equal(errorInfoOf(r.error)?.reason, 'INTERNAL', `${r.id}: the batch's failure`);
      else if (i % 9 === 4) assert.equal(errorInfoOf(r.error)?.reason, 'INVALID_DOMAIN', r.id);
      else assert.ok(r.error === undefined && typeof r.score === 'number', `${r.id} scored`);
    }
  }
  // The batch went to the workers' path and, once that failed, to the event loop's, whose features
  // the workers compute too: twice two workers died, and no other.
  assert.deepEqual(exits, [CRASH_CODE, CRASH_CODE, CRASH_CODE, CRASH_CODE]);
  assert.equal(pool.failure(), undefined, 'the pool still serves');
  assert.equal(pool.workers?.().length, 2);
});
