/**
 * The `watch` benchmark: `threatpredict watch` on an EVE file of N records (default 1M: DNS, HTTP,
 * TLS and flow events, unique names, addresses from pools as a sensor sees them) against the Go load
 * generator sending the same indicators (watch's own extraction of that file, every occurrence, in
 * order) through StreamPredict with the same batch size and window. Each side gets a fresh server
 * process, so neither inherits the other's prediction cache. The ratio is watch's indicators answered
 * per second over the load generator's items per second (the target: >= 0.8).
 *
 * Rounds alternate which side goes first (the machine is shared, and its load drifts), and each side
 * reports the CPU it cost per indicator: the client's (the loadgen's own figure; watch's --stats
 * cpuSeconds) and the server process's (utime + stime of all its threads over the run). Client and
 * server share this machine's cores, so the client's CPU per indicator is taken from the server.
 *
 *   npm run build && node dist/bench/watch-ratio.js [--records 1000000] [--view full|compact] [--rounds 3]
 *   (or: npm run bench -- --only watch)
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { seededRandom } from '../seeded-random';
import { readEveLine } from '../watch/inputs/eve';
import type { SensorRecord } from '../watch/record';
import { buildLoadgen, runLoadgen } from './loadgen';
import { treeCpuSeconds } from './proc-stats';
import { type ServerProcess, startServerProcess } from './server-process';
import { median } from './stats';

const ROOT = resolve(__dirname, '..', '..');
const WORDS = ['login', 'secure', 'cdn', 'mail', 'update', 'account', 'static', 'api', 'portal', 'verify', 'shop'];
const TLDS = ['com', 'net', 'xyz', 'top', 'info', 'org', 'io'];
const PUBLIC_FIRST = [23, 45, 52, 66, 91, 104, 151, 172, 185, 203];

export function eveLine(i: number, r: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
  const src = `10.${Math.floor(i / 7) % 4}.${Math.floor(r() * 50)}.${1 + Math.floor(r() * 4)}`;
  const dest = `${PUBLIC_FIRST[Math.floor(r() * PUBLIC_FIRST.length)]}.${Math.floor(r() * 20)}.${Math.floor(r() * 25)}.${1 + Math.floor(r() * 10)}`;
  const name = `${pick(WORDS)}-${i.toString(36)}.${pick(WORDS)}${Math.floor(r() * 1000)}.${pick(TLDS)}`;
  const head = `{"timestamp":"2024-03-01T10:00:${String(i % 60).padStart(2, '0')}.000000+0000","flow_id":${1_000_000_000_000 + i},"in_iface":"eth0"`;
  const addrs = `"src_ip":"${src}","src_port":${40000 + (i % 20000)},"dest_ip":"${dest}"`;
  const k = i % 10;
  if (k < 4)
    return `${head},"event_type":"dns",${addrs},"dest_port":53,"proto":"UDP","dns":{"version":2,"type":"query","id":${i % 65536},"rrname":"${name}","rrtype":"A","tx_id":0,"opcode":0}}`;
  if (k < 6)
    return `${head},"event_type":"http",${addrs},"dest_port":80,"proto":"TCP","tx_id":0,"http":{"hostname":"${name}","url":"/${pick(WORDS)}/${i.toString(36)}.php?id=${i}","http_user_agent":"Mozilla/5.0","http_method":"GET","protocol":"HTTP/1.1","status":200,"length":${i % 5000}}}`;
  if (k < 7)
    return `${head},"event_type":"tls",${addrs},"dest_port":443,"proto":"TCP","tls":{"sni":"${name}","version":"TLS 1.3","ja3s":{"hash":"15af977ce25de452b96affa2addb1036"}}}`;
  return `${head},"event_type":"flow",${addrs},"dest_port":443,"proto":"TCP","app_proto":"tls","flow":{"pkts_toserver":${i % 90},"pkts_toclient":${i % 70},"bytes_toserver":${i % 9000},"bytes_toclient":${i % 7000},"state":"closed","reason":"timeout","alerted":false}}`;
}

/** Writes the EVE file and, from watch's own extraction of each line, the loadgen's indicator list. */
async function writeData(dir: string, records: number): Promise<{ eve: string; tsv: string; indicators: number }> {
  const eve = join(dir, 'eve.json');
  const tsv = join(dir, 'indicators.tsv');
  const a = createWriteStream(eve);
  const b = createWriteStream(tsv);
  const r = seededRandom(19); // the same file every run
  let indicators = 0;
  let ea: string[] = [];
  let eb: string[] = [];
  const flush = async () => {
    const okA = a.write(ea.join(''));
    const okB = b.write(eb.join(''));
    ea = [];
    eb = [];
    // Both drains are waited for at once: awaiting one first could miss the other's event.
    await Promise.all([
      okA ? undefined : new Promise<void>((res) => a.once('drain', () => res())),
      okB ? undefined : new Promise<void>((res) => b.once('drain', () => res())),
    ]);
  };
  for (let i = 0; i < records; i++) {
    const line = eveLine(i, r);
    ea.push(line, '\n');
    for (const o of (readEveLine(line) as SensorRecord).observations) {
      eb.push(`${o.type ?? ''}\t${o.value}\n`);
      indicators++;
    }
    if (ea.length >= 20_000) await flush();
  }
  await flush();
  await Promise.all([new Promise<void>((res) => a.end(res)), new Promise<void>((res) => b.end(res))]);
  return { eve, tsv, indicators };
}

