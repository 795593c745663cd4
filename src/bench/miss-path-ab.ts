/**
 * Two builds' miss paths in ONE process (issue 17): each build's own modules required from its dist
 * directory, the miss path a worker runs (decode, `scoreFresh`, `encodeAnswers`, as
 * `miss-path-cost.ts`) set up once per build, then batches of 1000 new values alternating A B / B A,
 * both builds scoring the same values, each batch's CPU (process.cpuUsage) charged to its build. The
 * machine's load weighs on both alike within a round: on the busy 2-core machine of 2026-12-08 one
 * run's A/A ratio moved +-5-8% and a build made 9% slower came out 3-19% slower (batch pairs' median
 * 8-13%), where separate processes (`miss-path-cost.js` run alternately, or `ab.sh` against servers)
 * swing +-20-30% (src/bench/README.md, "Two builds' miss paths in one process").
 *
 *   npm run build && cp -r dist dist-a          # dist-a: the base; then build the change into dist
 *   node dist/bench/miss-path-ab.js dist-a dist [--kind domain|url|ip] [--view full|compact] \
 *       [--rounds 20] [--per 4] [--warmup 20] [--offset N]
 *
 * The dist directories must sit inside a checkout with `node_modules` (each build's `require`s resolve
 * from where its files are, and onnxruntime's native module loads once for both); both builds load
 * the models and the signing key of the checkout this program runs from, so they score with the same
 * model versions. First the warm-up batches: each build answers them and the answers are compared
 * byte for byte; a difference is an error that names the first differing item (so a run is also an
 * answer-equality check on `warmup` x 1000 new values). Then `rounds` rounds of `per` batches each:
 * per round each build's CPU us per item, the round's B/A ratio; the output is one JSON line with the
 * medians, the median of the rounds' ratios, in how many rounds B was lower, the median of the batch
 * pairs' ratios, the ratio of the sums and the load average.
 */
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { View } from '../scoring/stages';
import { decodedValues, type MissPathModules, missBatches, missKind, openMissPath, type RawBatch } from './miss-path';
import { ownCpuUs } from './proc-stats';
import { median } from './stats';

/** A build's miss-path modules, required from its dist directory (not this program's). */
export function buildModules(dist: string): MissPathModules {
  const dir = resolve(dist);
  const from = (path: string) => require(join(dir, path));
  return {
    pino: require(require.resolve('pino', { paths: [dir] })),
    createApp: from('app').createApp,
    loadConfig: from('config').loadConfig,
    pipelineForFeatures: from('scoring/pipeline').pipelineForFeatures,
    runsOnWorkers: from('scoring/pipelines/off-thread').runsOnWorkers,
    scoreFresh: from('scoring/stages').scoreFresh,
    openModelRunner: from('scoring/trees/tree-runner').openModelRunner,
    encodeAnswers: from('server/answer-encoding').encodeAnswers,
  };
}

/** Which build goes first in a round's k-th batch: A B and B A alternate, and each round starts the other way. */
export function batchOrder(round: number, k: number): readonly ['A', 'B'] | readonly ['B', 'A'] {
  return (round + k) % 2 === 1 ? (['A', 'B'] as const) : (['B', 'A'] as const);
}

/** The index of the first item whose encoded answer differs between two encoded batches, or -1. */
export function firstDifferingItem(
  a: { bytes: Uint8Array; ends: Int32Array },
  b: { bytes: Uint8Array; ends: Int32Array },
): number {
  const n = Math.max(a.ends.length, b.ends.length);
  for (let j = 0; j < n; j++) {
    if (j >= a.ends.length || j >= b.ends.length) return j;
    const sa = a.bytes.subarray(j === 0 ? 0 : a.ends[j - 1], a.ends[j]);
    const sb = b.bytes.subarray(j === 0 ? 0 : b.ends[j - 1], b.ends[j]);
    if (Buffer.compare(sa, sb) !== 0) return j;
  }
  return Buffer.compare(a.bytes, b.bytes) === 0 ? -1 : n;
}

/** Per round CPU us per item of each build: the medians, the median of the rounds' B/A ratios, and in how many rounds B was lower. */
export function abSummary(a: readonly number[], b: readonly number[]) {
  if (a.length !== b.length || a.length === 0) throw new Error('one figure per round for each build');
  const ratios = a.map((x, i) => (b[i] as number) / x);
  return {
    usPerItemA: median(a),
    usPerItemB: median(b),
    ratio: median(ratios),
    lower: `${ratios.filter((r) => r < 1).length}/${ratios.length}`,
    ratios,
  };
}

