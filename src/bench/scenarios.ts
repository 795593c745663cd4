/**
 * What the benchmark runs. Every gRPC scenario is a closed loop: streams keep `window` request
 * messages in flight each, unary callers send the next call when the last returns, so latency
 * includes the time a message waits behind the others in flight (Little's law), as a sensor sees it.
 */
import type { ServerKind } from './server-process';

export type View = 'full' | 'compact';

export interface Scenario {
  id: string;
  server: ServerKind;
  rpc: 'stream' | 'unary';
  batch: number;
  /** Streams (stream) or concurrent callers (unary). */
  workers: number;
  /** Request messages in flight per stream. */
  window: number;
  /** unique: never repeated; hot: 90% from the hot set, 10% unique; repeat: all from the hot set. */
  names: 'unique' | 'hot' | 'repeat';
  view: View;
  /** Name counter range of the load generator: no two scenarios send the same unique name. */
  offset: number;
}

export const STREAMS = 4;
/** Enough in flight per stream to keep the server busy; more would only add queueing latency. */
const WINDOW_BY_BATCH: Record<number, number> = { 1: 16, 100: 4, 1000: 2 };

export interface Timing {
  warmupSec: number;
  measureSec: number;
}

export const FULL_TIMING: Timing = { warmupSec: 2, measureSec: 8 };
export const QUICK_TIMING: Timing = { warmupSec: 1, measureSec: 2 };

export function plan(): Scenario[] {
  const out: Scenario[] = [];
  let offset = 1;
  const add = (s: Omit<Scenario, 'id' | 'offset' | 'window'>) => {
    const shape = s.rpc === 'stream' ? `stream-${s.names}-b${s.batch}` : `unary-c${s.workers}`;
    // The echo server ignores the view, so its scenarios have none in their id.
    const id = s.server === 'echo' ? `echo/${shape}` : `real/${shape}/${s.view}`;
    out.push({ ...s, id, offset: offset++, window: s.rpc === 'stream' ? (WINDOW_BY_BATCH[s.batch] ?? 4) : 1 });
  };
  for (const batch of [1, 100, 1000])
    add({ server: 'echo', rpc: 'stream', batch, workers: STREAMS, names: 'unique', view: 'full' });
  for (const c of [1, 16, 64])
    add({ server: 'echo', rpc: 'unary', batch: 1, workers: c, names: 'unique', view: 'full' });
  for (const view of ['full', 'compact'] as const) {
    for (const batch of [1, 100, 1000])
      add({ server: 'real', rpc: 'stream', batch, workers: STREAMS, names: 'unique', view });
    add({ server: 'real', rpc: 'stream', batch: 1000, workers: STREAMS, names: 'hot', view });
    // What the hot set would do without its 10% unique names: the cost of a hit against the echo.
    add({ server: 'real', rpc: 'stream', batch: 1000, workers: STREAMS, names: 'repeat', view });
    for (const c of [1, 16, 64]) add({ server: 'real', rpc: 'unary', batch: 1, workers: c, names: 'unique', view });
  }
  return out;
}

/** The load generator's arguments for a scenario. */
export function loadgenArgs(s: Scenario, addr: string, t: Timing, tranco: string): string[] {
  const names = s.names === 'repeat' ? ['-names', 'hot', '-hot-share', '1'] : ['-names', s.names];
  const args = [s.rpc, '-addr', addr, '-batch', String(s.batch), ...names, '-view', s.view];
  args.push(s.rpc === 'stream' ? '-streams' : '-concurrency', String(s.workers));
  if (s.rpc === 'stream') args.push('-window', String(s.window));
  args.push('-warmup', `${t.warmupSec}s`, '-duration', `${t.measureSec}s`, '-offset', String(s.offset));
  if (tranco !== '') args.push('-tranco', tranco);
  return args;
}

/** The echo scenario with the same shape: the transport ceiling for a real one. */
export function echoOf(s: Scenario): string {
  return s.rpc === 'stream' ? `echo/stream-unique-b${s.batch}` : `echo/unary-c${s.workers}`;
}
