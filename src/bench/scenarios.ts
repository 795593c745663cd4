/**
 * What the benchmark runs. Every gRPC scenario is a closed loop: streams keep `window` request
 * messages in flight each, unary callers send the next call when the last returns, so latency
 * includes the time a message waits behind the others in flight (Little's law), as a sensor sees it.
 */
import type { ServerKind } from './server-process';

export type View = 'full' | 'compact';
/** The indicator kinds the load generator drives (its `-kind`); `mixed`: all three through the generic Predict. */
export type Kind = 'domain' | 'url' | 'ip' | 'mixed';
/** The kinds with a model of their own (and a model ceiling). */
export type ModelKind = Exclude<Kind, 'mixed'>;
export const KINDS: readonly ModelKind[] = ['domain', 'url', 'ip'];
export const VIEWS: readonly View[] = ['full', 'compact'];

export interface Scenario {
  id: string;
  server: ServerKind;
  /** Which RPCs and values: Predict/StreamPredict Domains, Urls or Ips, or Predict/StreamPredict (mixed). */
  kind: Kind;
  rpc: 'stream' | 'unary';
  batch: number;
  /** Streams (stream) or concurrent callers (unary). */
  workers: number;
  /** Request messages in flight per stream. */
  window: number;
  /** unique: never repeated; hot: 90% from the hot set, 10% unique; repeat: all from the hot set (domains only). */
  names: 'unique' | 'hot' | 'repeat';
  view: View;
  /** Name counter range of the load generator: no two scenarios send the same unique name. */
  offset: number;
}

export const STREAMS = 4;
/**
 * Enough in flight per stream to keep the server busy; more would only add queueing latency. For
 * batches of 1000 it was 2 until new names of hot-set batches went to the inference thread: then both
 * threads idled part of the time waiting for each other (per-thread /proc: event loop ~80%, inference
 * thread ~40-50%), and 4 measured hot set compact 731-794k -> 802-879k items/s, full ~563k -> 566-617k
 * (3 alternating rounds). 4 is also what the server reads ahead per stream.
 */
const WINDOW_BY_BATCH: Record<number, number> = { 1: 16, 100: 4, 1000: 4 };

export interface Timing {
  warmupSec: number;
  measureSec: number;
}

export const FULL_TIMING: Timing = { warmupSec: 2, measureSec: 8 };
export const QUICK_TIMING: Timing = { warmupSec: 1, measureSec: 2 };

/**
 * A scenario's id: `<server>/<shape>` for the echo (which ignores the view), `real/<shape>/<view>`;
 * URL and IP ids name their kind after the server (`real/url/stream-unique-b1000/full`), domain ids
 * do not (they predate the other kinds, and `--only`, the README and scripts use them).
 */
export function scenarioId(
  s: Pick<Scenario, 'server' | 'kind' | 'rpc' | 'names' | 'batch' | 'workers' | 'view'>,
): string {
  const shape = s.rpc === 'stream' ? `stream-${s.names}-b${s.batch}` : `unary-c${s.workers}`;
  const server = s.kind === 'domain' ? s.server : `${s.server}/${s.kind}`;
  return s.server === 'echo' ? `${server}/${shape}` : `${server}/${shape}/${s.view}`;
}