const round3 = (x: number) => Number(x.toFixed(3));

async function main(): Promise<void> {
  const { values: args, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      kind: { type: 'string', default: 'domain' },
      view: { type: 'string', default: 'full' },
      rounds: { type: 'string', default: '20' },
      per: { type: 'string', default: '4' },
      warmup: { type: 'string', default: '20' },
      offset: { type: 'string', default: '20000000' },
    },
  });
  if (positionals.length !== 2) throw new Error('usage: miss-path-ab.js DIST_A DIST_B [--kind ...] [--view ...]');
  const kind = missKind(args.kind);
  const view = args.view as View;
  if (view !== 'full' && view !== 'compact') throw new Error('--view is full or compact');
  const [rounds, per, warmup] = [Number(args.rounds), Number(args.per), Number(args.warmup)];
  if (!(rounds >= 1 && per >= 1 && warmup >= 1)) throw new Error('--rounds, --per and --warmup are at least 1');
  // This checkout's models and key, for both builds (dist/bench/ -> the checkout).
  const checkout = resolve(__dirname, '..', '..');
  const configArgs = [
    '--models',
    join(checkout, 'models'),
    '--model-signing-key',
    join(checkout, 'keys', 'threatpredict-models.pub'),
  ];
  const load0 = loadavg()[0] as number;
  const [distA, distB] = positionals as [string, string];
  // The same directory twice would be the same modules (require's cache), not two builds.
  if (resolve(distA) === resolve(distB))
    throw new Error('DIST_A and DIST_B are one directory: for an A/A run, copy the build (cp -r dist dist-a)');
  const A = await openMissPath(buildModules(distA), kind, view, configArgs);
  const B = await openMissPath(buildModules(distB), kind, view, configArgs);
  const { raw } = missBatches(kind, Number(args.offset));
  const answer = async (side: typeof A, input: RawBatch) => side.encode(await side.score(decodedValues(input)));

  // Warm-up, and the answers compared byte for byte.
  for (let w = 0; w < warmup; w++) {
    const input = raw();
    const x = await answer(A, input);
    const y = await answer(B, input);
    const j = firstDifferingItem(x, y);
    if (j >= 0) {
      const value = decodedValues(input)[j]?.value;
      throw new Error(
        `the builds answer differently: warm-up batch ${w}, item ${j} (${JSON.stringify(value)}); ` +
          'compare their answers with answer-digest.js before comparing their cost',
      );
    }
  }

  const usA: number[] = [];
  const usB: number[] = [];
  const pairs: number[] = []; // each batch's B/A, the two run back to back on the same values
  for (let r = 0; r < rounds; r++) {
    const inputs = Array.from({ length: per }, raw); // made before the clock runs
    let ta = 0;
    let tb = 0;
    for (let k = 0; k < per; k++) {
      const t = { A: 0, B: 0 };
      for (const side of batchOrder(r, k)) {
        const t0 = ownCpuUs();
        await answer(side === 'A' ? A : B, inputs[k] as RawBatch);
        t[side] = ownCpuUs() - t0;
      }
      ta += t.A;
      tb += t.B;
      pairs.push(t.B / t.A);
    }
    usA.push(ta / (per * 1000));
    usB.push(tb / (per * 1000));
  }
  const s = abSummary(usA, usB);
  console.log(
    JSON.stringify({
      kind,
      view,
      A: distA,
      B: distB,
      model: A.model === B.model ? A.model : `${A.model} / ${B.model}`,
      checkedItems: warmup * 1000,
      rounds,
      per,
      usPerItemA: round3(s.usPerItemA),
      usPerItemB: round3(s.usPerItemB),
      ratio: round3(s.ratio),
      lower: s.lower,
      // The same in other ways: the median of every batch pair's B/A, and all B's CPU over all A's.
      pairRatio: round3(median(pairs)),
      sumRatio: round3(usB.reduce((x, y) => x + y, 0) / usA.reduce((x, y) => x + y, 0)),
      ratios: s.ratios.map(round3),
      roundsA: usA.map(round3),
      roundsB: usB.map(round3),
      load: [round3(load0), round3(loadavg()[0] as number)],
    }),
  );
  await A.close();
  await B.close();
  process.exit(0);
}

if (require.main === module)
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
