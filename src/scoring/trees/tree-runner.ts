/**
 * A model as the scoring core runs it. A plain tree ensemble is walked in JavaScript: small runs by
 * flat-trees.ts' loop, without onnxruntime's fixed cost per run (~12-17 us: tensor, native call,
 * output copies), and runs of LEVEL_MIN_ROWS or more by level-trees.ts' branchless walk (1.6-2x
 * faster per row than onnxruntime on the table's rows below, whose columns come from different golden
 * rows; ~1.1-1.5x on real names, src/bench/README.md), walked in WebAssembly where it runs
 * (level-wasm.ts: the same walk in ~0.4-0.5x the time; the JavaScript walk otherwise). Other graphs,
 * and runs with a NaN feature past the small ones, go to onnxruntime. onnxruntime stays the
 * reference and the fallback: it loads every model, and the walk serves only after it gave
 * onnxruntime's very float32 on every one of a few thousand rows made to reach every branch (values
 * on, just below and just above each threshold, and missing values), and after this machine's
 * onnxruntime gave the walk's logistic on scores that tell its C library's expf from others
 * (logisticProbe). Being exact, the choice of engine never changes an answer, so the cut-over below
 * is a matter of speed alone.
 *
 * CPU us per row, walk / onnxruntime, 2026-12-07 02:46 UTC, load average 6.4-7.0 on this 2-core VM
 * (`node dist/bench/engine-cost.js --only domain/3,url/2,ip/2,email/3`, best of 5 rounds, fresh rows):
 *
 *   rows        1            4            8            16           64          1000
 *   domain/3    7.81 / 18.02 7.35 / 9.40  7.03 / 7.45  6.76 / 6.14  6.36 / 4.89 5.41 / 4.35
 *   url/2      10.01 / 21.96 9.36 / 11.00 8.87 / 8.72  8.59 / 7.23  8.09 / 6.25 6.84 / 5.78
 *   ip/2        2.53 / 14.01 2.39 / 4.68  2.27 / 3.24  2.20 / 2.37  2.11 / 1.68 1.96 / 1.47
 *   email/3    11.58 / 23.74 10.98 / 12.69 10.51 / 10.24 10.08 / 8.77 9.68 / 7.56 8.66 / 7.04
 *
 * The two meet at about 8 rows (domain ~9, URL and email ~8, IP ~20), hence SMALL_RUN_ROWS = 8; one
 * number for every model, since IP's later crossing is worth ~3 us per run. Past that onnxruntime's
 * walk is 1.2-1.4x faster per row. The level walk (walk / level walk / onnxruntime, 2026-12-07 14:47
 * UTC, load average 6.6-8.1, best of 3 rounds):
 *
 *   rows        1                  4                 8                64                1000
 *   domain/5    7.89 / 11.57 / 18.63 7.23 / 7.90 / 8.93 6.98 / 2.69 / 7.19 6.41 / 2.46 / 5.04 5.61 / 2.52 / 4.64
 *   url/2       9.83 / 14.36 / 22.50 9.52 / 11.10 / 11.47 8.85 / 3.52 / 8.70 7.96 / 3.19 / 6.02 6.77 / 3.17 / 5.56
 *   ip/2        2.38 / 4.32 / 14.57 2.49 / 2.97 / 4.74 2.27 / 1.08 / 3.16 2.15 / 1.04 / 1.77 1.96 / 0.90 / 1.47
 *   email/3    11.91 / 12.36 / 25.89 11.11 / 10.35 / 12.92 10.51 / 3.61 / 10.11 9.73 / 3.43 / 7.60 8.69 / 3.44 / 7.14
 *
 * so from 8 rows the level walk serves (LEVEL_MIN_ROWS) and below it the flat walk. In WebAssembly
 * (level-wasm.ts) the level walk beats the flat one from 2 rows (walk / level walk in WebAssembly,
 * CPU us per row, 2026-12-08 01:20 UTC, load ~3, best of 3 rounds):
 *
 *   rows        1             2             3            4            8
 *   domain/5    15.10 / 16.90 10.85 / 7.71  11.41 / 5.28 11.04 / 4.76 10.63 / 2.59
 *   url/4       17.50 / 28.23 14.27 / 13.01 14.39 / 9.41 15.59 / 6.49 13.13 / 3.25
 *   ip/2        3.76 / 6.16   3.98 / 3.16   3.55 / 2.44  4.04 / 2.26  3.21 / 0.96
 *   email/5     19.22 / 21.05 18.06 / 10.58 18.01 / 8.86 18.60 / 6.19 15.69 / 3.29
 *
 * so where it runs it serves from WASM_LEVEL_MIN_ROWS (2) rows.
 */
