/**
 * The pool of pipeline workers (inference-pool.ts createWorkerBackend): a worker that dies is
 * replaced and what it held is sent again, and each worker holds at most WORKER_QUEUE requests
 * while the rest wait. Workers are ended with the protocol's `exit` (between messages): stopping a
 * thread in the middle of an onnxruntime call aborts the whole process.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import {
  createInlineBackend,
  createWorkerBackend,
  type InferenceBackend,
  type InferenceSession,
  WORKER_QUEUE,
} from '../../src/scoring/inference-pool';
import { createModelRepository } from '../../src/scoring/model-repository';
import { domainPipeline } from '../../src/scoring/pipelines/domain';
import { backendModel, syntheticRows } from '../helpers/model';

const { dir, metadata, spec: run } = backendModel('domain', 2);
const width = run.width;
const spec = {
  ...run,
  features: { kind: 'domain' as const, dir, featuresVersion: metadata.features_version, metadata },
};
const rows = (n: number, seed: number) => syntheticRows(width, n, seed);

const names = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}-${i}-login.example.xyz`);

describe('the pool of pipeline workers', () => {
  let backend: InferenceBackend;
  let session: InferenceSession;
  let reference: InferenceSession;
  const inline = createInlineBackend({ engine: 'onnxruntime' });
  const bytes = readFileSync(join(dir, 'model.onnx'));
  before(async () => {
    backend = createWorkerBackend({ workers: 2 });
    session = await backend.load(bytes, spec);
    reference = await inline.load(bytes, spec);
  });
  after(async () => {
    await session.release();
    await reference.release();
    await backend.close();
    await inline.close();
  });

  it('replaces a worker that dies and answers the requests it held', async () => {
    const inputs = [1, 2, 3, 4, 5, 6].map((seed) => rows(100, seed));
    const want = await Promise.all(inputs.map((x) => reference.run(x.slice(), 100)));
    const old = [...(backend.workers?.() ?? [])];
    assert.equal(old.length, 2);
    // The first worker ends as a crash would, holding what is sent to it from now on.
    old[0]!.postMessage({ type: 'exit', id: 0, code: 70 });
    // Feature batches are not coalesced: each is a request, sent at once to a worker with room.
    const scored = [1, 2, 3, 4].map((i) => session.scoreValues!(names(40, `crash${i}`)));
    const runs = inputs.map((x) => session.run(x, 100));
    const got = await Promise.all(runs);
    for (const [i, g] of got.entries()) assert.deepEqual([...g], [...want[i]!], `run ${i}`);
    for (const s of await Promise.all(scored)) assert.equal(s.probabilities.length, 40, 'each batch was answered');
    for (let i = 0; i < 200 && (backend.workers?.() ?? []).includes(old[0]!); i++)
      await new Promise((r) => setTimeout(r, 5));
    const now = backend.workers?.() ?? [];
    assert.equal(now.length, 2);
    assert.ok(!now.includes(old[0]!) && now.includes(old[1]!), 'the dead worker was replaced');
    assert.equal(backend.failure(), undefined, 'the pool still serves');
    // Every worker has the session (the replacement loaded it first): a batch on each runs.
    const after = await Promise.all([1, 2, 3, 4].map((i) => session.scoreValues!(names(20, `after${i}`))));
    assert.deepEqual(
      after.map((a) => a.probabilities.length),
      [20, 20, 20, 20],
    );
  });

  it(`keeps at most ${WORKER_QUEUE} requests on a worker; the rest wait on the event loop`, async () => {
    const one = createWorkerBackend({ workers: 1 });
    try {
      const s = await one.load(bytes, spec);
      const batches = [1, 2, 3, 4, 5].map((i) => s.scoreValues!(names(200, `queue${i}`)));
      assert.deepEqual({ ...one.pending() }, { queued: 5 - WORKER_QUEUE, inFlight: WORKER_QUEUE });
      const done = await Promise.all(batches);
      assert.deepEqual(
        done.map((d) => d.probabilities.length),
        [200, 200, 200, 200, 200],
      );
      assert.deepEqual({ ...one.pending() }, { queued: 0, inFlight: 0 });
      await s.release();
    } finally {
      await one.close();
    }
  });
});

describe('what the workers load', () => {
  it('the serving version of each model on every worker; other versions only where asked, pins too', async () => {
    const backend = createWorkerBackend({ workers: 2 });
    const logger = pino({ level: 'silent' });
    const repository = createModelRepository({
      dir: join(__dirname, '..', '..', 'models'),
      pipelines: [domainPipeline],
      logger,
      backend,
    });
    try {
      await repository.reload();
      const domain = repository.list().find((m) => m.name === 'domain')!;
      const loaded = domain.versions.filter((v) => v.model !== undefined).map((v) => v.version);
      assert.ok(loaded.length >= 3, `versions kept for rollback: ${loaded}`);
      // One model, several versions loaded on the event loop: one session on each worker.
      assert.deepEqual(backend.loadedSessions?.(), [1, 1]);
      const newest = repository.serving('domain')!;
      // Pinning an older version: it is on every worker, the newest is not any more; answers follow.
      await repository.reload(new Map([['domain', 1]]));
      assert.equal(repository.serving('domain')?.version, 1);
      assert.deepEqual(backend.loadedSessions?.(), [1, 1]);
      const pinned = await repository.serving('domain')!.offThread!.score(names(30, 'pinned'));
      assert.equal(pinned.probabilities.length, 30);
      // A version not resident answers too: the worker asked loads it first.
      const old = await newest.offThread!.score(names(30, 'rolled-back'));
      assert.equal(old.probabilities.length, 30);
      assert.equal(
        backend.loadedSessions?.().reduce((a, b) => a + b, 0),
        3,
        'the newest loaded on one worker, for that batch',
      );
      await repository.reload(new Map([['domain', 0]]));
      assert.deepEqual(backend.loadedSessions?.(), [1, 1]);
    } finally {
      await repository.close();
      await backend.close();
    }
  });
});
