/**
 * Runs parseEmail in a small fixed pool of worker threads so that a pathological message cannot
 * stall the server: each parse has a time limit, and a worker that overruns it is terminated (that
 * interrupts even a blocked event loop) and replaced; the caller gets EMAIL_PARSE_TIMEOUT for that
 * message only.
 *
 * While every worker is busy, messages wait in one queue per caller, and the workers take from the
 * callers in turn, so a client that sends fifty large messages delays another's one message by at most
 * one parse per worker, not fifty. Work nobody will read is dropped: a message whose call was cancelled
 * leaves the queue (or its worker, which is replaced), and one whose call deadline passed while it
 * waited is answered without being parsed. The queue is bounded in messages and bytes; past that a
 * message is answered EMAIL_QUEUE_FULL (RESOURCE_EXHAUSTED, with a retry delay) at once.
 *
 * The worker file sits next to this one (`.js` in dist/, `.ts` under tsx); see src/worker-file.ts.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { itemError, PredictError } from '../../errors';
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
  /** Messages waiting at most, over all callers (default 1,000). */
  maxQueued?: number;
  /** Bytes of waiting messages at most, over all callers (default 128 MiB). */
  maxQueuedBytes?: number;
  /**
   * The worker's entry file (default parse-worker beside this file). Tests pass one that speaks the
   * same protocol but stalls on purpose, so the pool's handling of slow parses is checked without
   * depending on how fast this machine parses.
   */
  workerFile?: string;
  /** Told of every message a worker finished with (parsed, refused, timed out): size and time on the worker. */
  metrics?: { parsed(bytes: number, seconds: number, outcome: 'ok' | 'error' | 'timeout'): void };
}

/** Who asks and until when: lets the pool share workers fairly and drop work nobody will read. */
export interface ParseRequest {
  /** Tightens the pool's limits for this message. */
  limits?: Partial<EmailLimits>;
  /** The caller (e.g. its connection); messages of different callers are taken in turn. */
  caller?: string;
  /** Epoch ms after which the answer is of no use: not started after it, and not run past it. */
  deadline?: number;
  /** Aborted when the call is gone: the message leaves the queue, or its worker stops. */
  signal?: AbortSignal;
}

export interface ParsePool {
  parse(raw: Buffer, request?: ParseRequest): Promise<Parsed<ParsedEmail>>;
  /** Messages waiting for a worker now. */
  queued(): number;
  /** Bytes of the messages waiting now. */
  queuedBytes(): number;
  /** Messages being parsed now. */
  running(): number;
  /** Terminates the workers; queued and running parses resolve with INTERNAL. */
  close(): Promise<void>;
}

interface Job {
  id: number;
  raw: Buffer;
  limits: EmailLimits;
  caller: string;
  deadline: number;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** Set when the full parse ran out of time: the message is read again as plain text, once. */
  plainTextBecause?: string | undefined;
  /** performance.now() when a worker took it. */
  started: number;
  resolve(result: Parsed<ParsedEmail>): void;
}

/** How long a caller refused for a full queue is asked to wait before retrying. */
const QUEUE_FULL_RETRY_MS = 1000;

