/**
 * Worker-thread entry for parse-pool.ts: parses one message per request. Results cross the thread
 * boundary by structured clone, so a per-item error travels as its parts (reason, message,
 * metadata) and is rebuilt as a PredictError on the other side.
 */
import { parentPort } from 'node:worker_threads';
import type { ErrorReason } from '../../errors';
import { parseEmail } from './parse-email';
import type { EmailLimits, ParsedEmail } from './types';

export interface WorkerRequest {
  id: number;
  raw: Uint8Array;
  limits: Partial<EmailLimits>;
  /** Read the message as plain text from its start, for this reason (see parse-pool.ts). */
  plainTextBecause?: string | undefined;
}

export type WorkerResponse =
  | { id: number; ok: true; value: ParsedEmail }
  | { id: number; ok: false; reason: ErrorReason; message: string; metadata: Record<string, string> }
  /** An unexpected throw: `detail` is for the server log only (never bodies: an error message and stack). */
  | { id: number; ok: false; reason: 'INTERNAL'; message: string; metadata: Record<string, string>; detail: string }
  /** Sent once when the modules are loaded, so the pool's time limit does not count start-up. */
  | { id: 0; ready: true };

const port = parentPort;
if (port) {
  port.on('message', async (request: WorkerRequest) => {
    let response: WorkerResponse;
    try {
      const result = await parseEmail(
        Buffer.from(request.raw.buffer, request.raw.byteOffset, request.raw.byteLength),
        request.limits,
        { plainTextBecause: request.plainTextBecause },
      );
      response = result.ok
        ? { id: request.id, ok: true, value: result.value }
        : {
            id: request.id,
            ok: false,
            reason: result.error.reason,
            message: result.error.message,
            metadata: { ...result.error.metadata },
          };
    } catch (err) {
      const detail = err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err);
      response = {
        id: request.id,
        ok: false,
        reason: 'INTERNAL',
        message: 'internal error',
        metadata: {},
        detail: detail.slice(0, 4000),
      };
    }
    port.postMessage(response);
  });
  port.postMessage({ id: 0, ready: true } satisfies WorkerResponse);
}
