/**
 * In-process cost of a pipeline worker's miss path (issue 17): what `answer` in
 * scoring/inference-worker.ts runs per batch, `scoreFresh` (parse, rules, features, model, reasons)
 * then `encodeAnswers`, on batches of 1000 new values of one kind, with the serving version's model on
 * onnxruntime with one thread, as a worker has it. CPU us per item, median of the rounds, each round
 * on values never seen before. No gRPC, no thread hop, no cache: the work a worker does for a miss.
 * The values come as a worker gets them: UTF-8 bytes and their ends, decoded in the measured rounds
 * the way `answer` decodes them (flat strings, one object per item); `--input strings` feeds the
 * generator's template strings instead (concatenations: the figure before 2026-12-07's session 15,
 * ~0.3-0.5 us per item more, whose flattening a worker never pays).
 *
 * One build's figures, profiles and shares; to compare two builds use `miss-path-ab.ts` (both builds in
 * one process, batches alternating): running each build's copy alternately swings +-20-30% here.
 *
 *   npm run build && node dist/bench/miss-path-cost.js [--kind domain|url|ip] [--view full|compact] \
 *       [--batches 40] [--rounds 5] [--offset N] [--profile FILE.cpuprofile] \
 *       [--heap-profile FILE.heapprofile]
 *
 * `--offset` starts the value counter elsewhere (two builds alternating should not score the same
 * names); `--profile` writes a CPU profile of the measured rounds only (not of the start-up and
 * warm-up, which `node --cpu-prof` would include), for Chrome's DevTools or a script; `--heap-profile`
 * a sampling heap profile of the same rounds, collected objects included (what the scavenger copies
 * and frees: a worker's garbage per item).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { pipelineForFeatures } from '../scoring/pipeline';
import { runsOnWorkers } from '../scoring/pipelines/off-thread';
import { scoreFresh, type View } from '../scoring/stages';
import { openModelRunner } from '../scoring/trees/tree-runner';
import { encodeAnswers } from '../server/answer-encoding';
import { decodedValues, missBatches, missKind, openMissPath } from './miss-path';
import { ownCpuUs } from './proc-stats';
import { median } from './stats';

const { values: args } = parseArgs({
  options: {
    kind: { type: 'string', default: 'domain' },
    view: { type: 'string', default: 'full' },
    batches: { type: 'string', default: '40' },
    rounds: { type: 'string', default: '5' },
    offset: { type: 'string', default: '0' },
    input: { type: 'string', default: 'bytes' },
    profile: { type: 'string' },
    'heap-profile': { type: 'string' },
  },
});

async function main(): Promise<void> {
  const kind = missKind(args.kind);
  const view = args.view as View;
  const miss = await openMissPath(
    { pino, createApp, loadConfig, pipelineForFeatures, runsOnWorkers, scoreFresh, openModelRunner, encodeAnswers },
    kind,
    view,
  );

  const { strings, raw } = missBatches(kind, Number(args.offset));
  const byBytes = args.input === 'bytes';
  if (!byBytes && args.input !== 'strings') throw new Error('--input is bytes or strings');
  const batch = byBytes ? () => decodedValues(raw()) : strings;
  // Warm-up: the JIT, the model's first runs.
  for (let b = 0; b < 30; b++) miss.encode(await miss.score(batch()));

  // Every round's values made before the measured rounds, so that neither the clock nor the profiles
  // count the generator.
  type Input = ReturnType<typeof raw> | ReturnType<typeof strings>;
  const rounds = Array.from({ length: Number(args.rounds) }, () =>
    Array.from({ length: Number(args.batches) }, (): Input => (byBytes ? raw() : strings())),
  );
  // Time in the collector's pauses on this thread (scavenges, mark-compact finalisation), over the rounds.
  let gcMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  gc.observe({ entryTypes: ['gc'] });
  const profiling = args.profile !== undefined || args['heap-profile'] !== undefined;
  const inspector = profiling ? new Session() : undefined;
  if (inspector !== undefined) {
    inspector.connect();
    if (args.profile !== undefined) {
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.start');
    }
    if (args['heap-profile'] !== undefined)
      await inspector.post('HeapProfiler.startSampling', {
        samplingInterval: 1024,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
  }
  const perItem: number[] = [];
  const encodingPerItem: number[] = [];
  let bytes = 0;
  const cpu0 = ownCpuUs();
  for (const inputs of rounds) {
    const start = ownCpuUs();
    for (const input of inputs) {
      const items = Array.isArray(input) ? input : decodedValues(input);
      const results = await miss.score(items);
      const e0 = ownCpuUs();
      bytes += miss.encode(results).bytes.length;
      encodingPerItem.push((ownCpuUs() - e0) / 1000);
    }
    perItem.push((ownCpuUs() - start) / (inputs.length * 1000));
  }
  const cpuMs = (ownCpuUs() - cpu0) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 100)); // the observer's entries come on a later turn
  gc.disconnect();
  if (inspector !== undefined && args.profile !== undefined) {
    const { profile } = await inspector.post('Profiler.stop');
    writeFileSync(args.profile, JSON.stringify(profile));
  }
  if (inspector !== undefined && args['heap-profile'] !== undefined) {
    const { profile } = await inspector.post('HeapProfiler.stopSampling');
    writeFileSync(args['heap-profile'], JSON.stringify(profile));
  }
  console.log(
    JSON.stringify({
      kind,
      view,
      input: args.input,
      model: miss.model,
      usPerItem: Number(median(perItem).toFixed(3)),
      rounds: perItem.map((x) => Number(x.toFixed(3))),
      // Of which encodeAnswers, the median batch (a sum would mostly count where the collector ran);
      // on fresh results, whose messages are still concatenations, as in a worker.
      encodingUsPerItem: Number(median(encodingPerItem).toFixed(3)),
      // The collector's pauses as a share of the rounds' CPU time.
      gcShare: Number((gcMs / cpuMs).toFixed(3)),
      bytesPerItem: Math.round(bytes / (perItem.length * Number(args.batches) * 1000)),
      load: Number(loadavg()[0]?.toFixed(2)),
    }),
  );
  await miss.close();
  process.exit(0);
}

void main();