const cancelled = () =>
  fail<ParsedEmail>(itemError('CALL_CANCELLED', 'the call was cancelled before the message was parsed'));

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
  const maxQueued = options.maxQueued ?? 1000;
  const maxQueuedBytes = options.maxQueuedBytes ?? 128 * 1024 * 1024;
  // One FIFO per caller, and the callers that have messages waiting, in the order they are served.
  const queues = new Map<string, Job[]>();
  const turns: string[] = [];
  let queuedJobs = 0;
  let queuedBytes = 0;
  const slots: Slot[] = [];
  let nextId = 1;
  let closed = false;
  // A worker that dies before it is ready (a broken install) would otherwise be respawned forever.
  let failedStarts = 0;

  const finish = (job: Job, result: Parsed<ParsedEmail>): void => {
    if (job.onAbort !== undefined) job.signal?.removeEventListener('abort', job.onAbort);
    job.resolve(result);
  };

  const settle = (slot: Slot, result: Parsed<ParsedEmail>): void => {
    const job = slot.job;
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.timer = undefined;
    if (job === undefined) return;
    if (options.metrics !== undefined) {
      const outcome = result.ok ? 'ok' : result.error.reason === 'EMAIL_PARSE_TIMEOUT' ? 'timeout' : 'error';
      options.metrics.parsed(job.raw.length, (performance.now() - job.started) / 1000, outcome);
    }
    finish(job, result);
  };

  const enqueue = (job: Job): void => {
    const q = queues.get(job.caller);
    if (q === undefined) {
      queues.set(job.caller, [job]);
      turns.push(job.caller);
    } else q.push(job);
    queuedJobs++;
    queuedBytes += job.raw.length;
  };

  /** A message that goes again before any other (its first parse ran out of time). */
  const requeueFirst = (job: Job): void => {
    const q = queues.get(job.caller);
    if (q === undefined) queues.set(job.caller, [job]);
    else q.unshift(job);
    const turn = turns.indexOf(job.caller);
    if (turn >= 0) turns.splice(turn, 1);
    turns.unshift(job.caller);
    queuedJobs++;
    queuedBytes += job.raw.length;
  };

  /** The next caller's oldest message; that caller goes to the back of the line. */
  const dequeue = (): Job | undefined => {
    const caller = turns.shift();
    if (caller === undefined) return undefined;
    const q = queues.get(caller) as Job[];
    const job = q.shift() as Job;
    if (q.length === 0) queues.delete(caller);
    else turns.push(caller);
    queuedJobs--;
    queuedBytes -= job.raw.length;
    return job;
  };

  /** Takes a waiting message out of the queue; false when it is not waiting (running or done). */
  const unqueue = (job: Job): boolean => {
    const q = queues.get(job.caller);
    const i = q?.indexOf(job) ?? -1;
    if (q === undefined || i < 0) return false;
    q.splice(i, 1);
    if (q.length === 0) {
      queues.delete(job.caller);
      turns.splice(turns.indexOf(job.caller), 1);
    }
    queuedJobs--;
    queuedBytes -= job.raw.length;
    return true;
  };

  const drain = (result: () => Parsed<ParsedEmail>): void => {
    for (let job = dequeue(); job !== undefined; job = dequeue()) finish(job, result());
  };

  const replace = (slot: Slot): void => {
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    slot.ready = false;
    if (!closed) slot.worker = spawn(() => slot);
  };

  const spawn = (slotOf: () => Slot): Worker => {
    const worker = startWorker(options.workerFile ?? WORKER_FILE, {
      resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 512 },
    });
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
        drain(() => fail(itemError('INTERNAL', 'internal error')));
      }
      replace(slot);
      pump();
    });
    return worker;
  };

  const pump = (): void => {
    for (const slot of slots) {
      if (closed || queuedJobs === 0) return;
      if (slot.job || !slot.ready) continue;
      let job = dequeue() as Job;
      // Answers for calls whose deadline passed while they waited go nowhere: skip the parse.
      while (job.deadline <= Date.now()) {
        finish(job, fail(itemError('EMAIL_PARSE_TIMEOUT', "the call's deadline passed before the message was parsed")));
        const next = dequeue();
        if (next === undefined) return;
        job = next;
      }
      slot.job = job;
      job.started = performance.now();
      const timeoutMs = Math.max(1, Math.min(job.limits.timeoutMs, job.deadline - Date.now()));
      slot.timer = setTimeout(() => {
        const late = slot.job;
        if (late !== undefined && late.plainTextBecause === undefined && late.deadline > Date.now()) {
          // Slow to parse is a parser limit like the others (issue #15 item 7): a message made to
          // outlast the time limit is read again as plain text from its start, and scored, instead
          // of escaping with an error. Once: if that runs out of time too, the caller gets the error.
          clearTimeout(slot.timer);
          slot.job = undefined;
          slot.timer = undefined;
          late.plainTextBecause = `parsing the message took longer than ${timeoutMs} ms`;
          requeueFirst(late);
        } else {
          settle(
            slot,
            fail(
              itemError('EMAIL_PARSE_TIMEOUT', `parsing the message took longer than ${timeoutMs} ms`, {
                timeout_ms: String(timeoutMs),
              }),
            ),
          );
        }
        replace(slot);
        pump();
      }, timeoutMs);
      // A copy goes to the worker: the job keeps its bytes for a second reading.
      const raw = new Uint8Array(job.raw);
      const request: WorkerRequest = { id: job.id, raw, limits: job.limits, plainTextBecause: job.plainTextBecause };
      slot.worker.postMessage(request, [raw.buffer]);
    }
  };

  for (let i = 0; i < size; i++) {
    const slot: Slot = { job: undefined, timer: undefined, ready: false, worker: spawn(() => slot) };
    slots.push(slot);
  }

  /** The caller gave up: a waiting message leaves the queue, a running one stops its worker. */
  const abort = (job: Job): void => {
    if (unqueue(job)) {
      finish(job, cancelled());
      return;
    }
    const slot = slots.find((s) => s.job === job);
    if (slot === undefined) return;
    settle(slot, cancelled());
    replace(slot);
    pump();
  };

  return {
    parse(raw, request = {}) {
      if (closed) return Promise.resolve(fail(itemError('INTERNAL', 'internal error')));
      if (request.signal?.aborted) return Promise.resolve(cancelled());
      const jobLimits = { ...limits, ...request.limits };
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
      if (queuedJobs >= maxQueued || queuedBytes + raw.length > maxQueuedBytes) {
        const err = new PredictError(
          'EMAIL_QUEUE_FULL',
          `${queuedJobs} messages (${queuedBytes} bytes) are waiting to be parsed; retry later`,
          { queued: String(queuedJobs), queued_bytes: String(queuedBytes) },
          QUEUE_FULL_RETRY_MS,
        );
        return Promise.resolve(fail(err));
      }
      return new Promise((resolve) => {
        const job: Job = {
          id: nextId++,
          raw,
          limits: jobLimits,
          caller: request.caller ?? '',
          deadline: request.deadline ?? Number.POSITIVE_INFINITY,
          signal: request.signal,
          onAbort: undefined,
          started: 0,
          resolve,
        };
        if (job.signal !== undefined) {
          job.onAbort = () => abort(job);
          job.signal.addEventListener('abort', job.onAbort, { once: true });
        }
        enqueue(job);
        pump();
      });
    },
    queued: () => queuedJobs,
    queuedBytes: () => queuedBytes,
    running: () => slots.reduce((n, s) => n + (s.job === undefined ? 0 : 1), 0),
    async close() {
      closed = true;
      drain(() => fail(itemError('INTERNAL', 'internal error')));
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
