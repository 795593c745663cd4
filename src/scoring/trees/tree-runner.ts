/**
 * A model as the scoring core runs it: onnxruntime for every run, except small runs of a plain tree
 * ensemble, which a loop in JavaScript walks (flat-trees.ts) without onnxruntime's fixed cost per run.
 * onnxruntime stays the reference and the fallback: it loads every model, and the walk serves only
 * after it agreed with onnxruntime on a few thousand rows made to reach every branch (values on,
 * just below and just above each threshold, and missing values).
 *
 * CPU per row measured on this 2-core VM (busy; `npx tsx src/bench/engine-cost.ts`):
 * domain v2 1 row 8.4 us walked vs 18.1 onnxruntime, 8 rows 7.4 vs 8.8, 64 rows 11.5 vs 7.0,
 * 1000 rows 6.8 vs 5.6; ip v2 1 row 1.9 vs 26.4. Hence SMALL_RUN_ROWS.
 */
import type * as ort from 'onnxruntime-node';
import { type ModelEngine, type ModelIo, openSession, runSession } from '../inference-protocol';
import { type FlatTrees, flattenTrees, runFlatTrees } from './flat-trees';
import { readTreeEnsemble, type TreeEnsemble } from './onnx-trees';

/** Runs of at most this many rows are walked in JavaScript (see the numbers above). */
export const SMALL_RUN_ROWS = 16;
/** Largest difference allowed between the walk's probability and onnxruntime's. */
export const ENGINE_TOLERANCE = 1e-6;
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
  release(): Promise<void>;
}

/** A small deterministic generator (mulberry32): the check rows are the same at every load. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rows whose values sit on, just below and just above the ensemble's thresholds, and some NaN. */
export function checkRows(ensemble: TreeEnsemble, width: number, rows = CHECK_ROWS): Float32Array {
  const thresholds: number[][] = Array.from({ length: width }, () => []);
  for (const tree of ensemble.trees)
    for (const node of tree.values()) if (node.mode !== 'LEAF') thresholds[node.feature]?.push(node.value);
  const next = random(0x7e57);
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

/** The walk as this model's positive class reads it. */
function walker(flat: FlatTrees, io: ModelIo): (features: Float32Array, rows: number) => Float32Array {
  if (io.positive === 1) return (features, rows) => runFlatTrees(flat, features, rows, io.width);
  return (features, rows) => runFlatTrees(flat, features, rows, io.width).map((p) => Math.fround(1 - p));
}

/** The walk, if the model is a plain tree ensemble and the walk agrees with onnxruntime; else why not. */
async function smallRunWalker(
  bytes: Uint8Array,
  io: ModelIo,
  reference: (features: Float32Array, rows: number) => Promise<Float32Array>,
): Promise<{ walk: (features: Float32Array, rows: number) => Float32Array } | { why: string }> {
  const read = readTreeEnsemble(bytes);
  if (!read.ok) return { why: read.why };
  const flat = flattenTrees(read.ensemble);
  if (!flat.ok) return { why: flat.why };
  if (flat.trees.width > io.width) return { why: `the trees read feature ${flat.trees.width - 1} of ${io.width}` };
  if (io.positive !== 0 && io.positive !== 1) return { why: `positive class index ${io.positive}` };
  const walk = walker(flat.trees, io);
  const rows = checkRows(read.ensemble, io.width);
  const n = rows.length / io.width;
  const want = await reference(rows.slice(), n);
  const got = walk(rows, n);
  let worst = 0;
  for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs((got[i] as number) - (want[i] as number)));
  if (!(worst <= ENGINE_TOLERANCE)) return { why: `the walk differs from onnxruntime by ${worst} on the check rows` };
  return { walk };
}

export async function openModelRunner(
  bytes: Uint8Array,
  spec: ModelIo & { intraOpThreads: number; engine: ModelEngine },
): Promise<ModelRunner> {
  const session: ort.InferenceSession = await openSession(bytes, spec.intraOpThreads);
  const reference = (features: Float32Array, rows: number) => runSession(session, features, rows, spec);
  const small = spec.engine === 'trees' ? await smallRunWalker(bytes, spec, reference) : { why: 'engine onnxruntime' };
  const base = {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    reference,
    release: () => session.release(),
  };
  if (!('walk' in small)) return { ...base, smallRuns: 'onnxruntime', fallbackReason: small.why, run: reference };
  const { walk } = small;
  return {
    ...base,
    smallRuns: 'trees',
    run: (features, rows) =>
      rows <= SMALL_RUN_ROWS ? Promise.resolve(walk(features, rows)) : reference(features, rows),
  };
}
