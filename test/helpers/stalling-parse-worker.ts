/**
 * A parse worker (parse-pool.ts's protocol) whose first, structured reading of a message never ends
 * in time: it stalls, then parses as usual. Its plain-text re-reading is the real one. Lets a test
 * see what the pool does with a message that outlasts its time limit on any machine, fast or slow.
 */
import { parentPort } from 'node:worker_threads';
import { parseEmail } from '../../src/indicators/email/parse-email';
import type { WorkerRequest, WorkerResponse } from '../../src/indicators/email/parse-worker';

const STALL_MS = 60_000;
const port = parentPort;
if (port) {
  port.on('message', async (request: WorkerRequest) => {
    if (request.plainTextBecause === undefined) {
      // Blocks the thread as a slow parse does, so only the pool's timer can end it.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, STALL_MS);
    }
    const raw = Buffer.from(request.raw.buffer, request.raw.byteOffset, request.raw.byteLength);
    const result = await parseEmail(raw, request.limits, { plainTextBecause: request.plainTextBecause });
    const response: WorkerResponse = result.ok
      ? { id: request.id, ok: true, value: result.value }
      : { id: request.id, ok: false, reason: result.error.reason, message: result.error.message, metadata: {} };
    port.postMessage(response);
  });
  port.postMessage({ id: 0, ready: true } satisfies WorkerResponse);
}
