/**
 * Where model runs happen. `worker` (the default) runs every session on one inference thread, so
 * the event loop keeps decoding the next batch while the model scores this one, and coalesces the
 * runs that queue up for the same session into one (dynamic batching, as Triton does): concurrent
 * small unary calls share a model run. `inline` runs on the calling thread (simplest; for
 * comparison in the benchmark and for one-shot CLI use).
 */

import type { Worker } from 'node:worker_threads';
import { siblingFile, startWorker } from '../worker-file';
import type { FeaturesSpec, ModelIo, WorkerReply, WorkerRequest } from './inference-protocol';
import { type ModelEngine, openModelRunner } from './trees/tree-runner';

export interface SessionSpec extends ModelIo {
  intraOpThreads: number;
  /** Lets the session compute features from raw values too (worker backend only; see scoreValues). */
  features?: FeaturesSpec | undefined;
}

export interface ScoredValues {
  probabilities: Float32Array;
  /** The feature rows computed for the values, row-major. */
  features: Float32Array;
}

export interface InferenceSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** What runs of at most SMALL_RUN_ROWS rows use (trees/tree-runner.ts), and why not the walk. */
  readonly smallRuns: 'trees' | 'onnxruntime';
  readonly smallRunsFallback?: string | undefined;
  /** Probability of the positive class for `rows` feature rows laid out row-major. */
  run(features: Float32Array, rows: number): Promise<Float32Array>;
  /**
   * Parses the raw values, computes their features and runs the model, on the inference thread;
   * present when the session was loaded with `features`.
   */
  scoreValues?(values: string[]): Promise<ScoredValues>;
  release(): Promise<void>;
}

/** Work waiting and in progress in a backend, read by the metrics when scraped. */
export interface BackendLoad {
  /** Runs queued for coalescing, not yet started. */
  queued: number;
  /** Runs (and feature batches) started and not yet answered. */
  inFlight: number;
}

export interface InferenceBackend {
  load(bytes: Uint8Array, spec: SessionSpec): Promise<InferenceSession>;
  /** What waits and what runs now (plain counters: reading them costs nothing on the hot path). */
  pending(): BackendLoad;
  /** Why the backend can no longer run large batches (its thread is gone), or undefined while it can. */
  failure(): string | undefined;
  /** Called once if the backend fails while serving (not when closed). */
  onFailure(listener: (why: string) => void): void;
  close(): Promise<void>;
}

interface Pending {
  features: Float32Array;
  rows: number;
  resolve: (p: Float32Array) => void;
  reject: (e: Error) => void;
}

/** Coalesced runs stop growing at this many rows, so one huge queue cannot make a run slow for all. */
const MAX_COALESCED_ROWS = 16384;

/**
 * Runs of at most this many rows stay on the event loop even with the worker backend. Handing a run
 * to the inference thread and back costs two thread wake-ups: measured ~210 us (p50) for one row on
 * this 2-core VM and 1-8 ms under load, against ~20 us to run that row here; a run this size costs
 * the event loop ~6 us + ~4 us per row (domain model v1).
 */
export const INLINE_MAX_ROWS = 64;

/**
 * Runs queued for one session, coalesced into one model run (dynamic batching, as Triton does):
 * `execute` gets the concatenated rows and returns one probability per row.
 */
class RunQueue {
  private queue: Pending[] = [];
  private busy = false;

  constructor(
    /** The backend's counters, shared by its queues. */
    private readonly load: BackendLoad,
    private readonly width: number,
    private readonly execute: (features: Float32Array, rows: number) => Promise<Float32Array>,
    /** Lets more runs queue up before the first one starts (e.g. until the end of this event-loop turn). */
    private readonly gather: (start: () => void) => void = (start) => start(),
  ) {}

