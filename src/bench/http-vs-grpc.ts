/**
 * JSON over HTTP (src/http) against gRPC, per item, on batches of 1000 domains: one real server with
 * `--http-listen`, both transports driven from this process by Node clients (grpc-js and node:http,
 * each decoding its answers), windows alternating round after round so that both see the same load
 * on this shared machine. Two costs per item, each as HTTP / gRPC:
 * - time: the inverse of items per second with `inFlight` calls in flight;
 * - server CPU: the server process's CPU seconds (all threads) over the items it answered, which
 *   does not depend on how fast either client is.
 * `unique` names are scored by the model; `repeat` sends the same 1000 names, answered from the
 * prediction cache, where the transport is nearly all of the cost.
 */
import { Agent, request } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { createServer } from 'node:net';
import { credentials } from '@grpc/grpc-js';
import { PredictionServiceClient } from '../gen/threatpredict/v1/prediction_service';
import { treeCpuSeconds } from './proc-stats';
import { startServerProcess } from './server-process';
import { median } from './stats';

export type NameMode = 'unique' | 'repeat';

export interface TransportWindow {
  itemsPerSec: number;
  /** Server CPU microseconds per item answered. */
  cpuUsPerItem: number;
}

export interface HttpVsGrpcRound {
  names: NameMode;
  grpc: TransportWindow;
  http: TransportWindow;
}

