/**
 * Where model runs happen. `worker` (the default) runs every session on a pool of worker threads
 * (`--workers`), so the event loop keeps decoding the next batch while the model scores this one,
 * and the workers take the whole miss path of large batches (`answer`); it coalesces the
 * runs that queue up for the same session into one (dynamic batching, as Triton does): concurrent
 * small unary calls share a model run. `inline` runs on the calling thread (simplest; for
 * comparison in the benchmark and for one-shot CLI use).
 */

import type { Worker } from 'node:worker_threads';
import type { IndicatorKind } from '../indicators/types';
import { siblingFile, startWorker } from '../worker-file';
import type {
  AnswerReply,
  FeaturesSpec,
  ModelEngine,
  ModelIo,
  RawValues,
  WalkCheck,
  WorkerReply,
  WorkerRequest,
} from './inference-protocol';
import type { View } from './stages';
import { openModelRunner } from './trees/tree-runner';

export interface SessionSpec extends ModelIo {
  intraOpThreads: number;
  /** Lets the session compute features from raw values too (worker backend only; see scoreValues). */
  features?: FeaturesSpec | undefined;
  /** What the pipeline shares with the workers now (Pipeline.shared), asked before each request; stays here. */
  shared?: (() => unknown) | undefined;
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
  scoreValues?(values: string[], contexts?: unknown[]): Promise<ScoredValues>;
  /**
   * The whole miss path of a batch on a worker (inference-worker.ts `answer`): present with the
   * worker backend, for sessions loaded with `features`, when the backend has an answer encoder.
   */
  answer?(values: RawValues, view: View, keep: number[]): Promise<AnswerReply>;
  /**
   * Resident (the serving version): loaded on every worker now and by every replacement, so no request
   * waits for a load. Not resident (a version kept for rollback): released from the workers, and
   * loaded again by a worker at its first request for it. Absent for sessions on the event loop.
   */
  resident?(on: boolean): Promise<void>;
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
  /** The worker threads serving now (none inline), e.g. for a test to stop one as a crash would. */
  workers?(): readonly Worker[];
  /** How many sessions each worker holds loaded now (none inline), e.g. for a test of what workers load. */
  loadedSessions?(): number[];
  /**
   * Sends every worker what the pipelines share now (after a geo reload), instead of at its next
   * request of that kind: a worker that sees none would otherwise keep the old databases alive, and
   * so would the record here of what it was sent.
   */
  reshare?(): void;
  /** What each worker was last sent for `kind` (Pipeline.shared), e.g. for a test of reshare. */
  sharedWith?(kind: IndicatorKind): unknown[];
  /** Answers the requests already on a thread, fails the ones still waiting and every later one, ends the threads. */
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

/**
 * A session on the event loop; the runs queued during one event-loop turn share one model run.
 * `checked`: the verdict on its walks, which the worker backend hands on to its workers.
 */
async function loadInline(
  bytes: Uint8Array,
  spec: SessionSpec,
  engine: ModelEngine,
  load: BackendLoad,
): Promise<InferenceSession & { checked: WalkCheck }> {
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
    checked: runner.checked,
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

export interface WorkerBackendOptions extends BackendOptions {
  /** Worker threads (`--workers`); 1 by default. */
  workers?: number;
  /**
   * The module that encodes answers in the workers (inference-worker.ts AnswerEncoder), for
   * `answer`; the transport's, so the core never imports it. Without it sessions offer no `answer`.
   */
  answerEncoder?: string | undefined;
  /**
   * The workers' entry file (default inference-worker beside this file). Tests pass one that speaks
   * the same protocol and fails in a chosen way, e.g. test/helpers/crashing-inference-worker.ts.
   */
  workerFile?: string | undefined;
}

/**
 * Requests (runs, feature batches, answered batches) in progress on one worker at most. More wait on
 * the event loop, in order, so a fast client cannot grow what the workers hold: the stream that sent
 * a waiting batch stops reading past its read-ahead (server/stream.ts). Two keep a worker busy while
 * its last answer travels back.
 */
export const WORKER_QUEUE = 2;

/**
 * The young generation of a worker's heap (V8's new space: two semi-spaces of a third of this each, and
 * the new large-object space), in MB. A worker allocates ~2-3.5 kB per new indicator (parse, features,
 * reasons, the answers), and while it scores a batch of 1000 that batch's objects are alive: at V8's
 * default (16 MB semi-spaces, a scavenge every ~4 batches of new IPs) each scavenge copied ~1.6 MB of
 * them and promoted ~0.8 MB (to be marked and compacted later): ~3-4 us of GC per new IP address on the
 * worker and V8's helper threads. 96 (32 MB semi-spaces) halves the scavenges; 192 cut a new IP's
 * server CPU more (-18%) but made a new domain's compact answer dearer (+17-32%: a nursery that no
 * longer stays in the CPU's caches), so 96 (issue 17; src/bench/README.md "Where a new indicator's
 * server CPU goes"). Costs up to 2 x 32 MB of semi-space per worker once grown (V8 grows it under load).
 */
export const WORKER_YOUNG_GENERATION_MB = 96;

/** Workers that crash more often than this within RESPAWN_WINDOW_MS are not started again: the backend fails. */
const MAX_RESPAWNS = 16;
const RESPAWN_WINDOW_MS = 60_000;

/** A request to a worker. */
interface Job {
  msg: WorkerRequest;
  transfer: ArrayBuffer[];
  /** Counted against WORKER_QUEUE (runs and batches; loads and releases go to every worker at once). */
  counted: boolean;
  /** Workers that died while handling this request (not while it waited behind another). */
  crashes: number;
  done: (r: WorkerReply) => void;
}

interface Thread {
  worker: Worker;
  jobs: Map<number, Job>;
  /** Counted jobs in progress. */
  busy: number;
  /** Sessions sent to this worker to load (and not released since). */
  loaded: Set<number>;
  /** What each pipeline kind last shared with this worker (see shareOn). */
  shared: Map<IndicatorKind, unknown>;
  /** Settles when the thread has ended, however it ended. */
  exited: Promise<void>;
}

/**
 * How long close() lets each worker finish what it holds (a run takes milliseconds; a coalesced run of
 * MAX_COALESCED_ROWS rows ~70 ms here) before stopping it anyway. Stopping a thread inside an
 * onnxruntime call aborts the whole process (SIGABRT), so that is the last resort of a stuck worker.
 */
export const CLOSE_TIMEOUT_MS = 10_000;

type LoadRequest = Extract<WorkerRequest, { type: 'load' }>;

/**
 * A pool of `workers` pipeline workers (inference-worker.ts). Any worker can take any request: each
 * goes to the least busy worker with room (WORKER_QUEUE), or waits, and a worker loads a session it
 * does not hold just before the request for it. Resident sessions (serving versions) are loaded on
 * every worker ahead of time; the others (versions kept for rollback) only where they are asked for,
 * so workers do not each hold every version. A worker that dies is replaced, the replacement loads the
 * resident sessions first, and the
 * requests the dead one held are sent again; a request that was running when two workers died is
 * answered with an error (its callers then score on the event loop or answer per-item errors).
 */
export function createWorkerBackend(opts: WorkerBackendOptions = {}): InferenceBackend {
  const engine = opts.engine ?? 'trees';
  const size = Math.max(1, opts.workers ?? 1);
  let nextId = 1;
  let nextSession = 1;
  const backendLoad: BackendLoad = { queued: 0, inFlight: 0 };
  const threads: Thread[] = [];
  const waiting: Job[] = [];
  /** Every live session: how to load it on a worker, and whether every worker keeps it loaded. */
  const live = new Map<number, { load: LoadRequest; resident: boolean; shared?: (() => unknown) | undefined }>();
  const crashes: number[] = [];
  // Once the pool is gone every request fails at once: a message to it would never be answered.
  let gone: string | undefined;
  let closing = false;
  let closed: Promise<void> | undefined;
  const listeners: ((why: string) => void)[] = [];

  /**
   * Loads the session on the worker ahead of a request for it, if it is not loaded there (a worker
   * handles messages in order). Its reply (id 0) answers no request: should it fail, the request says so.
   */
  function loadOn(t: Thread, session: number): void {
    const s = live.get(session);
    if (s === undefined || t.loaded.has(session)) return;
    t.loaded.add(session);
    shareOn(t, session);
    t.worker.postMessage({ ...s.load, id: 0 });
  }

  /**
   * Sends the worker what the session's pipeline shares now (Pipeline.shared: e.g. the geo databases
   * after a reload), if it has not had that, ahead of a request (a worker handles messages in order):
   * a request is answered with the data current when it left the event loop. Its reply (id 0) answers
   * no request: should the worker fail to use it, the requests of that kind fail and say so.
   */
  function shareOn(t: Thread, session: number): void {
    const s = live.get(session);
    const kind = s?.load.features?.kind;
    if (kind === undefined) return;
    const value = s!.shared?.();
    if (t.shared.has(kind) && t.shared.get(kind) === value) return;
    t.shared.set(kind, value);
    t.worker.postMessage({ type: 'shared', id: 0, kind, value } satisfies WorkerRequest);
  }

  function send(t: Thread, job: Job): void {
    const { msg } = job;
    if (msg.type === 'run' || msg.type === 'score' || msg.type === 'answer') {
      loadOn(t, msg.session);
      shareOn(t, msg.session);
    } else if (msg.type === 'load') {
      t.loaded.add(msg.session);
      shareOn(t, msg.session);
    } else if (msg.type === 'release') t.loaded.delete(msg.session);
    if (job.counted) {
      t.busy++;
      backendLoad.inFlight++;
    }
    t.jobs.set(job.msg.id, job);
    t.worker.postMessage(job.msg, job.transfer);
  }

  /** The least busy worker with room, if any. */
  function idle(): Thread | undefined {
    let best: Thread | undefined;
    for (const t of threads) if (t.busy < WORKER_QUEUE && (best === undefined || t.busy < best.busy)) best = t;
    return best;
  }

  function dispatch(): void {
    while (waiting.length > 0) {
      const t = idle();
      if (t === undefined) return;
      const job = waiting.shift()!;
      backendLoad.queued--;
      send(t, job);
    }
  }

  function settle(t: Thread, id: number, reply: WorkerReply): void {
    const job = t.jobs.get(id);
    if (job === undefined) return;
    t.jobs.delete(id);
    if (job.counted) {
      t.busy--;
      backendLoad.inFlight--;
    }
    job.done(reply);
    dispatch();
  }

  function failAll(why: string): void {
    const first = gone === undefined;
    gone ??= why;
    for (const t of threads) {
      for (const [id] of t.jobs) settle(t, id, { id, ok: false, error: gone });
    }
    for (const job of waiting.splice(0)) job.done({ id: job.msg.id, ok: false, error: gone });
    backendLoad.queued = 0;
    if (first && !closing) for (const l of listeners) l(why);
  }

  function spawn(): Thread {
    const worker = startWorker(opts.workerFile ?? siblingFile(__filename, 'inference-worker'), {
      workerData: { answerEncoder: opts.answerEncoder },
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    worker.unref();
    const t: Thread = {
      worker,
      jobs: new Map(),
      busy: 0,
      loaded: new Set(),
      shared: new Map(),
      exited: new Promise((ended) => worker.once('exit', () => ended())),
    };
    worker.on('message', (r: WorkerReply) => settle(t, r.id, r));
    let ended = false;
    const crashed = (why: string) => {
      if (ended) return;
      ended = true;
      replace(t, why);
    };
    worker.on('error', (err) => crashed(`inference thread failed: ${err.message}`));
    worker.on('exit', (code) => crashed(`inference thread exited (code ${code})`));
    // A replacement loads the resident sessions before anything else (a worker handles messages in order).
    for (const [session, s] of live) if (s.resident) loadOn(t, session);
    return t;
  }

  /** A worker died: start another and send what it held again, once; past the respawn budget, fail. */
  function replace(dead: Thread, why: string): void {
    const at = threads.indexOf(dead);
    if (at < 0 || closing || gone !== undefined) return;
    threads.splice(at, 1);
    const now = Date.now();
    crashes.push(now);
    while (crashes.length > 0 && crashes[0]! < now - RESPAWN_WINDOW_MS) crashes.shift();
    const held = [...dead.jobs.values()];
    for (const job of held) {
      if (job.counted) backendLoad.inFlight--;
    }
    // A worker handles its messages in order: the oldest one it held is the one it was running.
    if (held[0] !== undefined) held[0].crashes++;
    if (crashes.length > MAX_RESPAWNS) {
      for (const job of held) job.done({ id: job.msg.id, ok: false, error: why });
      failAll(`${why}; ${crashes.length} workers failed within ${RESPAWN_WINDOW_MS / 1000} s`);
      return;
    }
    threads.push(spawn());
    const again: Job[] = [];
    for (const job of held) {
      // Loads and releases are not sent again: the replacement loads the resident sessions, the others on demand.
      if (!job.counted) job.done({ id: job.msg.id, ok: job.msg.type === 'release', error: why } as WorkerReply);
      else if (job.crashes >= 2) job.done({ id: job.msg.id, ok: false, error: `${why} (twice with this request)` });
      else again.push(job);
    }
    // Ahead of the requests that waited, in the order they were first sent.
    waiting.unshift(...again);
    backendLoad.queued += again.length;
    dispatch();
  }

  for (let i = 0; i < size; i++) threads.push(spawn());

  /**
   * Closing: requests not yet on a worker fail at once (as later ones will); each worker answers what
   * it holds, then ends between two messages (`exit`), never in the middle of a native call.
   */
  async function finish(): Promise<void> {
    closing = true;
    const why = 'inference thread exited (the backend was closed)';
    gone ??= why;
    for (const job of waiting.splice(0)) job.done({ id: job.msg.id, ok: false, error: why });
    backendLoad.queued = 0;
    await Promise.all(
      threads.map(async (t) => {
        t.worker.postMessage({ type: 'exit', id: 0, code: 0 } satisfies WorkerRequest);
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<boolean>((res) => {
          timer = setTimeout(() => res(true), CLOSE_TIMEOUT_MS);
        });
        const stuck = await Promise.race([t.exited.then(() => false), late]);
        clearTimeout(timer);
        if (stuck) await t.worker.terminate();
        // Anything it never answered (it crashed, or was stopped) gets an error, not silence.
        for (const [id] of t.jobs) settle(t, id, { id, ok: false, error: why });
      }),
    );
  }

  /** One request to the least busy worker; it waits on the event loop while every worker is full. */
  function request(msg: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    if (gone !== undefined) return Promise.resolve({ id: msg.id, ok: false, error: gone });
    return new Promise((done) => {
      waiting.push({ msg, transfer, counted: true, crashes: 0, done });
      backendLoad.queued++;
      dispatch();
    });
  }

  /** The same request to each of these workers at once, whatever they hold; the first failure, or the first reply. */
  async function toWorkers(to: readonly Thread[], make: () => WorkerRequest): Promise<WorkerReply> {
    if (gone !== undefined) return { id: 0, ok: false, error: gone };
    const replies = await Promise.all(
      to.map(
        (t) =>
          new Promise<WorkerReply>((done) => send(t, { msg: make(), transfer: [], counted: false, crashes: 0, done })),
      ),
    );
    return replies.find((r) => !r.ok) ?? replies[0] ?? { id: 0, ok: true };
  }

  /** Releases the session on the workers that have it loaded. */
  function unload(session: number): Promise<WorkerReply> {
    const holding = threads.filter((t) => t.loaded.has(session));
    return toWorkers(holding, () => ({ type: 'release', id: nextId++, session }));
  }

  async function resident(session: number, on: boolean): Promise<void> {
    const s = live.get(session);
    if (s === undefined) return;
    s.resident = on;
    if (!on) {
      // Also where it was loaded on demand since (e.g. by a batch that started before a swap).
      await unload(session);
      return;
    }
    const missing = threads.filter((t) => !t.loaded.has(session));
    await Promise.all(
      missing.map(async (t) => {
        const reply = await toWorkers([t], () => ({ ...s.load, id: nextId++ }));
        // It loaded on another worker before: should it fail here, the next request here tries again.
        if (!reply.ok) t.loaded.delete(session);
      }),
    );
  }

  return {
    async load(bytes, spec) {
      const session = nextSession++;
      const io: ModelIo = { width: spec.width, input: spec.input, output: spec.output, positive: spec.positive };
      // The same model on the event loop, for runs too small to be worth the trip (INLINE_MAX_ROWS). Loaded
      // first: its check of the walks is the process's, which the workers take with the model.
      const inline = await loadInline(bytes, spec, engine, backendLoad);
      const loadRequest: LoadRequest = {
        type: 'load',
        id: 0,
        session,
        bytes,
        intraOpThreads: spec.intraOpThreads,
        engine,
        io,
        checked: inline.checked,
        features: spec.features,
      };
      // Loaded on one worker, which loads its features too; the others load it when made resident or when asked for it.
      live.set(session, { load: loadRequest, resident: false, shared: spec.shared });
      const first = idle() ?? threads[0];
      const loaded =
        first === undefined
          ? { id: 0, ok: false as const, error: gone ?? 'no inference thread' }
          : await toWorkers([first], () => ({ ...loadRequest, id: nextId++ }));
      if (!loaded.ok) {
        live.delete(session);
        await Promise.all([unload(session), inline.release()]);
        throw new Error(loaded.error);
      }
      const queue = new RunQueue(backendLoad, spec.width, async (features, rows) => {
        // Not transferred: a run a crash interrupted is sent again.
        const reply = await request({ type: 'run', id: nextId++, session, features, rows, ...io });
        if (!reply.ok || reply.probabilities === undefined)
          throw new Error(reply.ok ? 'inference returned nothing' : reply.error);
        return reply.probabilities;
      });

      async function scoreValues(values: string[], contexts?: unknown[]): Promise<ScoredValues> {
        const reply = await request({ type: 'score', id: nextId++, session, values, contexts, ...io });
        if (!reply.ok || reply.probabilities === undefined || reply.features === undefined)
          throw new Error(reply.ok ? 'inference returned nothing' : reply.error);
        return { probabilities: reply.probabilities, features: reply.features };
      }

      async function answer(values: RawValues, view: View, keep: number[]): Promise<AnswerReply> {
        const reply = await request({ type: 'answer', id: nextId++, session, values, view, keep });
        if (!reply.ok || reply.answers === undefined) throw new Error(reply.ok ? 'no answers' : reply.error);
        return reply.answers;
      }

      const offThread = spec.features !== undefined;
      return {
        inputNames: loaded.inputNames ?? [],
        outputNames: loaded.outputNames ?? [],
        smallRuns: inline.smallRuns,
        smallRunsFallback: inline.smallRunsFallback,
        run: (features, rows) => (rows <= INLINE_MAX_ROWS ? inline.run(features, rows) : queue.push(features, rows)),
        scoreValues: offThread ? scoreValues : undefined,
        answer: offThread && opts.answerEncoder !== undefined ? answer : undefined,
        resident: (on) => resident(session, on),
        async release() {
          live.delete(session);
          await Promise.all([unload(session), inline.release()]);
        },
      };
    },
    pending: () => backendLoad,
    failure: () => gone,
    onFailure(listener) {
      listeners.push(listener);
    },
    workers: () => threads.map((t) => t.worker),
    loadedSessions: () => threads.map((t) => t.loaded.size),
    reshare() {
      for (const t of threads) for (const session of t.loaded) shareOn(t, session);
    },
    sharedWith: (kind) => threads.map((t) => t.shared.get(kind)),
    close() {
      closed ??= finish();
      return closed;
    },
  };
}
