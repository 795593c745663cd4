/**
 * In-process cost of one model run by run size, for each engine (src/scoring/trees/tree-runner.ts):
 * onnxruntime, and the walk in JavaScript, as CPU time per row, the two alternating in each round so
 * a busy machine weighs on both alike; best of the rounds. Rows are the version's golden feature rows
 * repeated. The numbers behind SMALL_RUN_ROWS.
 *
 *   npx tsx src/bench/engine-cost.ts [--models models] [--only domain/2] [--rounds 3] [--ms 400]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type ModelRunner, openModelRunner } from '../scoring/trees/tree-runner';

const { values: args } = parseArgs({
  options: {
    models: { type: 'string', default: 'models' },
    only: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    ms: { type: 'string', default: '400' },
  },
});
const SIZES = [1, 4, 16, 64, 1000];

function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function perRow(runner: ModelRunner, rows: Float32Array, width: number, size: number): Promise<number> {
  const batch = rows.subarray(0, size * width);
  const start = cpuUs();
  const until = Date.now() + Number(args.ms);
  let done = 0;
  while (Date.now() < until) {
    await runner.run(batch.slice(), size);
    done += size;
  }
  return (cpuUs() - start) / done;
}

async function main(): Promise<void> {
  const versions = readdirSync(args.models)
    .filter((m) => m !== 'training')
    .flatMap((m) =>
      readdirSync(join(args.models, m))
        .filter((v) => /^[0-9]+$/.test(v))
        .map((v) => `${m}/${v}`),
    )
    .filter((v) => args.only === undefined || v === args.only);
  process.stdout.write(
    `CPU us per row, best of ${args.rounds} rounds (trees / onnxruntime)\nmodel     ${SIZES.map((s) => `${s} rows`.padStart(20)).join('')}\n`,
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
    const max = Math.max(...SIZES);
    const rows = new Float32Array(max * io.width);
    for (let i = 0; i < max; i++)
      rows.set((golden[i % golden.length] as { features: number[] }).features, i * io.width);
    // The walk is forced for every size here, to see where it stops paying.
    const walkAll: ModelRunner =
      walked.smallRuns === 'trees' ? { ...walked, run: (f, n) => walkRun(walked, f, n) } : walked;
    const cells: string[] = [];
    for (const size of SIZES) {
      let bestTrees = Number.POSITIVE_INFINITY;
      let bestOrt = Number.POSITIVE_INFINITY;
      for (let r = 0; r < Number(args.rounds); r++) {
        bestTrees = Math.min(bestTrees, await perRow(walkAll, rows, io.width, size));
        bestOrt = Math.min(bestOrt, await perRow(ort, rows, io.width, size));
      }
      cells.push(`${bestTrees.toFixed(2)} / ${bestOrt.toFixed(2)}`.padStart(20));
    }
    process.stdout.write(
      `${version.padEnd(10)}${cells.join('')}${walked.smallRuns === 'trees' ? '' : `  (not walked: ${walked.fallbackReason})`}\n`,
    );
    await walked.release();
    await ort.release();
  }
}

/** Runs of any size through the walk, in slices the runner walks. */
async function walkRun(runner: ModelRunner, features: Float32Array, rows: number): Promise<Float32Array> {
  const out = new Float32Array(rows);
  const width = features.length / rows;
  for (let at = 0; at < rows; at += 16) {
    const n = Math.min(16, rows - at);
    out.set(await runner.run(features.subarray(at * width, (at + n) * width), n), at);
  }
  return out;
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
