/**
 * The `watch` benchmark: `threatpredict watch` on an EVE file of N records (default 1M: DNS, HTTP,
 * TLS and flow events, unique names, addresses from pools as a sensor sees them) against the Go load
 * generator sending the same indicators (watch's own extraction of that file, every occurrence, in
 * order) through StreamPredict with the same batch size and window. Each side gets a fresh server
 * process, so neither inherits the other's prediction cache. The ratio is watch's indicators answered
 * per second over the load generator's items per second (the target: >= 0.8).
 *
 *   npm run build && node dist/bench/watch-ratio.js [--records 1000000] [--view full|compact] [--rounds 1]
 *   (or: npm run bench -- --only watch)
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readEveLine } from '../watch/inputs/eve';
import type { SensorRecord } from '../watch/record';
import { buildLoadgen, runLoadgen } from './loadgen';
import { type ServerProcess, startServerProcess } from './server-process';
import { median } from './stats';

const ROOT = resolve(__dirname, '..', '..');
const WORDS = ['login', 'secure', 'cdn', 'mail', 'update', 'account', 'static', 'api', 'portal', 'verify', 'shop'];
const TLDS = ['com', 'net', 'xyz', 'top', 'info', 'org', 'io'];
const PUBLIC_FIRST = [23, 45, 52, 66, 91, 104, 151, 172, 185, 203];

/** A small deterministic generator (mulberry32): the same file every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
  const r = rng(19);
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

export interface WatchRatioResult {
  records: number;
  indicators: number;
  view: string;
  rounds: {
    loadgenItemsPerSec: number;
    watchIndicatorsPerSec: number;
    ratio: number;
    /** Items watch put on the wire per second over the loadgen's: the ratio without de-duplication's help. */
    wireRatio: number;
    watch: WatchSummary;
  }[];
  medianRatio: number;
  medianWireRatio: number;
  command: string;
}

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
    const rounds: WatchRatioResult['rounds'] = [];
    for (let k = 0; k < opts.rounds; k++) {
      let server = await freshServer(opts.log);
      let load: Awaited<ReturnType<typeof runLoadgen>>;
      try {
        load = await runLoadgen(
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
      } finally {
        await server.stop();
      }
      server = await freshServer(opts.log);
      let w: WatchSummary;
      try {
        w = await runWatch([
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
      } finally {
        await server.stop();
      }
      const ratio = w.indicatorsPerSec / load.itemsPerSec;
      const wireRatio = w.sent / w.seconds / load.itemsPerSec;
      rounds.push({
        loadgenItemsPerSec: Math.round(load.itemsPerSec),
        watchIndicatorsPerSec: w.indicatorsPerSec,
        ratio,
        wireRatio,
        watch: w,
      });
      opts.log(
        `watch bench round ${k + 1}: loadgen ${Math.round(load.itemsPerSec)} items/s (${load.seconds.toFixed(1)} s), ` +
          `watch ${w.indicatorsPerSec} indicators/s, ${w.recordsPerSec} records/s (${w.seconds} s; ${w.sent} sent, ` +
          `dedup ${(w.dedupShare * 100).toFixed(1)}%): ratio ${ratio.toFixed(3)}, sent items/s ratio ${wireRatio.toFixed(3)}`,
      );
    }
    return {
      records: opts.records,
      indicators: data.indicators,
      view: opts.view,
      rounds,
      medianRatio: median(rounds.map((r) => r.ratio)),
      medianWireRatio: median(rounds.map((r) => r.wireRatio)),
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
      process.stdout.write(
        `watch / StreamPredict (Go loadgen), ${r.records} EVE records, ${r.view} view: median ratio ${r.medianRatio.toFixed(3)} (target >= 0.8); ` +
          `items put on the wire per second ${r.medianWireRatio.toFixed(3)} of the loadgen's\n`,
      );
    },
    (err) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
