/**
 * A pipeline worker (inference-worker.ts's protocol) that ends as a crash would when it is given a
 * batch of values holding POISON (`answer` or `score`): every worker that takes such a batch dies,
 * replacements too, so a test sees what the pool does with a request that killed two workers. Every
 * other message is the real worker's. It exits from its own message handler, where no native call
 * runs on this thread (onnxruntime runs synchronously), so the process lives on.
 */
import { parentPort } from 'node:worker_threads';
import type { WorkerRequest } from '../../src/scoring/inference-protocol';

export const POISON = 'crash-the-worker.example.com';
/** The code a worker that took the poison exits with. */
export const CRASH_CODE = 70;

function poisoned(msg: WorkerRequest): boolean {
  if (msg.type === 'answer') {
    const { bytes } = msg.values;
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(POISON);
  }
  return msg.type === 'score' && msg.values.includes(POISON);
}

// Registered before the real worker's handler, so it sees the message first.
parentPort?.on('message', (msg: WorkerRequest) => {
  if (poisoned(msg)) process.exit(CRASH_CODE);
});
require('../../src/scoring/inference-worker');