import { createHash } from 'node:crypto';
import type * as ort from 'onnxruntime-node';
import { seededRandom } from '../../seeded-random';
import { type ModelEngine, type ModelIo, openSession, runSession, type WalkCheck } from '../inference-protocol';
import { flattenTrees, runFlatTrees } from './flat-trees';
import { logistic, TELLING_SCORES } from './float32-logistic';
import { levelTrees, runLevelTrees } from './level-trees';
import { wasmLevelWalk } from './level-wasm';
import { ONE_TREE_IO, oneTreeModel } from './one-tree-model';
import { readTreeEnsemble, type TreeEnsemble } from './onnx-trees';

/** Runs of at most this many rows are walked in JavaScript (see the numbers above). */
export const SMALL_RUN_ROWS = 8;
/**
 * Runs of at least this many rows take the branchless walk (level-trees.ts) when the model has one:
 * it walks eight rows side by side, and a shorter run walks them one by one, slower than the walk.
 */
export const LEVEL_MIN_ROWS = 8;
/** The same for the level walk in WebAssembly (the numbers above): it walks 8 rows side by side for less. */
export const WASM_LEVEL_MIN_ROWS = 2;
const CHECK_ROWS = 2048;

export interface ModelRunner {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Whether small runs are walked in JavaScript, and why not when they are not. */
  readonly smallRuns: 'trees' | 'onnxruntime';
  readonly fallbackReason?: string | undefined;
  run(features: Float32Array, rows: number): Promise<Float32Array>;
  /** A run on onnxruntime whatever its size (the reference). */
  reference(features: Float32Array, rows: number): Promise<Float32Array>;
  /** The walk whatever the run's size, when it serves (src/bench/engine-cost.ts times it). */
  readonly walk?: ((features: Float32Array, rows: number) => Float32Array) | undefined;
  /**
   * The branchless walk of larger runs (level-trees.ts), when it serves; undefined for a run with a
   * NaN feature, which onnxruntime takes.
   */
  readonly levelWalk?: ((features: Float32Array, rows: number) => Float32Array | undefined) | undefined;
  /** The shortest run `run` gives the level walk (LEVEL_MIN_ROWS, or WASM_LEVEL_MIN_ROWS in WebAssembly). */
  readonly levelMinRows?: number | undefined;
  /** What the check of the walks against onnxruntime concluded (another thread of this process may reuse it). */
  readonly checked: WalkCheck;
  release(): Promise<void>;
}

/** This thread's verdicts, by checkKey. */
const checkedHere = new Map<string, WalkCheck>();

function checkKey(bytes: Uint8Array, io: ModelIo & { intraOpThreads: number }): string {
  const sha = createHash('sha256').update(bytes).digest('hex');
  return `${sha} ${io.input} ${io.output} ${io.width} ${io.positive} ${io.intraOpThreads}`;
}

/** The level walk that serves a model and the shortest run it takes. */
interface LevelWalk {
  kind: 'wasm' | 'js';
  walk: (features: Float32Array, rows: number) => Float32Array | undefined;
  minRows: number;
}

/** Rows whose values sit on, just below and just above the ensemble's thresholds, and some NaN. */
export function checkRows(ensemble: TreeEnsemble, width: number, rows = CHECK_ROWS): Float32Array {
  const thresholds: number[][] = Array.from({ length: width }, () => []);
  for (const tree of ensemble.trees)
    for (const node of tree.values()) if (node.mode !== 'LEAF') thresholds[node.feature]?.push(node.value);
  const next = seededRandom(0x7e57); // the check rows are the same at every load
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < width; f++) {
      const ts = thresholds[f] as number[];
      const u = next();
      let v = 0;
      if (ts.length > 0) {
        const t = ts[Math.floor(next() * ts.length)] as number;
        const step = Math.max(Math.abs(t) * 1e-6, 1e-6);
        v = u < 0.02 ? Number.NaN : u < 0.35 ? t : u < 0.65 ? t - step : t + step;
      }
      out[r * width + f] = v;
    }
  }
  return out;
}

