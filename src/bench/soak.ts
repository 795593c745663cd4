/**
 * `npm run bench -- --soak`: a sustained stream (batches of 1000, 90% hot set, full view, 4 streams)
 * for 5 minutes, sampling the server's RSS every second. Memory is flat when the highest RSS of the
 * last 30 s is within 10% of the median RSS of the first 30 s after a 30 s warm-up.
 */
import { runLoadgen } from './loadgen';
import { sampleRss, treeCpuSeconds } from './proc-stats';
import { STREAMS } from './scenarios';
import type { ServerProcess } from './server-process';
import { median } from './stats';

export interface SoakResult {
  minutes: number;
  itemsPerSec: number;
  /** Server CPU (process tree) per item over the window, microseconds (absent in older reports). */
  serverCpuUsPerItem?: number;
  baselineMb: number;
  endMb: number;
  growthPct: number;
  /** [seconds into the window, RSS MB], one per 10 s */
  timeline: Array<[number, number]>;
  command: string;
}

export async function runSoak(
  bin: string,
  server: ServerProcess,
  minutes: number,
  tranco: string,
  log: (line: string) => void,
): Promise<SoakResult> {
  const args = [
    'stream',
    '-addr',
    server.addr,
    '-batch',
    '1000',
    '-streams',
    String(STREAMS),
    '-window',
    '2',
    '-names',
    'hot',
    '-view',
    'full',
  ];
  args.push('-warmup', '30s', '-duration', `${Math.round(minutes * 60)}s`, '-progress', '30s', '-offset', '110');
  if (tranco !== '') args.push('-tranco', tranco);
  let sampler: ReturnType<typeof sampleRss> | undefined;
  let samples: Array<[number, number]> = [];
  let cpu0 = 0;
  let cpu1 = 0;
  const load = await runLoadgen(bin, args, 30 + minutes * 60 + 60, {
    onMeasuring: () => {
      cpu0 = treeCpuSeconds(server.pid);
      sampler = sampleRss(server.pid, 1000);
    },
    onMeasured: () => {
      cpu1 = treeCpuSeconds(server.pid);
      samples = sampler?.stop().samples ?? [];
    },
    onProgress: (ev) =>
      log(`  soak: ${Math.round(Number(ev.seconds))} s, ${Number(ev.items).toLocaleString('en-US')} items so far`),
  });
  const last = samples.at(-1)?.[0] ?? 0;
  const baselineMb = median(samples.filter(([t]) => t <= 30).map(([, mb]) => mb));
  const endMb = Math.max(...samples.filter(([t]) => t >= last - 30).map(([, mb]) => mb));
  return {
    minutes,
    itemsPerSec: load.itemsPerSec,
    serverCpuUsPerItem: ((cpu1 - cpu0) * 1e6) / Math.max(1, load.items),
    baselineMb,
    endMb,
    growthPct: (endMb / baselineMb - 1) * 100,
    timeline: samples.filter((_, i) => i % 10 === 0),
    command: `loadgen ${args.join(' ')}`,
  };
}
