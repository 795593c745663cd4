/**
 * What TLS costs: the real server in plaintext and with TLS (a P-256 certificate made with openssl
 * for the run), both up at once, driven in alternating windows round after round, as the paired
 * unary measurement does (two runs of one server differ by up to 15% on this shared machine, so only
 * windows measured side by side are compared). Two shapes: a sensor's stream (batches of 1000, hot
 * set, compact view: transport-heavy, the scoring is mostly cache hits) per item, and unary calls of
 * one item with 16 callers per call. Each window gives items/s and the server's CPU per item; the
 * median round's TLS / plaintext ratios count.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoadgenServerCpu } from './loadgen';
import { type ServerProcess, startServerProcess } from './server-process';
import { median } from './stats';

export interface TlsWindow {
  itemsPerSec: number;
  /** Server CPU (all threads) per item in the window, microseconds. */
  serverCpuUsPerItem: number;
  p99us: number;
}

export interface TlsShapeResult {
  shape: 'stream-hot-b1000-compact' | 'unary-c16-b1';
  rounds: { plain: TlsWindow; tls: TlsWindow }[];
  /** Median over rounds of TLS / plaintext items per second. */
  throughputRatio: number;
  /** Median over rounds of TLS / plaintext server CPU per item. */
  cpuRatio: number;
  /** Median over rounds of the extra server CPU per item (a unary call carries one), microseconds. */
  extraCpuUsPerItem: number;
}

/** The medians over alternating plaintext/TLS rounds that a shape's result reports (gRPC and HTTP alike). */
export function tlsRatios(
  rounds: {
    plain: Pick<TlsWindow, 'itemsPerSec' | 'serverCpuUsPerItem'>;
    tls: Pick<TlsWindow, 'itemsPerSec' | 'serverCpuUsPerItem'>;
  }[],
): Pick<TlsShapeResult, 'throughputRatio' | 'cpuRatio' | 'extraCpuUsPerItem'> {
  return {
    throughputRatio: median(rounds.map((r) => r.tls.itemsPerSec / r.plain.itemsPerSec)),
    cpuRatio: median(rounds.map((r) => r.tls.serverCpuUsPerItem / r.plain.serverCpuUsPerItem)),
    extraCpuUsPerItem: median(rounds.map((r) => r.tls.serverCpuUsPerItem - r.plain.serverCpuUsPerItem)),
  };
}

export interface TlsCostResult {
  shapes: TlsShapeResult[];
  command: string;
}

/** A CA and a server certificate for 127.0.0.1, in `dir`. */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=bench CA']);
  run(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=threatpredict bench']);
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  run(
    ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial'].concat([
      '-out',
      'server.pem',
      '-days',
      '2',
      '-extfile',
      'san.ext',
    ]),
  );
  return { ca: join(dir, 'ca.pem'), cert: join(dir, 'server.pem'), key: join(dir, 'server.key') };
}

export async function runTlsCost(
  bin: string,
  root: string,
  rounds: number,
  tranco: string,
  log: (line: string) => void,
): Promise<TlsCostResult> {
  const dir = mkdtempSync(join(tmpdir(), 'threatpredict-bench-tls-'));
  const servers: ServerProcess[] = [];
  try {
    const pem = makeCertificates(dir);
    const plain = await startServerProcess('real', root, ['domain']);
    servers.push(plain);
    const tls = await startServerProcess('real', root, ['domain'], ['--tls-cert', pem.cert, '--tls-key', pem.key]);
    servers.push(tls);
    let offset = 300;
    const window = async (server: ServerProcess, shape: TlsShapeResult['shape'], ca: string): Promise<TlsWindow> => {
      const args =
        shape === 'unary-c16-b1'
          ? ['unary', '-batch', '1', '-names', 'unique', '-view', 'compact', '-concurrency', '16']
          : ['stream', '-batch', '1000', '-names', 'hot', '-view', 'compact', '-streams', '4', '-window', '4'];
      args.push('-addr', server.addr, '-warmup', '1s', '-duration', '4s', '-offset', String(offset++));
      if (tranco !== '') args.push('-tranco', tranco);
      if (ca !== '') args.push('-tls-ca', ca);
      const { load, serverCpuUsPerItem } = await runLoadgenServerCpu(bin, args, 60, server.pid);
      return { itemsPerSec: load.itemsPerSec, serverCpuUsPerItem, p99us: load.p99us };
    };
    const shapes: TlsShapeResult[] = [];
    for (const shape of ['stream-hot-b1000-compact', 'unary-c16-b1'] as const) {
      const out: TlsShapeResult['rounds'] = [];
      for (let i = 0; i < rounds; i++) {
        // Alternate which goes first, so a drift in the machine's load does not always favour one.
        const first = i % 2 === 0;
        const a = first ? await window(plain, shape, '') : await window(tls, shape, pem.ca);
        const b = first ? await window(tls, shape, pem.ca) : await window(plain, shape, '');
        const round = first ? { plain: a, tls: b } : { plain: b, tls: a };
        out.push(round);
        log(
          `  ${shape} round ${i + 1}: plaintext ${Math.round(round.plain.itemsPerSec)}/s ${round.plain.serverCpuUsPerItem.toFixed(1)} us/item, TLS ${Math.round(round.tls.itemsPerSec)}/s ${round.tls.serverCpuUsPerItem.toFixed(1)} us/item`,
        );
      }
      shapes.push({
        shape,
        rounds: out,
        ...tlsRatios(out),
      });
    }
    return {
      shapes,
      command: `for each of ${rounds} rounds, alternating plaintext and --tls-cert/--tls-key servers: loadgen stream -batch 1000 -names hot -view compact -streams 4 -window 4 and loadgen unary -batch 1 -names unique -view compact -concurrency 16 (-warmup 1s -duration 4s; -tls-ca for TLS)`,
    };
  } finally {
    for (const s of servers) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
