/**
 * In-process cost of one model run by run size, for each engine (src/scoring/trees/tree-runner.ts):
 * onnxruntime, and the walk in JavaScript at every size, as CPU time per row, the two alternating in
 * each round so a busy machine weighs on both alike; best of the rounds. Every run gets rows it has
 * not seen just before (PERF-NOTES: the same rows again flatter small runs 2-3x): 20,000 rows whose
 * features are drawn column by column from the version's golden rows, taken in turn. The numbers
 * behind SMALL_RUN_ROWS.
 *
 *   npm run build && node dist/bench/engine-cost.js [--models models] [--only domain/3,url/2] [--rounds 5] [--ms 300]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openModelRunner } from '../scoring/trees/tree-runner';
import { seededRandom } from '../seeded-random';
import { ownCpuUs } from './proc-stats';

const { values: args } = parseArgs({
  options: {
    models: { type: 'string', default: 'models' },
    only: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    ms: { type: 'string', default: '300' },
  },
});
const SIZES = [1, 4, 8, 16, 32, 64, 256, 1000];
const POOL_ROWS = 20_000;

type Run = (features: Float32Array, rows: number) => Float32Array | Promise<Float32Array>;

async function perRow(run: Run, pool: Float32Array, width: number, size: number): Promise<number> {
  const start = ownCpuUs();
  const until = Date.now() + Number(args.ms);
  let done = 0;
  let at = 0;
  while (Date.now() < until) {
    if (at + size > POOL_ROWS) at = 0;
    await run(pool.slice(at * width, (at + size) * width), size);
    at += size;
    done += size;
  }
  return (ownCpuUs() - start) / done;
}

/** POOL_ROWS rows, each feature drawn from a golden row at random (mulberry32, fixed seed). */
function rowPool(golden: { features: number[] }[], width: number): Float32Array {
  const next = seededRandom(0x5eed);
  const pool = new Float32Array(POOL_ROWS * width);
  for (let i = 0; i < POOL_ROWS; i++) {
    for (let f = 0; f < width; f++) {
      const from = golden[Math.floor(next() * golden.length)] as { features: number[] };
      pool[i * width + f] = from.features[f] as number;
    }
  }
  return pool;
}

async function main(): Promise<void> {
  const versions = readdirSync(args.models)
    .filter((m) => m !== 'training')
    .flatMap((m) =>
      readdirSync(join(args.models, m))
        .filter((v) => /^[0-9]+$/.test(v))
        .map((v) => `${m}/${v}`),
    )
    .filter((v) => args.only === undefined || args.only.split(',').includes(v));
  process.stdout.write(
    `CPU us per row, best of ${args.rounds} rounds (walk / level walk / onnxruntime)\nmodel     ${SIZES.map((s) => `${s} rows`.padStart(22)).join('')}\n`,
  );
  for (const version of versions) {
    const dir = join(args.models, version);
    const meta = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8'));
    const io = {
      width: meta.feature_names.length as number,
      input: meta.input.name as string,
      output: meta.output.name as string,
      positive: meta.output.positive_class_index as number,
      intraOpThreads: 1,
    };
    const bytes = readFileSync(join(dir, 'model.onnx'));
    const walked = await openModelRunner(bytes, { ...io, engine: 'trees' });
    const ort = await openModelRunner(bytes, { ...io, engine: 'onnxruntime' });
    const golden = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')).rows as { features: number[] }[];
    const pool = rowPool(golden, io.width);
    const { walk, levelWalk } = walked;
    // The level walk leaves a run with a NaN to onnxruntime: the pool's rows have none (golden rows).
    const level =
      levelWalk === undefined ? undefined : (x: Float32Array, n: number) => levelWalk(x, n) ?? walked.reference(x, n);
    const cells: string[] = [];
    for (const size of SIZES) {
      let bestTrees = Number.POSITIVE_INFINITY;
      let bestLevel = Number.POSITIVE_INFINITY;
      let bestOrt = Number.POSITIVE_INFINITY;
      for (let r = 0; r < Number(args.rounds); r++) {
        if (walk !== undefined) bestTrees = Math.min(bestTrees, await perRow(walk, pool, io.width, size));
        if (level !== undefined) bestLevel = Math.min(bestLevel, await perRow(level, pool, io.width, size));
        bestOrt = Math.min(bestOrt, await perRow(ort.reference, pool, io.width, size));
      }
      cells.push(`${bestTrees.toFixed(2)} / ${bestLevel.toFixed(2)} / ${bestOrt.toFixed(2)}`.padStart(22));
    }
    process.stdout.write(
      `${version.padEnd(10)}${cells.join('')}${walked.smallRuns === 'trees' ? '' : `  (not walked: ${walked.fallbackReason})`}\n`,
    );
    await walked.release();
    await ort.release();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