  push(features: Float32Array, rows: number): Promise<Float32Array> {
    if (features.length < rows * this.width)
      return Promise.reject(
        new Error(`${rows} rows of ${this.width} features need ${rows * this.width} values, got ${features.length}`),
      );
    return new Promise((resolve, reject) => {
      this.queue.push({ features, rows, resolve, reject });
      this.load.queued++;
      if (!this.busy) {
        this.busy = true;
        this.gather(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      let rows = 0;
      let take = 0;
      while (take < this.queue.length && (take === 0 || rows + this.queue[take]!.rows <= MAX_COALESCED_ROWS))
        rows += this.queue[take++]!.rows;
      const group = this.queue.splice(0, take);
      this.load.queued -= take;
      this.load.inFlight += take;
      const features = new Float32Array(rows * this.width);
      let at = 0;
      for (const p of group) {
        features.set(p.features.subarray(0, p.rows * this.width), at);
        at += p.rows * this.width;
      }
      try {
        const probabilities = await this.execute(features, rows);
        let offset = 0;
        for (const p of group) {
          p.resolve(probabilities.slice(offset, offset + p.rows));
          offset += p.rows;
        }
      } catch (err) {
        for (const p of group) p.reject(err instanceof Error ? err : new Error(String(err)));
      } finally {
        this.load.inFlight -= take;
      }
    }
    this.busy = false;
  }
}

export interface BackendOptions {
  /** How runs on the event loop are made (see trees/tree-runner.ts); `trees` by default. */
  engine?: ModelEngine;
}

/** A session on the event loop; the runs queued during one event-loop turn share one model run. */
async function loadInline(
  bytes: Uint8Array,
  spec: SessionSpec,
  engine: ModelEngine,
  load: BackendLoad,
): Promise<InferenceSession> {
  const runner = await openModelRunner(bytes, { ...spec, engine });
  const queue = new RunQueue(
    load,
    spec.width,
    (features, rows) => runner.run(features, rows),
    (start) => setImmediate(start),
  );
  return {
    inputNames: runner.inputNames,
    outputNames: runner.outputNames,
    smallRuns: runner.smallRuns,
    smallRunsFallback: runner.fallbackReason,
    run: (features, rows) => queue.push(features, rows),
    release: () => runner.release(),
  };
}

export function createInlineBackend(opts: BackendOptions = {}): InferenceBackend {
  const engine = opts.engine ?? 'trees';
  const load: BackendLoad = { queued: 0, inFlight: 0 };
  return {
    load: (bytes, spec) => loadInline(bytes, spec, engine, load),
    pending: () => load,
    failure: () => undefined,
    onFailure: () => {},
    close: async () => {},
  };
}

export function createWorkerBackend(opts: BackendOptions = {}): InferenceBackend {
  const engine = opts.engine ?? 'trees';
  const worker: Worker = startWorker(siblingFile(__filename, 'inference-worker'));
  worker.unref();
  let nextId = 1;
  let nextSession = 1;
  const replies = new Map<number, (r: WorkerReply) => void>();
  const backendLoad: BackendLoad = { queued: 0, inFlight: 0 };
  worker.on('message', (r: WorkerReply) => {
    const done = replies.get(r.id);
    replies.delete(r.id);
    done?.(r);
  });
  // Once the thread is gone every request fails at once: a message to it would never be answered.
  let gone: string | undefined;
  let closing = false;
  const listeners: ((why: string) => void)[] = [];
  const fail = (why: string) => {
    const first = gone === undefined;
    gone ??= why;
    for (const done of replies.values()) done({ id: 0, ok: false, error: why });
    replies.clear();
    if (first && !closing) for (const l of listeners) l(why);
  };
  worker.on('error', (err) => fail(`inference thread failed: ${err.message}`));
  worker.on('exit', (code) => fail(`inference thread exited (code ${code})`));

  function request(msg: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    if (gone !== undefined) return Promise.resolve({ id: msg.id, ok: false, error: gone });
    return new Promise((resolve) => {
      replies.set(msg.id, resolve);
      worker.postMessage(msg, transfer);
    });
  }

  return {
    async load(bytes, spec) {
      const session = nextSession++;
      const loaded = await request({
        type: 'load',
        id: nextId++,
        session,
        bytes,
        intraOpThreads: spec.intraOpThreads,
        features: spec.features,
      });
      if (!loaded.ok) throw new Error(loaded.error);
      // The same model on the event loop, for runs too small to be worth the trip (INLINE_MAX_ROWS).
      const inline = await loadInline(bytes, spec, engine, backendLoad);
      const io: ModelIo = { width: spec.width, input: spec.input, output: spec.output, positive: spec.positive };
      const queue = new RunQueue(backendLoad, spec.width, async (features, rows) => {
        const reply = await request({ type: 'run', id: nextId++, session, features, rows, ...io }, [
          features.buffer as ArrayBuffer,
        ]);
        if (!reply.ok || reply.probabilities === undefined)
          throw new Error(reply.ok ? 'inference returned nothing' : reply.error);
        return reply.probabilities;
      });

      async function scoreValues(values: string[]): Promise<ScoredValues> {
        backendLoad.inFlight++;
        const reply = await request({ type: 'score', id: nextId++, session, values, ...io }).finally(() => {
          backendLoad.inFlight--;
        });
        if (!reply.ok || reply.probabilities === undefined || reply.features === undefined)
          throw new Error(reply.ok ? 'inference returned nothing' : reply.error);
        return { probabilities: reply.probabilities, features: reply.features };
      }

      return {
        inputNames: loaded.inputNames ?? [],
        outputNames: loaded.outputNames ?? [],
        smallRuns: inline.smallRuns,
        smallRunsFallback: inline.smallRunsFallback,
        run: (features, rows) => (rows <= INLINE_MAX_ROWS ? inline.run(features, rows) : queue.push(features, rows)),
        scoreValues: spec.features === undefined ? undefined : scoreValues,
        async release() {
          await Promise.all([request({ type: 'release', id: nextId++, session }), inline.release()]);
        },
      };
    },
    pending: () => backendLoad,
    failure: () => gone,
    onFailure(listener) {
      listeners.push(listener);
    },
    async close() {
      closing = true;
      await worker.terminate();
    },
  };
}
