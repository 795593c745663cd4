/** Runs one scenario's load against a running server and samples the server's CPU and memory in its window. */
import { type LoadResult, runLoadgen } from './loadgen';
import { cpuSeconds, peakRssMb, resetPeak, rssMb, sampleRss } from './proc-stats';
import { loadgenArgs, type Scenario, type Timing } from './scenarios';
import type { ServerProcess } from './server-process';

export interface ScenarioResult {
  scenario: Scenario;
  load: LoadResult;
  /** Server CPU (all threads) per item in the window, microseconds. */
  serverCpuUsPerItem: number;
  /** Server CPU used in the window, in cores (1.0 = one core busy). */
  serverCores: number;
  /** Peak RSS of the server in the window (VmHWM after a reset, else the highest VmRSS sample), MB. */
  serverPeakRssMb: number;
  serverRssEndMb: number;
  command: string;
}

export async function runScenario(
  bin: string,
  server: ServerProcess,
  s: Scenario,
  t: Timing,
  tranco: string,
): Promise<ScenarioResult> {
  const args = loadgenArgs(s, server.addr, t, tranco);
  let cpu0 = 0;
  let cpu1 = 0;
  let peakReset = false;
  let sampler: ReturnType<typeof sampleRss> | undefined;
  let sampledMax = 0;
  let hwm = 0;
  const load = await runLoadgen(bin, args, t.warmupSec + t.measureSec + 60, {
    onMeasuring() {
      cpu0 = cpuSeconds(server.pid);
      peakReset = resetPeak(server.pid);
      sampler = sampleRss(server.pid, 100);
    },
    onMeasured() {
      cpu1 = cpuSeconds(server.pid);
      hwm = peakRssMb(server.pid);
      sampledMax = sampler?.stop().maxMb ?? 0;
    },
  });
  const cpu = cpu1 - cpu0;
  return {
    scenario: s,
    load,
    serverCpuUsPerItem: (cpu * 1e6) / Math.max(1, load.items),
    serverCores: cpu / load.seconds,
    serverPeakRssMb: peakReset ? Math.max(hwm, sampledMax) : sampledMax,
    serverRssEndMb: rssMb(server.pid),
    command: `loadgen ${args.join(' ')}`,
  };
}
