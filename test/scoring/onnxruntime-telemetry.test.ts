/**
 * onnxruntime 1.29+ matches its telemetry's regular expressions against the process's command line
 * when its environment is made, and one long argument overflows the stack (SIGSEGV): a process that
 * scores must open sessions with telemetry off (src/scoring/inference-protocol.ts). Each case runs in
 * a child process whose command line holds one long argument; without the fix both die by SIGSEGV.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(__dirname, '..', '..');

/** Opens the domain model the way `how` says, in a child with a `length`-character argument. */
function openWithLongArgument(how: 'worker thread' | 'main thread', length: number) {
  const script = `
    const { createWorkerBackend } = require('./src/scoring/inference-pool');
    const { openSession } = require('./src/scoring/inference-protocol');
    const { spec, bytes } = require('./test/helpers/model').backendModel('domain', 1);
    (async () => {
      if (${JSON.stringify(how)} === 'main thread') {
        await openSession(bytes, 1);
      } else {
        const backend = createWorkerBackend();
        const session = await backend.load(bytes, spec);
        const p = await session.run(new Float32Array(64 * spec.width), 64);
        if (p.length !== 64) throw new Error('no answer');
        await session.release();
        await backend.close();
      }
      console.log('opened');
    })().catch((e) => { console.error(e); process.exit(2); });
  `;
  // One line: the expressions stop at a line break, and the script comes before the long argument.
  const oneLine = script.replace(/\n\s*/g, ' ');
  return spawnSync(process.execPath, ['--import', 'tsx', '-e', oneLine, '--', 'x'.repeat(length)], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ORT_DISABLE_TELEMETRY: undefined },
  });
}

describe('onnxruntime telemetry', () => {
  for (const [how, length] of [
    ['worker thread', 40_000],
    ['main thread', 125_000],
  ] as const) {
    it(`is off, so a ${length}-character argument does not crash a session opened on a ${how}`, () => {
      const r = openWithLongArgument(how, length);
      assert.equal(r.signal, null, `killed by ${r.signal}: ${r.stderr}`);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /opened/);
    });
  }
});