/** Scores besides the telling ones: zeroes, the underflow of expf, large and tiny ones. */
const PLAIN_SCORES = [0, -0, 1e-30, 0.5, -0.5, 1.5, -3.25, 17, -17, 87.5, -88.5, 100, -104, -110, 200];

/**
 * Whether this machine's onnxruntime computes `fn`'s logistic (float32-logistic.ts by default), on
 * scores that tell glibc's expf from a correctly rounded one: undefined if so, else why not. It is
 * the machine's C library that answers, so the runner asks once per thread (a one-tree model, a
 * few ms).
 */
export async function logisticProbe(fn: (score: number) => number = logistic): Promise<string | undefined> {
  const scores = [...TELLING_SCORES].flatMap((s) => [s, -s]).concat(PLAIN_SCORES.map(Math.fround));
  const session = await openSession(oneTreeModel({ weights: scores }), 1);
  try {
    const rows = Float32Array.from(scores, (_, k) => k);
    const want = await runSession(session, rows, scores.length, { ...ONE_TREE_IO, positive: 1 });
    const got = Float32Array.from(scores, fn);
    const i = firstDifference(got, want);
    if (i < 0) return undefined;
    return `onnxruntime's logistic of ${scores[i]} is ${want[i]}, the walk's ${got[i]} (not glibc's expf)`;
  } finally {
    await session.release();
  }
}
let probed: Promise<string | undefined> | undefined;