export function plan(): Scenario[] {
  const out: Scenario[] = [];
  let offset = 1;
  const add = (s: Omit<Scenario, 'id' | 'offset' | 'window'>) => {
    out.push({
      ...s,
      id: scenarioId(s),
      offset: offset++,
      window: s.rpc === 'stream' ? (WINDOW_BY_BATCH[s.batch] ?? 4) : 1,
    });
  };
  const kind = 'domain';
  for (const batch of [1, 100, 1000])
    add({ server: 'echo', kind, rpc: 'stream', batch, workers: STREAMS, names: 'unique', view: 'full' });
  for (const c of [1, 16, 64])
    add({ server: 'echo', kind, rpc: 'unary', batch: 1, workers: c, names: 'unique', view: 'full' });
  for (const view of VIEWS) {
    for (const batch of [1, 100, 1000])
      add({ server: 'real', kind, rpc: 'stream', batch, workers: STREAMS, names: 'unique', view });
    add({ server: 'real', kind, rpc: 'stream', batch: 1000, workers: STREAMS, names: 'hot', view });
    // What the hot set would do without its 10% unique names: the cost of a hit against the echo.
    add({ server: 'real', kind, rpc: 'stream', batch: 1000, workers: STREAMS, names: 'repeat', view });
    for (const c of [1, 16, 64])
      add({ server: 'real', kind, rpc: 'unary', batch: 1, workers: c, names: 'unique', view });
  }
  // URLs and IPs: the sensor's shape only (unique values, batches of 1000), after the domains so
  // that the domain scenarios keep their counter ranges (and names) from before.
  for (const other of ['url', 'ip'] as const) {
    const shape = { kind: other, rpc: 'stream', batch: 1000, workers: STREAMS, names: 'unique' } as const;
    add({ ...shape, server: 'echo', view: 'full' });
    for (const view of VIEWS) add({ ...shape, server: 'real', view });
  }
  // The generic Predict, the same shape: half domains, a quarter each URLs and IPs, type detected.
  const mixed = { kind: 'mixed', rpc: 'stream', batch: 1000, workers: STREAMS, names: 'unique' } as const;
  add({ ...mixed, server: 'echo', view: 'full' });
  for (const view of VIEWS) add({ ...mixed, server: 'real', view });
  return out;
}

/** Data files for the load generator's values; '' for none (it generates values then). */
export interface DataFiles {
  /** Popular domains, one per line. */
  tranco: string;
  /** Real URLs, one per line. */
  urls: string;
}

/** The load generator's arguments for a scenario. */
export function loadgenArgs(s: Scenario, addr: string, t: Timing, data: DataFiles): string[] {
  const names = s.names === 'repeat' ? ['-names', 'hot', '-hot-share', '1'] : ['-names', s.names];
  const args = [s.rpc, '-addr', addr, '-batch', String(s.batch), ...names, '-view', s.view];
  args.push(s.rpc === 'stream' ? '-streams' : '-concurrency', String(s.workers));
  if (s.rpc === 'stream') args.push('-window', String(s.window));
  args.push('-warmup', `${t.warmupSec}s`, '-duration', `${t.measureSec}s`, '-offset', String(s.offset));
  args.push(...valueArgs(s.kind, data));
  return args;
}

/** `-kind` and the data files the generator of `kind` reads (domain arguments as before `-kind` existed). */
export function valueArgs(kind: Kind, data: DataFiles): string[] {
  const args = kind === 'domain' ? [] : ['-kind', kind];
  // Tranco: the domains' names, and the hosts of generated URLs.
  const urls = kind === 'url' || kind === 'mixed';
  if (data.tranco !== '' && (kind === 'domain' || kind === 'mixed' || (urls && data.urls === '')))
    args.push('-tranco', data.tranco);
  if (urls && data.urls !== '') args.push('-urls', data.urls);
  return args;
}

/** The echo scenario with the same kind and shape (unique values: it does not cache): the transport ceiling for a real one. */
export function echoOf(s: Scenario): string {
  return scenarioId({ ...s, server: 'echo', names: 'unique' });
}

/** One run of the in-process model ceiling (model-ceiling.ts). */
export interface ModelRun {
  /** `model/<view>` for domains, `model/<kind>/<view>` for the others (as scenario ids); `--only` matches it. */
  id: string;
  kind: ModelKind;
  view: View;
  /** Batches scored at once: 1, or as many as the gRPC scenarios have streams. */
  inFlight: number;
  offset: number;
}

/** Every kind and view, one batch at a time and STREAMS at once; a view's ceiling is the better run. */
export function modelPlan(): ModelRun[] {
  const out: ModelRun[] = [];
  let offset = 101;
  for (const kind of KINDS)
    for (const view of VIEWS)
      for (const inFlight of [1, STREAMS])
        out.push({
          id: kind === 'domain' ? `model/${view}` : `model/${kind}/${view}`,
          kind,
          view,
          inFlight,
          offset: offset++,
        });
  return out;
}

/**
 * What `--only REGEX` runs: the scenarios and model-ceiling runs whose id matches (everything without
 * it). `--only url` is the URL scenarios and the URL model ceilings; `--only model` every ceiling.
 */
export function selectRuns(only: RegExp | undefined): { scenarios: Scenario[]; modelRuns: ModelRun[] } {
  return {
    scenarios: plan().filter((s) => only === undefined || only.test(s.id)),
    modelRuns: modelPlan().filter((r) => only === undefined || only.test(r.id)),
  };
}
