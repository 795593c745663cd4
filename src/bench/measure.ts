/**
 * Runs one scenario's load against a running server and samples the server's CPU, memory and (real
 * server) cache hit ratio of the scenario's model (domain, url or ip) in its window.
 */
import { credentials } from '@grpc/grpc-js';
import { type GetModelResponse, ModelServiceClient } from '../gen/threatpredict/v1/model_service';
import { type LoadResult, runLoadgen } from './loadgen';
import { peakRssMb, resetPeak, rssMb, sampleRss, treeCpuSeconds } from './proc-stats';
import { type DataFiles, KINDS, type Kind, loadgenArgs, type Scenario, type Timing } from './scenarios';
import type { ServerProcess } from './server-process';

export interface ScenarioResult {
  scenario: Scenario;
  load: LoadResult;
  /** Server CPU (process tree, all threads) per item in the window, microseconds. */
  serverCpuUsPerItem: number;
  /** Server CPU used in the window, in cores (1.0 = one core busy). */
  serverCores: number;
  /** Peak RSS of the server in the window (VmHWM after a reset, else the highest VmRSS sample), MB. */
  serverPeakRssMb: number;
  serverRssEndMb: number;
  /** Share of the items looked up in the cache of the scenario kind's model during the window that it answered. */
  cacheHitRatio?: number | undefined;
  command: string;
}

interface Lookups {
  hits: number;
  misses: number;
}

/** The cache lookups of the models serving `kind` (mixed: the domain, URL and IP models together). */
async function cacheLookups(addr: string, kind: Kind): Promise<Lookups | undefined> {
  if (kind !== 'mixed') return modelLookups(addr, kind);
  const all = await Promise.all(KINDS.map((k) => modelLookups(addr, k)));
  if (all.some((l) => l === undefined)) return undefined;
  return { hits: all.reduce((n, l) => n + l!.hits, 0), misses: all.reduce((n, l) => n + l!.misses, 0) };
}

/** The serving version's cache counters of a model (named as its kind), from the server's own ModelService. */
async function modelLookups(addr: string, name: string): Promise<Lookups | undefined> {
  const client = new ModelServiceClient(addr, credentials.createInsecure());
  try {
    const res = await new Promise<GetModelResponse | undefined>((resolve) =>
      client.getModel({ name }, (err, r) => resolve(err ? undefined : r)),
    );
    const model = res?.model;
    return model?.versions.find((v) => v.version === model.servingVersion)?.cache;
  } finally {
    client.close();
  }
}

export async function runScenario(
  bin: string,
  server: ServerProcess,
  s: Scenario,
  t: Timing,
  data: DataFiles,
): Promise<ScenarioResult> {
  const args = loadgenArgs(s, server.addr, t, data);
  let cpu0 = 0;
  let cpu1 = 0;
  let peakReset = false;
  let sampler: ReturnType<typeof sampleRss> | undefined;
  let sampledMax = 0;
  let hwm = 0;
  let lookups0: Promise<Lookups | undefined> | undefined;
  let lookups1: Promise<Lookups | undefined> | undefined;
  const real = server.kind === 'real';
  const load = await runLoadgen(bin, args, t.warmupSec + t.measureSec + 60, {
    onMeasuring() {
      if (real) lookups0 = cacheLookups(server.addr, s.kind);
      cpu0 = treeCpuSeconds(server.pid);
      peakReset = resetPeak(server.pid);
      sampler = sampleRss(server.pid, 100);
    },
    onMeasured() {
      cpu1 = treeCpuSeconds(server.pid);
      hwm = peakRssMb(server.pid);
      sampledMax = sampler?.stop().maxMb ?? 0;
      if (real) lookups1 = cacheLookups(server.addr, s.kind);
    },
  });
  const cpu = cpu1 - cpu0;
  const [a, b] = [await lookups0, await lookups1];
  const hits = a && b ? b.hits - a.hits : 0;
  const looked = a && b ? hits + b.misses - a.misses : 0;
  return {
    scenario: s,
    load,
    serverCpuUsPerItem: (cpu * 1e6) / Math.max(1, load.items),
    serverCores: cpu / load.seconds,
    serverPeakRssMb: peakReset ? Math.max(hwm, sampledMax) : sampledMax,
    serverRssEndMb: rssMb(server.pid),
    cacheHitRatio: looked > 0 ? hits / looked : undefined,
    command: `loadgen ${args.join(' ')}`,
  };
}