interface WatchSummary {
  seconds: number;
  records: number;
  indicators: number;
  answered: number;
  sent: number;
  dedupShare: number;
  indicatorsPerSec: number;
  recordsPerSec: number;
  cpuSeconds: number;
}

function runWatch(args: string[]): Promise<WatchSummary> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'threatpredict.js'), 'watch', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.once('error', rej);
    child.once('close', (code) => {
      const last = stderr.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) rej(new Error(`watch exited ${code}: ${stderr.slice(-2000)}`));
      else res(JSON.parse(last) as WatchSummary);
    });
  });
}

/**
 * A fresh real server. On this shared machine loading the models has taken over the 60 s the
 * bench's readiness check allows while other jobs ran: such a start is tried again, twice at most.
 */
async function freshServer(log: (line: string) => void): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServerProcess('real', ROOT, ['domain', 'url', 'ip']);
    } catch (err) {
      if (attempt === 3 || !/not ready/.test((err as Error).message)) throw err;
      log(`watch bench: the server was not ready in time (try ${attempt}); starting it again`);
    }
  }
}

export interface WatchRatioRound {
  /** Which side ran first in this round. */
  first: 'loadgen' | 'watch';
  /** 1-minute load average when the round started. */
  loadAvg: number;
  loadgenItemsPerSec: number;
  watchIndicatorsPerSec: number;
  ratio: number;
  /** Items watch put on the wire per second over the loadgen's: the ratio without de-duplication's help. */
  wireRatio: number;
  /** CPU per indicator (microseconds): each client's own, and the server's while serving it. */
  loadgenClientCpuUs: number;
  loadgenServerCpuUs: number;
  watchClientCpuUs: number;
  watchServerCpuUs: number;
  watch: WatchSummary;
}

export interface WatchRatioResult {
  records: number;
  indicators: number;
  view: string;
  rounds: WatchRatioRound[];
  medianRatio: number;
  medianWireRatio: number;
  median: {
    loadgenItemsPerSec: number;
    watchIndicatorsPerSec: number;
    loadgenClientCpuUs: number;
    loadgenServerCpuUs: number;
    watchClientCpuUs: number;
    watchServerCpuUs: number;
    loadAvg: number;
  };
  command: string;
}

const us = (sec: number, n: number) => Math.round((sec * 1e6 * 100) / n) / 100;

