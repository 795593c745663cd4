/**
 * Closing the pool of pipeline workers under load (inference-pool.ts close): each worker answers what
 * it holds and ends between two messages. Stopping a thread in the middle of an onnxruntime call
 * aborts the whole process, so the load runs in a child and the test looks at how it ended.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';

it('closes a pool under a continuous load of large runs, 10 times, without the process dying', () => {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(__dirname, '..', 'helpers', 'close-under-load.ts')],
    {
      encoding: 'utf8',
      timeout: 240_000,
    },
  );
  assert.equal(child.signal, null, `the process died by ${child.signal}:\n${child.stderr}`);
  assert.equal(child.status, 0, child.stderr);
  const got = JSON.parse(child.stdout) as { answered: number; failed: number; answers: number[][]; errors: string[] };
  assert.ok(got.answered > 0, 'runs were answered');
  // Four distinct inputs: each input answered got one probability, whichever round answered it, and no
  // two inputs the same one. (Not every input need be answered: on a busy machine a caller's 8,000-row
  // run can miss every round's window, which is no fault of the pool.)
  for (const probs of got.answers) assert.equal(probs.length, 1, `one input got ${probs.join(', ')}`);
  const firsts = got.answers.map((p) => p[0]);
  assert.equal(new Set(firsts).size, firsts.length, `inputs got the same probability: ${firsts.join(', ')}`);
  // Runs not yet on a worker when the pool closed fail with what happened, nothing else.
  assert.deepEqual(
    got.errors.filter((e) => e !== 'inference thread exited (the backend was closed)'),
    [],
  );
});
