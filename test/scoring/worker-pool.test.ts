/**
 * The pool of pipeline workers (inference-pool.ts createWorkerBackend): a worker that dies is
 * replaced and what it held is sent again, a request that kills two workers is answered with an
 * error (never left hanging), and each worker holds at most WORKER_QUEUE requests while the rest wait.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createInlineBackend,
  createWorkerBackend,
  type InferenceBackend,
  type InferenceSession,
  WORKER_QUEUE,
} from '../../src/scoring/inference-pool';
import { parseMetadata } from '../../src/scoring/metadata';

const dir = join(__dirname, '..', '..', 'models', 'domain', '2');
const metadata = parseMetadata(readFileSync(join(dir, 'metadata.json'), 'utf8'));
const width = metadata.feature_names.length;
const spec = {
  input: metadata.input.name,
  output: metadata.output.name,
  width,
  positive: metadata.output.positive_class_index,
  intraOpThreads: 1,
  features: { kind: 'domain' as const, dir, featuresVersion: metadata.features_version, metadata },
};

function rows(n: number, seed: number): Float32Array {
  const out = new Float32Array(n * width);
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = (s / 2 ** 32) * 20 - 5;
  }
  return out;
}

const names = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}-${i}-login.example.xyz`);

/** Resolves once the pool has `n` workers none of which is in `old`. */
async function replaced(backend: InferenceBackend, old: readonly unknown[], n: number): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    const now = backend.workers?.() ?? [];
    if (now.length === n && now.every((w) => !old.includes(w))) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail('the workers were not replaced');
}

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

  it('replaces a worker that dies and answers the runs it held', async () => {
    const inputs = [1, 2, 3, 4, 5, 6].map((seed) => rows(100, seed));
    const want = await Promise.all(inputs.map((x) => reference.run(x.slice(), 100)));
    const old = [...(backend.workers?.() ?? [])];
    assert.equal(old.length, 2);
    // Feature batches are not coalesced: each is a request, sent at once to a worker with room.
    const values = names(40, 'crash');
    const scored = session.scoreValues?.(values);
    const runs = inputs.map((x) => session.run(x, 100));
    for (const w of old) void w.terminate(); // both die holding requests, as in a crash
    const got = await Promise.all(runs);
    for (const [i, g] of got.entries()) assert.deepEqual([...g], [...want[i]!], `run ${i}`);
    assert.equal((await scored)?.probabilities.length, 40, 'the feature batch was answered too');
    await replaced(backend, old, 2);
    assert.equal(backend.failure(), undefined, 'the pool still serves');
    // The replacements loaded the session: a new batch runs there.
    const after = await session.scoreValues!(names(20, 'after'));
    assert.equal(after.probabilities.length, 20);
  });

  it('answers a request that killed two workers with an error, and goes on serving', async () => {
    const old = [...(backend.workers?.() ?? [])];
    const batch = session.scoreValues!(names(30, 'poison'));
    for (const w of old) void w.terminate();
    await replaced(backend, old, 2);
    // The request was sent again to a replacement: that one dies too.
    const second = [...(backend.workers?.() ?? [])];
    for (const w of second) void w.terminate();
    await assert.rejects(batch, /twice with this request/);
    await replaced(backend, second, 2);
    const ok = await session.scoreValues!(names(20, 'next'));
    assert.equal(ok.probabilities.length, 20);
    assert.equal(backend.failure(), undefined);
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