export async function runWatchRatio(opts: {
  records: number;
  view: 'full' | 'compact';
  rounds: number;
  log(line: string): void;
}): Promise<WatchRatioResult> {
  const dir = mkdtempSync(join(tmpdir(), 'threatpredict-bench-watch-'));
  try {
    opts.log(`watch bench: writing ${opts.records} EVE records ...`);
    const data = await writeData(dir, opts.records);
    opts.log(`watch bench: ${data.indicators} indicators in the file`);
    const bin = await buildLoadgen(ROOT);
    const batch = 1000;
    const window = 8;
    const rounds: WatchRatioRound[] = [];

    const loadgenSide = async () => {
      const server = await freshServer(opts.log);
      try {
        const cpu0 = treeCpuSeconds(server.pid);
        const load = await runLoadgen(
          bin,
          [
            'replay',
            '-addr',
            server.addr,
            '-file',
            data.tsv,
            '-batch',
            String(batch),
            '-window',
            String(window),
            '-view',
            opts.view,
          ],
          1800,
        );
        return { load, serverCpu: treeCpuSeconds(server.pid) - cpu0 };
      } finally {
        await server.stop();
      }
    };
    const watchSide = async () => {
      const server = await freshServer(opts.log);
      try {
        const cpu0 = treeCpuSeconds(server.pid);
        const w = await runWatch([
          data.eve,
          '--server',
          server.addr,
          '--output',
          '/dev/null',
          '--stats',
          '--batch',
          String(batch),
          '--window',
          String(window),
          ...(opts.view === 'compact' ? ['--compact'] : []),
        ]);
        return { w, serverCpu: treeCpuSeconds(server.pid) - cpu0 };
      } finally {
        await server.stop();
      }
    };

    for (let k = 0; k < opts.rounds; k++) {
      const first = k % 2 === 0 ? 'loadgen' : 'watch';
      const loadAvg = loadavg()[0] as number;
      let lg: Awaited<ReturnType<typeof loadgenSide>>;
      let ws: Awaited<ReturnType<typeof watchSide>>;
      if (first === 'loadgen') {
        lg = await loadgenSide();
        ws = await watchSide();
      } else {
        ws = await watchSide();
        lg = await loadgenSide();
      }
      const { load } = lg;
      const { w } = ws;
      const ratio = w.indicatorsPerSec / load.itemsPerSec;
      const wireRatio = w.sent / w.seconds / load.itemsPerSec;
      const round: WatchRatioRound = {
        first,
        loadAvg: Math.round(loadAvg * 10) / 10,
        loadgenItemsPerSec: Math.round(load.itemsPerSec),
        watchIndicatorsPerSec: w.indicatorsPerSec,
        ratio,
        wireRatio,
        loadgenClientCpuUs: us(load.clientCpuSec, load.items),
        loadgenServerCpuUs: us(lg.serverCpu, load.items),
        watchClientCpuUs: us(w.cpuSeconds, w.answered),
        watchServerCpuUs: us(ws.serverCpu, w.answered),
        watch: w,
      };
      rounds.push(round);
      opts.log(
        `watch bench round ${k + 1} (${first} first, load ${round.loadAvg}): loadgen ${round.loadgenItemsPerSec} items/s ` +
          `(${load.seconds.toFixed(1)} s; CPU per item: client ${round.loadgenClientCpuUs} us, server ${round.loadgenServerCpuUs} us), ` +
          `watch ${w.indicatorsPerSec} indicators/s, ${w.recordsPerSec} records/s (${w.seconds} s; ${w.sent} sent, ` +
          `dedup ${(w.dedupShare * 100).toFixed(1)}%; CPU per indicator: client ${round.watchClientCpuUs} us, ` +
          `server ${round.watchServerCpuUs} us): ratio ${ratio.toFixed(3)}, sent items/s ratio ${wireRatio.toFixed(3)}`,
      );
    }
    const med = (f: (r: WatchRatioRound) => number) => Math.round(median(rounds.map(f)) * 100) / 100;
    return {
      records: opts.records,
      indicators: data.indicators,
      view: opts.view,
      rounds,
      medianRatio: median(rounds.map((r) => r.ratio)),
      medianWireRatio: median(rounds.map((r) => r.wireRatio)),
      median: {
        loadgenItemsPerSec: med((r) => r.loadgenItemsPerSec),
        watchIndicatorsPerSec: med((r) => r.watchIndicatorsPerSec),
        loadgenClientCpuUs: med((r) => r.loadgenClientCpuUs),
        loadgenServerCpuUs: med((r) => r.loadgenServerCpuUs),
        watchClientCpuUs: med((r) => r.watchClientCpuUs),
        watchServerCpuUs: med((r) => r.watchServerCpuUs),
        loadAvg: med((r) => r.loadAvg),
      },
      command: `node dist/bench/watch-ratio.js --records ${opts.records} --view ${opts.view} --rounds ${opts.rounds}`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '1000000' },
      view: { type: 'string', default: 'full' },
      rounds: { type: 'string', default: '1' },
    },
  });
  const view = values.view === 'compact' ? 'compact' : 'full';
  runWatchRatio({
    records: Number(values.records),
    view,
    rounds: Number(values.rounds),
    log: (l) => process.stderr.write(`${l}\n`),
  }).then(
    (r) => {
      process.stdout.write(`${JSON.stringify(r)}\n`);
      const m = r.median;
      process.stdout.write(
        `watch / StreamPredict (Go loadgen), ${r.records} EVE records, ${r.view} view, ${r.rounds.length} rounds: ` +
          `median ratio ${r.medianRatio.toFixed(3)} (target >= 0.8); items put on the wire per second ` +
          `${r.medianWireRatio.toFixed(3)} of the loadgen's; median CPU per indicator: watch ${m.watchClientCpuUs} us ` +
          `+ its server ${m.watchServerCpuUs} us, loadgen ${m.loadgenClientCpuUs} us + its server ${m.loadgenServerCpuUs} us; ` +
          `median load average ${m.loadAvg}\n`,
      );
    },
    (err) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
