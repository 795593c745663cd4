/**
 * Runs parseEmail in a small fixed pool of worker threads so that a pathological message cannot
 * stall the server: each parse has a time limit, and a worker that overruns it is terminated (that
 * interrupts even a blocked event loop) and replaced; the caller gets EMAIL_PARSE_TIMEOUT for that
 * message only. Messages queue in arrival order while every worker is busy.
 *
 * The worker file sits next to this one (`.js` in dist/, `.ts` under tsx); see src/worker-file.ts.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { itemError } from '../../errors';
import { siblingFile, startWorker } from '../../worker-file';
import { fail, ok, type Parsed } from '../types';
import type { WorkerRequest, WorkerResponse } from './parse-worker';
import { DEFAULT_EMAIL_LIMITS, type EmailLimits, type ParsedEmail } from './types';

export interface ParsePoolOptions {
  /** Worker threads; default half the cores, at least 1. */
  size?: number;
  /** Limits for every message; defaults from DEFAULT_EMAIL_LIMITS. */
  limits?: Partial<EmailLimits>;
  /** Where unexpected worker failures are reported (never message content). pino's `error(obj, msg)` fits. */
  logger?: { error(details: object, message: string): void };
  /** Worker heap ceiling in MiB; a message that needs more fails alone. */
  maxHeapMb?: number;
}

export interface ParsePool {
  /** `overrides` tighten the pool's limits for one message, e.g. a time limit from the call's deadline. */
  parse(raw: Buffer, overrides?: Partial<EmailLimits>): Promise<Parsed<ParsedEmail>>;
  /** Terminates the workers; queued and running parses resolve with INTERNAL. */
  close(): Promise<void>;
}

interface Job {
  id: number;
  raw: Buffer;
  limits: EmailLimits;
  resolve(result: Parsed<ParsedEmail>): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
}

const WORKER_FILE = siblingFile(__filename, 'parse-worker');

export function createParsePool(options: ParsePoolOptions = {}): ParsePool {
  const limits: EmailLimits = { ...DEFAULT_EMAIL_LIMITS, ...options.limits };
  const size = Math.max(1, options.size ?? Math.floor(availableParallelism() / 2));
  const queue: Job[] = [];
  const slots: Slot[] = [];
  let nextId = 1;
  let closed = false;
  // A worker that dies before it is ready (a broken install) would otherwise be respawned forever.
  let failedStarts = 0;

  const settle = (slot: Slot, result: Parsed<ParsedEmail>): void => {
    const job = slot.job;
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.timer = undefined;
    job?.resolve(result);
  };

  const replace = (slot: Slot): void => {
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    slot.ready = false;
    if (!closed) slot.worker = spawn(() => slot);
  };

  const spawn = (slotOf: () => Slot): Worker => {
    const worker = startWorker(WORKER_FILE, { resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 512 } });
    worker.on('message', (response: WorkerResponse) => {
      const slot = slotOf();
      if ('ready' in response) {
        slot.ready = true;
        pump();
        return;
      }
      if (slot.job?.id !== response.id) return;
      if (response.ok) settle(slot, ok(response.value));
      else {
        if ('detail' in response) options.logger?.error({ detail: response.detail }, 'email parse failed');
        settle(slot, fail(itemError(response.reason, response.message, response.metadata)));
      }
      pump();
    });
    worker.on('error', (err: Error & { code?: string }) => {
      const slot = slotOf();
      const outOfMemory = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
      if (!outOfMemory) options.logger?.error({ detail: `${err.name}: ${err.message}` }, 'email parse worker crashed');
      settle(
        slot,
        fail(
          outOfMemory
            ? itemError('INVALID_EMAIL_MESSAGE', 'parsing the message needed more memory than a worker may use')
            : itemError('INTERNAL', 'internal error'),
        ),
      );
      if (!slot.ready && ++failedStarts > 3 * size) {
        closed = true;
        for (const job of queue.splice(0)) job.resolve(fail(itemError('INTERNAL', 'internal error')));
      }
      replace(slot);
      pump();
    });
    return worker;
  };

  const pump = (): void => {
    for (const slot of slots) {
      if (closed || queue.length === 0) return;
      if (slot.job || !slot.ready) continue;
      const job = queue.shift() as Job;
      slot.job = job;
      const { timeoutMs } = job.limits;
      slot.timer = setTimeout(() => {
        settle(
          slot,
          fail(
            itemError('EMAIL_PARSE_TIMEOUT', `parsing the message took longer than ${timeoutMs} ms`, {
              timeout_ms: String(timeoutMs),
            }),
          ),
        );
        replace(slot);
        pump();
      }, timeoutMs);
      const raw = new Uint8Array(job.raw);
      const request: WorkerRequest = { id: job.id, raw, limits: job.limits };
      slot.worker.postMessage(request, [raw.buffer]);
    }
  };

  for (let i = 0; i < size; i++) {
    const slot: Slot = { job: undefined, timer: undefined, ready: false, worker: spawn(() => slot) };
    slots.push(slot);
  }

  return {
    parse(raw, overrides = {}) {
      if (closed) return Promise.resolve(fail(itemError('INTERNAL', 'internal error')));
      const jobLimits = { ...limits, ...overrides };
      if (raw.length > jobLimits.maxBytes) {
        return Promise.resolve(
          fail(
            itemError('EMAIL_TOO_LARGE', `the message is ${raw.length} bytes; the maximum is ${jobLimits.maxBytes}`, {
              size: String(raw.length),
              max: String(jobLimits.maxBytes),
            }),
          ),
        );
      }
      return new Promise((resolve) => {
        queue.push({ id: nextId++, raw, limits: jobLimits, resolve });
        pump();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.resolve(fail(itemError('INTERNAL', 'internal error')));
      await Promise.all(
        slots.map((slot) => {
          settle(slot, fail(itemError('INTERNAL', 'internal error')));
          slot.worker.removeAllListeners();
          return slot.worker.terminate();
        }),
      );
    },
  };
}
