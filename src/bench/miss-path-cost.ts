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
 * Compare two builds by running each build's copy alternately (the machine's load weighs on both):
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
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import pino from 'pino';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { pipelineForFeatures } from '../scoring/pipeline';
import { runsOnWorkers } from '../scoring/pipelines/off-thread';
import { scoreFresh, type View } from '../scoring/stages';
import { openModelRunner } from '../scoring/trees/tree-runner';
import { encodeAnswers } from '../server/answer-encoding';
import { dataLines, SHARED_DATA } from './shared-data';
import { median } from './stats';
import { urlsOfCsv } from './url-list';

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

/** A bijective mix of the counter, so neighbouring values share no prefix (as the loadgen's names). */
function mixed(n: number): string {
  return (Math.imul(n ^ (n >>> 16), 0x45d9f3b) >>> 0).toString(36);
}

async function main(): Promise<void> {
  const kind = args.kind as 'domain' | 'url' | 'ip';
  if (kind !== 'domain' && kind !== 'url' && kind !== 'ip') throw new Error('--kind is domain, url or ip');
  const view = args.view as View;
  const app = await createApp(
    loadConfig(['--listen', '127.0.0.1:0', '--inference', 'inline'], {}),
    pino({ level: 'warn' }),
  );
  const p = app.scorer.pipelines().find((x) => x.kind === kind);
  const base = p !== undefined && runsOnWorkers(p) ? p : undefined;
  const model = base === undefined ? undefined : app.repository.serving(base.modelName);
  if (base === undefined || model === undefined) throw new Error(`no worker pipeline or serving model for ${kind}`);
  const fp = pipelineForFeatures(base, model.metadata.features_version);
  if (fp === undefined) throw new Error(`no features ${model.metadata.features_version}`);
  const m = model.metadata;
  const runner = await openModelRunner(readFileSync(join(model.dir, 'model.onnx')), {
    width: m.feature_names.length,
    input: m.input.name,
    output: m.output.name,
    positive: m.output.positive_class_index,
    intraOpThreads: 1,
    engine: 'trees',
  });
  const scoring = { name: m.name, version: m.version, metadata: m };

  // The loadgen's mix: 60% CDN/API-style subdomains of popular names, 40% DGA-like.
  const names = dataLines(join(SHARED_DATA, 'domains', 'tranco_top100k.txt'));
  let urls: string[] = [];
  if (kind === 'url')
    try {
      urls = urlsOfCsv(gunzipSync(readFileSync(join(SHARED_DATA, 'urls', 'urls_train.csv.gz'))).toString());
    } catch {
      // Generated URLs below.
    }
  const tlds = ['com', 'net', 'biz', 'cn', 'info', 'ru'];
  const domain = (n: number) =>
    n % 5 < 3
      ? `cdn-${mixed(n)}.${names.length > 0 ? names[(n * 7919) % names.length] : 'example.com'}`
      : `${mixed(n)}${mixed(n * 31 + 7).slice(0, 3)}.${tlds[n % tlds.length]}`;
  // Unique public IPv4 addresses: a first octet in 11-99 (no special-purpose range starts there), the
  // other three a bijection of the counter's quotient (odd multiplier and xorshift mod 2^24).
  const ip = (n: number) => {
    const q = Math.floor(n / 89);
    let y = Math.imul(q, 0x9e3779b1) & 0xffffff;
    y ^= y >>> 12;
    return `${11 + (n % 89)}.${y >>> 16}.${(y >>> 8) & 255}.${y & 255}`;
  };
  const value =
    kind === 'domain'
      ? domain
      : kind === 'ip'
        ? ip
        : (n: number) =>
            urls.length > 0
              ? `${urls[(n * 7919) % urls.length]}${urls[(n * 7919) % urls.length]!.includes('?') ? '&' : '?'}_=${mixed(n)}`
              : `http://${domain(n)}/login.php?id=${mixed(n)}`;

  let counter = Number(args.offset);
  const strings = () => Array.from({ length: 1000 }, () => ({ id: '', value: value(counter++) }));
  // A batch's values as the event loop hands them to a worker (RawValues: UTF-8 bytes and ends).
  const raw = () => {
    const values = Array.from({ length: 1000 }, () => Buffer.from(value(counter++), 'utf8'));
    const ends = new Int32Array(values.length);
    let end = 0;
    values.forEach((v, j) => {
      end += v.length;
      ends[j] = end;
    });
    return { bytes: new Uint8Array(Buffer.concat(values)), ends };
  };
  // What scoring/inference-worker.ts `answer` does with them, line for line.
  const decoded = (values: { bytes: Uint8Array; ends: Int32Array }) => {
    const { bytes: utf8, ends: valueEnds } = values;
    const text = Buffer.from(utf8.buffer, utf8.byteOffset, utf8.byteLength);
    return Array.from(valueEnds, (end, j) => ({
      id: '',
      value: text.toString('utf8', j === 0 ? 0 : valueEnds[j - 1], end),
    }));
  };
  const byBytes = args.input === 'bytes';
  if (!byBytes && args.input !== 'strings') throw new Error('--input is bytes or strings');
  const batch = byBytes ? () => decoded(raw()) : strings;
  const run = (features: Float32Array, rows: number) => runner.run(features, rows);
  // Warm-up: the JIT, the model's first runs.
  for (let b = 0; b < 30; b++)
    encodeAnswers(await scoreFresh(base, fp, scoring, model.assets, batch(), view, run), view);

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
  const cpu = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  const cpu0 = cpu();
  for (const inputs of rounds) {
    const start = cpu();
    for (const input of inputs) {
      const items = Array.isArray(input) ? input : decoded(input);
      const results = await scoreFresh(base, fp, scoring, model.assets, items, view, run);
      const e0 = cpu();
      bytes += encodeAnswers(results, view).bytes.length;
      encodingPerItem.push((cpu() - e0) / 1000);
    }
    perItem.push((cpu() - start) / (inputs.length * 1000));
  }
  const cpuMs = (cpu() - cpu0) / 1000;
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
      model: `${m.name}/${m.version}`,
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
  await runner.release();
  await app.close();
  process.exit(0);
}

void main();
