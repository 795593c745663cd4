/**
 * The unary c=64 target is a ratio to the echo server, and on this shared 2-core machine two runs of
 * one server differ by up to 15%: a single echo run measured at a quiet or a busy moment decides the
 * verdict. So the ratio is also measured paired: all servers up, short windows alternating, round
 * after round; each round gives a ratio, and the median round counts.
 *
 * Each round runs the echo and the real server (full, compact) both as one process and with
 * `--processes 2` (src/cluster). The round's transport ceiling is the better of the two echo shapes,
 * so neither real shape is compared with a handicapped transport.
 */
import { runLoadgenServerCpu } from './loadgen';
import type { View } from './scenarios';
import type { ServerProcess } from './server-process';
import { median } from './stats';

export interface PairedRound {
  /** Echo items/s, one process. */
  echo: number;
  /** Echo items/s, two processes (absent in reports from before they were measured). */
  echo2?: number;
  full: number;
  compact: number;
  /** The real server with --processes 2. */
  full2?: number;
  compact2?: number;
  /** Server CPU (process tree) per call of one item in each window, us; same keys as above. */
  cpu?: PairedCpu;
}

export type PairedCpu = Record<'echo' | 'echo2' | 'full' | 'compact' | 'full2' | 'compact2', number>;

export interface PairedResult {
  concurrency: number;
  rounds: PairedRound[];
  /** Median of each round's real / ceiling items per second, per view: one process. */
  medianRatio: Record<View, number>;
  /** The same for --processes 2. */
  medianRatio2?: Record<View, number>;
  /** Median of the rounds' ceilings. */
  medianEcho: number;
  command: string;
}

export interface PairedServers {
  echo: ServerProcess;
  echo2: ServerProcess;
  real: ServerProcess;
  real2: ServerProcess;
}

/** The round's transport ceiling: the better echo shape. */
export function ceilingOf(r: PairedRound): number {
  return Math.max(r.echo, r.echo2 ?? 0);
}

export async function runPairedUnary(
  bin: string,
  servers: PairedServers,
  rounds: number,
  tranco: string,
  onRound: (r: PairedRound, i: number) => void,
): Promise<PairedResult> {
  const concurrency = 64;
  let offset = 200;
  // One window's items/s, and the server's CPU per item over it (all its processes).
  const window = async (server: ServerProcess, view: View): Promise<[number, number]> => {
    const args = ['unary', '-addr', server.addr, '-batch', '1', '-names', 'unique', '-view', view];
    args.push('-concurrency', String(concurrency), '-warmup', '1s', '-duration', '4s', '-offset', String(offset++));
    if (tranco !== '') args.push('-tranco', tranco);
    const { load, serverCpuUsPerItem } = await runLoadgenServerCpu(bin, args, 60, server.pid);
    return [load.itemsPerSec, serverCpuUsPerItem];
  };
  const out: PairedRound[] = [];
  for (let i = 0; i < rounds; i++) {
    const [echo, echoCpu] = await window(servers.echo, 'full');
    const [echo2, echo2Cpu] = await window(servers.echo2, 'full');
    const [full, fullCpu] = await window(servers.real, 'full');
    const [compact, compactCpu] = await window(servers.real, 'compact');
    const [full2, full2Cpu] = await window(servers.real2, 'full');
    const [compact2, compact2Cpu] = await window(servers.real2, 'compact');
    const cpu = {
      echo: echoCpu,
      echo2: echo2Cpu,
      full: fullCpu,
      compact: compactCpu,
      full2: full2Cpu,
      compact2: compact2Cpu,
    };
    const round: PairedRound = { echo, echo2, full, compact, full2, compact2, cpu };
    out.push(round);
    onRound(round, i);
  }
  const ratio = (pick: (r: PairedRound) => number) => median(out.map((r) => pick(r) / ceilingOf(r)));
  return {
    concurrency,
    rounds: out,
    medianRatio: { full: ratio((r) => r.full), compact: ratio((r) => r.compact) },
    medianRatio2: { full: ratio((r) => r.full2 ?? 0), compact: ratio((r) => r.compact2 ?? 0) },
    medianEcho: median(out.map(ceilingOf)),
    command: `for each of ${rounds} rounds: loadgen unary -concurrency ${concurrency} -warmup 1s -duration 4s against the echo (1, then 2 processes), then the real server (full, compact; 1, then --processes 2)`,
  };
}
