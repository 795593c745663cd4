/**
 * What TLS costs on the JSON-over-HTTP listener: two real servers up at once, one with a plaintext
 * `--http-listen`, one serving it over HTTPS with `--tls-cert/--tls-key` (a P-256 certificate made
 * with openssl for the run), driven from this process by node:http and node:https clients in
 * alternating windows round after round (only windows measured side by side are compared on this
 * shared machine). Three shapes:
 * - batches of 1000 repeated domains, 4 in flight on kept-alive connections: per item, transport-heavy
 *   (the answers come from the prediction cache, so TLS's share is as large as it gets);
 * - unary calls of one unique domain, 16 in flight on kept-alive connections: per call;
 * - the same with a new connection per call and no TLS session reuse (what `curl` in a loop costs):
 *   per call, handshake included.
 * Each window gives items/s and the server's CPU (all threads) per item; the median round's
 * TLS / plaintext ratios count.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { certFactory } from './certs';
import { closedLoop, freePort, type NameMode, names, postDomains } from './http-vs-grpc';
import { treeCpuSeconds } from './proc-stats';
import { type ServerProcess, startServerProcess } from './server-process';
import { median } from './stats';
import { tlsRatios } from './tls-cost';

export type HttpTlsShape = 'b1000-repeat-c4' | 'unary-b1-c16' | 'unary-b1-c16-new-connection';

export interface HttpTlsWindow {
  itemsPerSec: number;
  /** Server CPU (all threads) per item in the window, microseconds. */
  serverCpuUsPerItem: number;
}

export interface HttpTlsShapeResult {
  shape: HttpTlsShape;
  rounds: { plain: HttpTlsWindow; tls: HttpTlsWindow }[];
  /** Median over rounds of TLS / plaintext items per second. */
  throughputRatio: number;
  /** Median over rounds of TLS / plaintext server CPU per item. */
  cpuRatio: number;
  /** Median over rounds of the extra server CPU per item (a unary call carries one), microseconds. */
  extraCpuUsPerItem: number;
}

export interface HttpTlsCostResult {
  secondsPerWindow: number;
  shapes: HttpTlsShapeResult[];
  command: string;
}

const SHAPES: Record<HttpTlsShape, { batch: number; inFlight: number; names: NameMode; keepAlive: boolean }> = {
  'b1000-repeat-c4': { batch: 1000, inFlight: 4, names: 'repeat', keepAlive: true },
  'unary-b1-c16': { batch: 1, inFlight: 16, names: 'unique', keepAlive: true },
  'unary-b1-c16-new-connection': { batch: 1, inFlight: 16, names: 'unique', keepAlive: false },
};

export async function runHttpTlsCost(opts: {
  root: string;
  rounds: number;
  seconds: number;
  log: (line: string) => void;
}): Promise<HttpTlsCostResult> {
  const certs = certFactory();
  const servers: ServerProcess[] = [];
  try {
    const ca = certs.ca('bench CA');
    const leaf = certs.issue(ca, 'threatpredict bench', 'IP:127.0.0.1');
    const trust = certs.read(ca.cert);
    const plainPort = await freePort();
    const tlsPort = await freePort();
    const plain = await startServerProcess('real', opts.root, ['domain'], ['--http-listen', `127.0.0.1:${plainPort}`]);
    servers.push(plain);
    const tls = await startServerProcess(
      'real',
      opts.root,
      ['domain'],
      ['--http-listen', `127.0.0.1:${tlsPort}`, '--tls-cert', leaf.cert, '--tls-key', leaf.key],
    );
    servers.push(tls);
    const counter = { n: 0 };

    const window = async (secure: boolean, shape: HttpTlsShape, seconds: number): Promise<HttpTlsWindow> => {
      const s = SHAPES[shape];
      const agentOptions = { keepAlive: s.keepAlive, maxSockets: s.inFlight };
      // A fresh agent per window: no connection or TLS session carries over from another window.
      const agent = secure
        ? new HttpsAgent({ ...agentOptions, ca: trust, ...(s.keepAlive ? {} : { maxCachedSessions: 0 }) })
        : new HttpAgent(agentOptions);
      const server = secure ? tls : plain;
      const call = () =>
        postDomains({
          request: (secure ? httpsRequest : httpRequest) as typeof httpRequest,
          agent,
          port: secure ? tlsPort : plainPort,
          items: names(s.names, s.batch, counter),
        });
      try {
        const cpu0 = treeCpuSeconds(server.pid);
        const { items, itemsPerSec } = await closedLoop(seconds, s.inFlight, s.batch, call);
        return { itemsPerSec, serverCpuUsPerItem: ((treeCpuSeconds(server.pid) - cpu0) * 1e6) / Math.max(1, items) };
      } finally {
        agent.destroy();
      }
    };

    const shapes: HttpTlsShapeResult[] = [];
    for (const shape of Object.keys(SHAPES) as HttpTlsShape[]) {
      // Warm-up: JIT and, for the repeated names, the prediction cache of both servers.
      await window(false, shape, 1);
      await window(true, shape, 1);
      const out: HttpTlsShapeResult['rounds'] = [];
      for (let i = 0; i < opts.rounds; i++) {
        // Alternate which goes first, so a drift in the machine's load does not always favour one.
        const first = i % 2 === 0;
        const a = await window(!first, shape, opts.seconds);
        const b = await window(first, shape, opts.seconds);
        const round = first ? { plain: a, tls: b } : { plain: b, tls: a };
        out.push(round);
        opts.log(
          `  HTTP ${shape} round ${i + 1}: plaintext ${Math.round(round.plain.itemsPerSec)}/s ${round.plain.serverCpuUsPerItem.toFixed(1)} us/item, HTTPS ${Math.round(round.tls.itemsPerSec)}/s ${round.tls.serverCpuUsPerItem.toFixed(1)} us/item`,
        );
      }
      shapes.push({
        shape,
        rounds: out,
        ...tlsRatios(out),
      });
    }
    return {
      secondsPerWindow: opts.seconds,
      shapes,
      command: `npm run bench -- --only http-tls  (${plain.command} against the same with --tls-cert/--tls-key; ${opts.rounds} alternating rounds of ${opts.seconds} s per shape: POST /v1/domains:predict batches of 1000 repeated names 4 in flight, and of 1 unique name 16 in flight kept-alive and on a new connection per call)`,
    };
  } finally {
    for (const s of servers) await s.stop();
    certs.cleanup();
  }
}

export function formatHttpTlsCost(r: HttpTlsCostResult): string {
  const lines = [
    `HTTPS against plaintext HTTP (${r.shapes[0]?.rounds.length ?? 0} alternating rounds of ${r.secondsPerWindow} s, median round):`,
  ];
  for (const t of r.shapes) {
    const plain = median(t.rounds.map((x) => x.plain.itemsPerSec));
    const tls = median(t.rounds.map((x) => x.tls.itemsPerSec));
    const cpu = (side: 'plain' | 'tls') => median(t.rounds.map((x) => x[side].serverCpuUsPerItem)).toFixed(2);
    lines.push(
      `  ${t.shape}: plaintext ${Math.round(plain)} items/s, HTTPS ${Math.round(tls)} items/s; items/s ${t.throughputRatio.toFixed(2)}x, server CPU per item ${t.cpuRatio.toFixed(2)}x (plaintext ${cpu('plain')}, HTTPS ${cpu('tls')}: ${t.extraCpuUsPerItem >= 0 ? '+' : ''}${t.extraCpuUsPerItem.toFixed(2)} us per ${t.shape.startsWith('unary') ? 'call' : 'item'})`,
    );
  }
  return lines.join('\n');
}