export interface HttpVsGrpcResult {
  batch: number;
  inFlight: number;
  secondsPerWindow: number;
  rounds: HttpVsGrpcRound[];
  /** Median over rounds of (gRPC items/s) / (HTTP items/s): HTTP's time per item in gRPC's. */
  medianTimeRatio: Record<NameMode, number>;
  /** Median over rounds of HTTP's server CPU per item / gRPC's. */
  medianCpuRatio: Record<NameMode, number>;
  command: string;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

export function names(mode: NameMode, batch: number, counter: { n: number }): { id: string; value: string }[] {
  return Array.from({ length: batch }, (_, i) => {
    const n = mode === 'repeat' ? i : counter.n++;
    return { id: String(i), value: `hv${n.toString(36)}q${(n * 7919).toString(36)}.com` };
  });
}

/** Runs `call` from `inFlight` loops for `seconds`; returns items answered per second. */
export async function closedLoop(seconds: number, inFlight: number, batch: number, call: () => Promise<void>) {
  const end = Date.now() + seconds * 1000;
  let items = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (Date.now() < end) {
        await call();
        items += batch;
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return { items, itemsPerSec: items / elapsed };
}

/**
 * One `POST /v1/domains:predict` of `items` through `request` (node:http's, or node:https's for TLS)
 * on `agent`; resolves once the answer is read and parsed with one result per item.
 */
export function postDomains(opts: {
  request: typeof request;
  agent: Agent | HttpsAgent;
  port: number;
  items: { id: string; value: string }[];
  headers?: Record<string, string>;
}): Promise<void> {
  const { items } = opts;
  return new Promise<void>((resolve, reject) => {
    const body = JSON.stringify({ items });
    const req = opts.request(
      {
        host: '127.0.0.1',
        port: opts.port,
        path: '/v1/domains:predict',
        method: 'POST',
        agent: opts.agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...opts.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { results?: unknown[] };
          if (res.statusCode !== 200 || json.results?.length !== items.length)
            reject(new Error(`HTTP ${res.statusCode}: ${JSON.stringify(json).slice(0, 200)}`));
          else resolve();
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface HttpVsGrpcOptions {
  root: string;
  rounds: number;
  seconds: number;
  batch?: number;
  inFlight?: number;
  log: (line: string) => void;
}

export async function runHttpVsGrpc(opts: HttpVsGrpcOptions): Promise<HttpVsGrpcResult> {
  const batch = opts.batch ?? 1000;
  const inFlight = opts.inFlight ?? 4;
  const httpPort = await freePort();
  const server = await startServerProcess('real', opts.root, ['domain'], ['--http-listen', `127.0.0.1:${httpPort}`]);
  const grpc = new PredictionServiceClient(server.addr, credentials.createInsecure(), {
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
  });
  // A fresh agent per window: no connection idles across the other transport's window.
  let agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  const counter = { n: 0 };
  const grpcCall = (mode: NameMode) => () =>
    new Promise<void>((resolve, reject) => {
      grpc.predictDomains({ items: names(mode, batch, counter), view: 0 }, (err, res) => {
        if (err) reject(err);
        else if (res.results.length !== batch) reject(new Error(`gRPC answered ${res.results.length} results`));
        else resolve();
      });
    });
  const httpCall = (mode: NameMode) => () =>
    postDomains({ request, agent, port: httpPort, items: names(mode, batch, counter) });
  const window = async (call: () => Promise<void>): Promise<TransportWindow> => {
    agent.destroy();
    agent = new Agent({ keepAlive: true, maxSockets: inFlight });
    const cpu0 = treeCpuSeconds(server.pid);
    const { items, itemsPerSec } = await closedLoop(opts.seconds, inFlight, batch, call);
    return { itemsPerSec, cpuUsPerItem: ((treeCpuSeconds(server.pid) - cpu0) * 1e6) / items };
  };
  const rounds: HttpVsGrpcRound[] = [];
  try {
    for (const mode of ['unique', 'repeat'] as const) {
      // Warm-up: JIT, caches (the repeat set goes into the prediction cache here).
      await closedLoop(1, inFlight, batch, grpcCall(mode));
      await closedLoop(1, inFlight, batch, httpCall(mode));
      for (let r = 0; r < opts.rounds; r++) {
        // Alternate which goes first, so neither always gets the quieter moment.
        const first = r % 2 === 0;
        const a = await window(first ? grpcCall(mode) : httpCall(mode));
        const b = await window(first ? httpCall(mode) : grpcCall(mode));
        const round = { names: mode, grpc: first ? a : b, http: first ? b : a };
        rounds.push(round);
        opts.log(
          `  ${mode} round ${r + 1}: gRPC ${Math.round(round.grpc.itemsPerSec)} items/s (${round.grpc.cpuUsPerItem.toFixed(1)} us CPU/item), HTTP ${Math.round(round.http.itemsPerSec)} items/s (${round.http.cpuUsPerItem.toFixed(1)} us CPU/item)`,
        );
      }
    }
  } finally {
    grpc.close();
    agent.destroy();
    await server.stop();
  }
  const of = (mode: NameMode, f: (r: HttpVsGrpcRound) => number) =>
    median(rounds.filter((r) => r.names === mode).map(f));
  const time = (r: HttpVsGrpcRound) => r.grpc.itemsPerSec / r.http.itemsPerSec;
  const cpu = (r: HttpVsGrpcRound) => r.http.cpuUsPerItem / r.grpc.cpuUsPerItem;
  return {
    batch,
    inFlight,
    secondsPerWindow: opts.seconds,
    rounds,
    medianTimeRatio: { unique: of('unique', time), repeat: of('repeat', time) },
    medianCpuRatio: { unique: of('unique', cpu), repeat: of('repeat', cpu) },
    command: `npm run bench -- --only http-vs-grpc  (${server.command}; ${opts.rounds} rounds of ${opts.seconds} s per transport)`,
  };
}

export function formatHttpVsGrpc(r: HttpVsGrpcResult): string {
  const lines = [
    `JSON over HTTP vs gRPC, batches of ${r.batch}, ${r.inFlight} in flight, median of ${r.rounds.length / 2} rounds (target: HTTP <= 2x gRPC per item)`,
  ];
  for (const mode of ['unique', 'repeat'] as const) {
    const rs = r.rounds.filter((x) => x.names === mode);
    const m = (f: (x: HttpVsGrpcRound) => number) => Math.round(median(rs.map(f)));
    const us = (f: (x: HttpVsGrpcRound) => number) => median(rs.map(f)).toFixed(2);
    lines.push(
      `  ${mode.padEnd(6)}  gRPC ${m((x) => x.grpc.itemsPerSec)} items/s, HTTP ${m((x) => x.http.itemsPerSec)} items/s: time per item ${r.medianTimeRatio[mode].toFixed(2)}x, server CPU per item ${r.medianCpuRatio[mode].toFixed(2)}x (gRPC ${us((x) => x.grpc.cpuUsPerItem)}, HTTP ${us((x) => x.http.cpuUsPerItem)} us) ${r.medianTimeRatio[mode] <= 2 && r.medianCpuRatio[mode] <= 2 ? 'PASS' : 'FAIL'}`,
    );
  }
  return lines.join('\n');
}
