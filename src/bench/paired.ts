/**
 * The unary c=64 target is a ratio to the echo server, and on this shared 2-core machine two runs of
 * one server differ by up to 15%: a single echo run measured at a quiet or a busy moment decides the
 * verdict. So the ratio is also measured paired: both servers up, short windows alternating echo,
 * real full, real compact, round after round; each round gives a ratio, and the median round counts.
 */
import { runLoadgen } from './loadgen';
import type { View } from './scenarios';
import type { ServerProcess } from './server-process';
import { median } from './stats';

export interface PairedRound {
  echo: number;
  full: number;
  compact: number;
}

export interface PairedResult {
  concurrency: number;
  rounds: PairedRound[];
  /** Median of each round's real / echo items per second, per view. */
  medianRatio: Record<View, number>;
  medianEcho: number;
  command: string;
}

export async function runPairedUnary(
  bin: string,
  echo: ServerProcess,
  real: ServerProcess,
  rounds: number,
  tranco: string,
  onRound: (r: PairedRound, i: number) => void,
): Promise<PairedResult> {
  const concurrency = 64;
  let offset = 200;
  const window = (addr: string, view: View) => {
    const args = ['unary', '-addr', addr, '-batch', '1', '-names', 'unique', '-view', view];
    args.push('-concurrency', String(concurrency), '-warmup', '1s', '-duration', '4s', '-offset', String(offset++));
    if (tranco !== '') args.push('-tranco', tranco);
    return runLoadgen(bin, args, 60).then((r) => r.itemsPerSec);
  };
  const out: PairedRound[] = [];
  for (let i = 0; i < rounds; i++) {
    const round = {
      echo: await window(echo.addr, 'full'),
      full: await window(real.addr, 'full'),
      compact: await window(real.addr, 'compact'),
    };
    out.push(round);
    onRound(round, i);
  }
  return {
    concurrency,
    rounds: out,
    medianRatio: {
      full: median(out.map((r) => r.full / r.echo)),
      compact: median(out.map((r) => r.compact / r.echo)),
    },
    medianEcho: median(out.map((r) => r.echo)),
    command: `for each of ${rounds} rounds: loadgen unary -concurrency ${concurrency} -warmup 1s -duration 4s against the echo, then the real server (full, compact)`,
  };
}
