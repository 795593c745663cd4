/**
 * level-trees.ts' walk in WebAssembly, for the pipeline workers' large runs: the same padded trees,
 * the same steps `node = 2 node + 1 + (x > threshold)`, the same float32 sums in tree order, eight rows
 * side by side. In JavaScript every step paid three typed-array bounds checks and float32 -> float64
 * conversions; here a load is one instruction (wasm32 memory is bounds-checked by guard pages) and the
 * compare is float32's own (`f32.gt`, which for numbers that are not NaN is `x > t` on their doubles).
 * The sum `f32.add` is float32 addition, as `Math.fround(a + b)` of two float32 values and as a
 * Float32Array store of their sum: so the scores are runLevelTrees', bit for bit. domain/5 at batches of
 * 1000 new names: 0.39-0.49x runLevelTrees' time per row (src/bench/README.md, branch domcost).
 *
 * The module is ~900 bytes assembled here (no toolchain, no file): one function
 * `walk(trees, depth, rows, width, featureAt, thresholdAt, leafAt, sumsAt, rowsAt)` over one memory
 * holding, per model, its feature indices (int32), thresholds and leaf weights (float32) as
 * level-trees.ts lays them out, then per run the sums and the rows (rows padded with zeros to a
 * multiple of eight, their sums dropped). A run with a NaN is left to the caller, as runLevelTrees does.
 */
import { type LevelTrees, levelScores } from './level-trees';

/** Rows walked side by side (one local per row for its node and one for its row's place). */
const LANES = 8;

const I32 = 0x7f;
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}
const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const tee = (i: number) => [0x22, i];
const int = (v: number) => [0x41, ...sleb(v)];
const ADD = 0x6a;
const SUB = 0x6b;
const MUL = 0x6c;
const SHL = 0x74;
const LT_S = 0x48;
const I32_LOAD = [0x28, 2, 0]; // align 4, offset 0
const F32_LOAD = [0x2a, 2, 0];
const F32_STORE = [0x38, 2, 0];
const F32_ADD = 0x92;
const F32_GT = 0x5e;
const LOOP = [0x03, 0x40];
const END = 0x0b;
const BR_IF_LOOP = [0x0d, 0];

/**
 * The module's bytes: `walk` and its memory `mem` (one page to start; the caller grows it). What the
 * bytes say, as pseudo-code (every loop runs at least once: trees, depth and rows are never 0 here;
 * `lane j` repeats its line for j = 0..LANES-1, each with its own node and row; offsets in bytes,
 * `f32 a[i]` / `i32 a[i]` the value stored at byte a + 4i):
 *
 *   leaves = 1 << depth; inner = leaves - 1; rowBytes = width * 4
 *   for t in 0..trees:
 *     featureOf = featureAt + t*inner*4; thresholdOf = thresholdAt + t*inner*4
 *     leafOf = leafAt + (t*leaves - inner)*4          // so a leaf node n reads leafOf + n*4
 *     for r in 0..rows*4 step LANES*4 (r: the first lane's sum's byte; first = rowsAt, then + LANES*rowBytes):
 *       lane j: node_j = 0; row_j = first + j*rowBytes
 *       for k in 0..depth:
 *         lane j: node_j = 2*node_j + 1 + (f32 row_j[i32 featureOf[node_j]] > f32 thresholdOf[node_j])
 *       lane j: the f32 at byte sumsAt + r + 4j = f32.add(itself, f32 leafOf[node_j])
 */