/** Index of the first row whose two outputs are not the same float32 (bits, so -0 is not 0), or -1. */
export function firstDifference(a: Float32Array, b: Float32Array): number {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  if (x.length !== y.length) return Math.min(x.length, y.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

/**
 * The walk, if the model is a plain tree ensemble and the walk agrees with onnxruntime; else why not.
 * With `checked` (this process's verdict on the same model) the walks it names serve without a check,
 * unless one of them cannot be built here.
 */
async function smallRunWalker(
  bytes: Uint8Array,
  io: ModelIo & { intraOpThreads: number },
  reference: (features: Float32Array, rows: number) => Promise<Float32Array>,
  checked: WalkCheck | undefined,
): Promise<
  | {
      walk: (features: Float32Array, rows: number) => Float32Array;
      level: LevelWalk | undefined;
    }
  | { why: string }
> {
  // With more threads onnxruntime sums each thread's share of the trees apart, then the shares
  // (tree_ensemble_common.h, sections B2 and D2): another order, other float32 sums.
  if (io.intraOpThreads !== 1) return { why: `${io.intraOpThreads} intra-op threads sum trees in another order` };
  const read = readTreeEnsemble(bytes);
  if (!read.ok) return { why: read.why };
  const flat = flattenTrees(read.ensemble);
  if (!flat.ok) return { why: flat.why };
  if (flat.trees.width > io.width) return { why: `the trees read feature ${flat.trees.width - 1} of ${io.width}` };
  if (checked !== undefined && !checked.walks) return { why: checked.why };
  const positive = io.positive;
  if (positive !== 0 && positive !== 1) return { why: `positive class index ${positive}` };
  const trees = flat.trees;
  const walk = (features: Float32Array, rows: number) => runFlatTrees(trees, features, rows, io.width, positive);
  if (checked?.walks) {
    const level =
      checked.level === undefined ? undefined : levelWalks(read.ensemble, io).find((l) => l.kind === checked.level);
    if (checked.level === undefined || level !== undefined) return { walk, level };
  }
  if (flat.trees.logistic) {
    probed ??= logisticProbe();
    const why = await probed;
    if (why !== undefined) return { why };
  }
  const rows = checkRows(read.ensemble, io.width);
  const n = rows.length / io.width;
  const want = await reference(rows.slice(), n);
  const got = walk(rows, n);
  // The same float32 or nothing: an answer must not depend on the engine that ran it.
  const i = firstDifference(got, want);
  if (i >= 0) return { why: `the walk gives ${got[i]} where onnxruntime gives ${want[i]} (check row ${i})` };
  return { walk, level: await levelWalker(read.ensemble, io, rows, want, reference) };
}

/** Check rows the level walk must agree on, at least: a wide model's rows nearly all carry a NaN. */
const LEVEL_CHECK_ROWS = 256;

/**
 * The branchless walk of large runs, if the ensemble pads to complete trees and the walk gives
 * onnxruntime's float32 on the check rows without a NaN (it leaves runs with a NaN to onnxruntime):
 * those of the small-run check (`want`, ~40% of them at 46 features), or, for a model too wide to
 * have LEVEL_CHECK_ROWS of them, all check rows with their NaNs made 0 and run on onnxruntime again
 * (which for every model cost ~80 ms of start-up per version and thread).
 */
async function levelWalker(
  ensemble: TreeEnsemble,
  io: ModelIo,
  checks: Float32Array,
  want: Float32Array,
  reference: (features: Float32Array, rows: number) => Promise<Float32Array>,
): Promise<LevelWalk | undefined> {
  const walks = levelWalks(ensemble, io);
  if (walks.length === 0) return undefined;
  const width = io.width;
  const whole: number[] = [];
  for (let r = 0; r < want.length; r++)
    if (!checks.subarray(r * width, (r + 1) * width).some(Number.isNaN)) whole.push(r);
  let x: Float32Array;
  let expected: Float32Array;
  if (whole.length >= LEVEL_CHECK_ROWS) {
    x = new Float32Array(whole.length * width);
    expected = new Float32Array(whole.length);
    whole.forEach((r, k) => {
      x.set(checks.subarray(r * width, (r + 1) * width), k * width);
      expected[k] = want[r] as number;
    });
  } else {
    x = checks.slice();
    for (let i = 0; i < x.length; i++) if (Number.isNaN(x[i])) x[i] = 0;
    expected = await reference(x.slice(), want.length);
  }
  for (const level of walks) {
    const got = level.walk(x, expected.length);
    if (got !== undefined && firstDifference(got, expected) < 0) return level;
  }
  return undefined;
}

/**
 * The level walks that can serve the ensemble here, the one to try first first: the WebAssembly walk
 * (level-wasm.ts; ~0.4-0.5x the time) when it runs here, then the JavaScript one. None if the
 * ensemble does not pad to complete trees.
 */
function levelWalks(ensemble: TreeEnsemble, io: ModelIo): LevelWalk[] {
  const padded = levelTrees(ensemble);
  if (!padded.ok || padded.trees.width > io.width) return [];
  const trees = padded.trees;
  const positive = io.positive === 0 ? 0 : 1;
  const js = (features: Float32Array, rows: number) => runLevelTrees(trees, features, rows, io.width, positive);
  const wasm = wasmLevelWalk(trees, io.width, positive);
  const walks: LevelWalk[] = [{ kind: 'js', walk: js, minRows: LEVEL_MIN_ROWS }];
  if (typeof wasm === 'function') walks.unshift({ kind: 'wasm', walk: wasm, minRows: WASM_LEVEL_MIN_ROWS });
  return walks;
}

/**
 * Opens the model on onnxruntime and, with the `trees` engine, the walks that give its float32 (see
 * the top of this file). `checked`: this process's verdict on the same model from another thread,
 * which spares the check (WalkCheck).
 */
export async function openModelRunner(
  bytes: Uint8Array,
  spec: ModelIo & { intraOpThreads: number; engine: ModelEngine },
  checked?: WalkCheck,
): Promise<ModelRunner> {
  const session: ort.InferenceSession = await openSession(bytes, spec.intraOpThreads);
  const reference = (features: Float32Array, rows: number) => runSession(session, features, rows, spec);
  let small: Awaited<ReturnType<typeof smallRunWalker>> = { why: 'engine onnxruntime' };
  if (spec.engine === 'trees') {
    const key = checkKey(bytes, spec);
    small = await smallRunWalker(bytes, spec, reference, checked ?? checkedHere.get(key));
    checkedHere.set(
      key,
      'walk' in small ? { walks: true, level: small.level?.kind } : { walks: false, why: small.why },
    );
  }
  const base = {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    reference,
    release: () => session.release(),
  };
  if (!('walk' in small))
    return {
      ...base,
      smallRuns: 'onnxruntime',
      fallbackReason: small.why,
      checked: { walks: false, why: small.why },
      run: reference,
    };
  const { walk, level } = small;
  const levelMinRows = level?.minRows ?? Number.POSITIVE_INFINITY;
  return {
    ...base,
    smallRuns: 'trees',
    walk,
    levelWalk: level?.walk,
    levelMinRows: level?.minRows,
    checked: { walks: true, level: level?.kind },
    run: (features, rows) => {
      const scores = rows >= levelMinRows ? level?.walk(features, rows) : undefined;
      if (scores !== undefined) return Promise.resolve(scores);
      return rows <= SMALL_RUN_ROWS ? Promise.resolve(walk(features, rows)) : reference(features, rows);
    },
  };
}
