/**
 * What an L7 balancer costs: the same loads against one real server directly and through HAProxy
 * (deploy/haproxy/haproxy.cfg, every backend slot pointing at that server), in alternating windows,
 * round after round, in one run. Per shape it reports the balancer's latency and CPU as ratios to the
 * direct calls, and projects a fleet's throughput from CPU per item: this machine has 2 cores shared
 * by the load generator, the balancer and the server, so scaling out cannot be measured here.
 *
 *   npm run build && node dist/bench/balancer.js [--rounds 3] [--seconds 5] [--out FILE]
 */
import { writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { haproxyVersion, makeFleetTls, startHaproxy } from './fleet';
import { buildLoadgen, type LoadResult, runLoadgen } from './loadgen';
import { treeCpuSeconds } from './proc-stats';
import { freePort, startServerProcess } from './server-process';
import { median } from './stats';

const ROOT = resolve(__dirname, '..', '..');

interface Shape {
  id: string;
  args: string[];
}

/** A unary caller's call, a new name's streamed item and a cached name's streamed item. */
const SHAPES: Shape[] = [
  { id: 'unary c=16, 1 item per call', args: ['unary', '-concurrency', '16', '-batch', '1', '-names', 'unique'] },
  // Batches of 100: at 1000 new names per message a busy 2-core machine answered none in some windows.
  {
    id: 'stream, unique names, b100',
    args: ['stream', '-streams', '4', '-window', '4', '-batch', '100', '-names', 'unique'],
  },
  {
    id: 'stream, every name cached, b1000',
    args: ['stream', '-streams', '4', '-window', '4', '-batch', '1000', '-names', 'hot', '-hot-share', '1'],
  },
];

interface Window {
  itemsPerSec: number;
  callsPerSec: number;
  p50us: number;
  p99us: number;
  /** CPU per item, microseconds: server, balancer, load generator. */
  serverUs: number;
  balancerUs: number;
  clientUs: number;
}

interface ShapeResult {
  id: string;
  direct: Window[];
  balanced: Window[];
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

const m = (ws: Window[], pick: (w: Window) => number) => median(ws.map(pick));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '3' },
      seconds: { type: 'string', default: '5' },
      out: { type: 'string', default: join(tmpdir(), 'threatpredict-balancer.json') },
    },
  });
  const rounds = Number(values.rounds);
  const seconds = Number(values.seconds);
  log(haproxyVersion());
  const bin = await buildLoadgen(ROOT);
  // TLS on both paths, as deployed: the ratios compare like with like.
  const tls = makeFleetTls();
  const server = await startServerProcess('real', ROOT, ['domain'], [...tls.serverArgs]);
  const balancer = await startHaproxy(
    ROOT,
    `127.0.0.1:${await freePort()}`,
    [server.addr, server.addr, server.addr],
    tls,
  );
  const results: ShapeResult[] = SHAPES.map((s) => ({ id: s.id, direct: [], balanced: [] }));
  let offset = 700;
  const load0 = loadavg()[0] as number;
  try {
    const window = async (shape: Shape, addr: string): Promise<Window> => {
      let s0 = 0;
      let b0 = 0;
      let s1 = 0;
      let b1 = 0;
      const args = [
        ...shape.args,
        '-addr',
        addr,
        '-warmup',
        '1s',
        '-duration',
        `${seconds}s`,
        '-offset',
        String(offset++),
        '-tls-ca',
        tls.ca,
      ];
      const r: LoadResult = await runLoadgen(bin, args, seconds + 60, {
        onMeasuring() {
          s0 = treeCpuSeconds(server.pid);
          b0 = treeCpuSeconds(balancer.pid);
        },
        onMeasured() {
          s1 = treeCpuSeconds(server.pid);
          b1 = treeCpuSeconds(balancer.pid);
        },
      });
      const per = (sec: number) => (sec * 1e6) / Math.max(1, r.items);
      return {
        itemsPerSec: r.itemsPerSec,
        callsPerSec: r.messagesPerSec,
        p50us: r.p50us,
        p99us: r.p99us,
        serverUs: per(s1 - s0),
        balancerUs: per(b1 - b0),
        clientUs: r.clientCpuUsPerItem,
      };
    };
    for (let round = 0; round < rounds; round++) {
      for (const [i, shape] of SHAPES.entries()) {
        const res = results[i] as ShapeResult;
        // Alternate which goes first, so neither always meets a warmer cache or a quieter machine.
        const order = round % 2 === 0 ? ['direct', 'balanced'] : ['balanced', 'direct'];
        for (const how of order) {
          const w = await window(shape, how === 'direct' ? server.addr : balancer.addr);
          (how === 'direct' ? res.direct : res.balanced).push(w);
          log(
            `round ${round + 1} ${shape.id} ${how}: ${Math.round(w.itemsPerSec)} items/s, p50 ${w.p50us} us, p99 ${w.p99us} us, CPU/item server ${w.serverUs.toFixed(2)} us, haproxy ${w.balancerUs.toFixed(2)} us`,
          );
        }
      }
    }
  } finally {
    await balancer.stop();
    await server.stop();
    tls.cleanup();
  }
  const lines = [
    `balancer cost: ${rounds} rounds of ${seconds} s windows, direct and through HAProxy alternating (load average ${load0.toFixed(1)} -> ${loadavg()[0]?.toFixed(1)})`,
    '',
    '| shape | direct items/s | via HAProxy items/s | p50 ratio | p99 ratio | server CPU us/item direct | server + HAProxy CPU us/item | CPU ratio | HAProxy us/item |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const projections: string[] = [];
  for (const r of results) {
    const d = (f: (w: Window) => number) => m(r.direct, f);
    const b = (f: (w: Window) => number) => m(r.balanced, f);
    const cpuDirect = d((w) => w.serverUs);
    const cpuVia = b((w) => w.serverUs + w.balancerUs);
    const hap = b((w) => w.balancerUs);
    lines.push(
      `| ${r.id} | ${Math.round(d((w) => w.itemsPerSec))} | ${Math.round(b((w) => w.itemsPerSec))} | ${(b((w) => w.p50us) / d((w) => w.p50us)).toFixed(2)} | ${(b((w) => w.p99us) / d((w) => w.p99us)).toFixed(2)} | ${cpuDirect.toFixed(2)} | ${cpuVia.toFixed(2)} | ${(cpuVia / cpuDirect).toFixed(2)} | ${hap.toFixed(2)} |`,
    );
    // Projection: a backend core serves 1e6 / serverUs items/s; a balancer core 1e6 / hap.
    const perBackendCore = 1e6 / b((w) => w.serverUs);
    projections.push(
      `${r.id}: one balancer core carries ~${Math.round(1e6 / hap).toLocaleString('en-US')} items/s, i.e. the load of ~${(perBackendCore > 0 ? 1e6 / hap / perBackendCore : 0).toFixed(1)} backend cores (${Math.round(perBackendCore).toLocaleString('en-US')} items/s each)`,
    );
  }
  lines.push('', 'projected from CPU per item (not measured: 2 cores here):', ...projections.map((p) => `- ${p}`));
  writeFileSync(values.out as string, `${JSON.stringify({ rounds, seconds, results }, null, 2)}\n`);
  process.stdout.write(`${lines.join('\n')}\n\nall windows: ${values.out}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench balancer: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