function walkModule(): Uint8Array {
  // Parameters 0-8: trees, depth, rows (a multiple of LANES), width, featureAt, thresholdAt, leafAt,
  // sumsAt, rowsAt (byte offsets). Locals: 9 t, 10 r (the row's byte offset in the sums), 11 k (level),
  // 12 the tree's feature indices' offset, 13 its thresholds', 14 its leaves' (less the inner nodes'),
  // 15 inner nodes per tree, 16 leaves per tree, 17 a row's bytes, 18 the first lane's row; then per
  // lane its node (19 + j) and its row (19 + LANES + j).
  const node = (j: number) => 19 + j;
  const row = (j: number) => 19 + LANES + j;
  const lanesStart: number[] = [];
  const step: number[] = [];
  const sum: number[] = [];
  for (let j = 0; j < LANES; j++) {
    lanesStart.push(...int(0), ...set(node(j)), ...get(18));
    if (j > 0) lanesStart.push(...get(17), ...int(j), MUL, ADD);
    lanesStart.push(...set(row(j)));
    // node = 2 node + 1 + (x[row + feature[node]] > threshold[node])
    step.push(...get(node(j)), ...int(1), SHL, ...int(1), ADD);
    step.push(...get(row(j)), ...get(12), ...get(node(j)), ...int(2), SHL, ADD, ...I32_LOAD, ...int(2), SHL, ADD);
    step.push(...F32_LOAD, ...get(13), ...get(node(j)), ...int(2), SHL, ADD, ...F32_LOAD, F32_GT, ADD, ...set(node(j)));
    // sums[r + j] = f32(sums[r + j] + leaf[node])
    sum.push(...get(7), ...get(10), ADD, ...int(4 * j), ADD);
    sum.push(...get(7), ...get(10), ADD, ...int(4 * j), ADD, ...F32_LOAD);
    sum.push(...get(14), ...get(node(j)), ...int(2), SHL, ADD, ...F32_LOAD, F32_ADD, ...F32_STORE);
  }
  // biome-ignore format: one line per operation, as the walk reads
  const body = [
    ...int(1), ...get(1), SHL, ...tee(16), ...int(1), SUB, ...set(15),
    ...get(3), ...int(2), SHL, ...set(17),
    ...LOOP, // trees
    ...get(9), ...get(15), MUL, ...int(2), SHL, ...tee(12), ...get(5), ADD, ...set(13),
    ...get(12), ...get(4), ADD, ...set(12),
    ...get(6), ...get(9), ...get(16), MUL, ...get(15), SUB, ...int(2), SHL, ADD, ...set(14),
    ...int(0), ...set(10), ...get(8), ...set(18),
    ...LOOP, // rows, LANES at a time
    ...lanesStart, ...int(0), ...set(11),
    ...LOOP, // levels
    ...step,
    ...get(11), ...int(1), ADD, ...tee(11), ...get(1), LT_S, ...BR_IF_LOOP,
    END,
    ...sum,
    ...get(18), ...get(17), ...int(LANES), MUL, ADD, ...set(18),
    ...get(10), ...int(4 * LANES), ADD, ...tee(10), ...get(2), ...int(2), SHL, LT_S, ...BR_IF_LOOP,
    END,
    ...get(9), ...int(1), ADD, ...tee(9), ...get(0), LT_S, ...BR_IF_LOOP,
    END,
    END,
  ];
  const fn = [1, ...uleb(10 + 2 * LANES), I32, ...body];
  const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
  const name = (s: string) => [...uleb(s.length), ...Buffer.from(s, 'ascii')];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, [1, 0x60, 9, ...new Array<number>(9).fill(I32), 0]), // type: 9 x i32 -> ()
    ...section(3, [1, 0]), // one function of type 0
    ...section(5, [1, 0, 1]), // one memory, at least one page
    ...section(7, [2, ...name('walk'), 0, 0, ...name('mem'), 2, 0]),
    ...section(10, [1, ...uleb(fn.length), ...fn]),
  ]);
}

// The few WebAssembly declarations used (the project's TypeScript libraries declare none).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const WASM = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
let compiled: object | undefined;

export type LevelWalk = (x: Float32Array, rows: number) => Float32Array | undefined;

/**
 * The WebAssembly walk of `level` for rows of `width` features (at least the model's), or the reason
 * it cannot run here (no WebAssembly, trees of depth 0); the caller then keeps runLevelTrees.
 */
export function wasmLevelWalk(level: LevelTrees, width: number, positive: 0 | 1): LevelWalk | { why: string } {
  if (level.depth < 1) return { why: 'trees of depth 0' };
  if (width < level.width) return { why: `the model reads feature ${level.width - 1}, rows have ${width}` };
  if (WASM === undefined) return { why: 'no WebAssembly' };
  let instance: { exports: Record<string, unknown> };
  try {
    compiled ??= new WASM.Module(walkModule());
    instance = new WASM.Instance(compiled, {});
  } catch (e) {
    return { why: `WebAssembly: ${(e as Error).message}` };
  }
  const walk = instance.exports.walk as (...args: number[]) => void;
  const memory = instance.exports.mem as WasmMemory;
  const featureAt = 0;
  const thresholdAt = level.feature.byteLength;
  const leafAt = thresholdAt + level.threshold.byteLength;
  const sumsAt = leafAt + level.leaf.byteLength;
  const room = (bytes: number) => {
    const short = bytes - memory.buffer.byteLength;
    if (short > 0) memory.grow(Math.ceil(short / 65536));
  };
  room(sumsAt);
  new Int32Array(memory.buffer, featureAt, level.feature.length).set(level.feature);
  new Float32Array(memory.buffer, thresholdAt, level.threshold.length).set(level.threshold);
  new Float32Array(memory.buffer, leafAt, level.leaf.length).set(level.leaf);
  return (x, rows) => {
    const values = rows * width;
    if (x.length < values) throw new Error(`${rows} rows of ${width} features need ${values} values`);
    for (let i = 0; i < values; i++) {
      const v = x[i] as number;
      // biome-ignore lint/suspicious/noSelfCompare: v !== v is the NaN test, without a call in the hot loop.
      if (v !== v) return undefined;
    }
    if (rows === 0) return new Float32Array(0);
    const padded = Math.ceil(rows / LANES) * LANES;
    const rowsAt = sumsAt + 4 * padded;
    room(rowsAt + 4 * padded * width);
    const buffer = memory.buffer; // after any growth
    new Float32Array(buffer, sumsAt, padded).fill(0);
    const input = new Float32Array(buffer, rowsAt, padded * width);
    input.set(x.subarray(0, values));
    input.fill(0, values);
    walk(level.trees, level.depth, padded, width, featureAt, thresholdAt, leafAt, sumsAt, rowsAt);
    return levelScores(level, new Float32Array(buffer, sumsAt, rows), rows, positive);
  };
}
