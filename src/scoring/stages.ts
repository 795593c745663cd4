/**
 * The stages of scoring one batch of cache misses, as named steps that the event loop (scorer.ts)
 * and the pipeline workers (inference-worker.ts, `answer`) both run, so the two give the same answer
 * byte for byte: check length -> parse -> rules -> features -> model -> verdict and reasons.
 *
 * Every result is made by `result()` with all its fields in one order (one object shape for the
 * encoder, no property store grown as fields are set later).
 */
import { itemError, type PredictError, toPredictError } from '../errors';
import type { IndicatorKind, Parsed, Reason, ReasonSink } from '../indicators/types';
import type { ModelMetadata } from './metadata';
import type { AnyPipeline, InputItem, ScoredItem } from './pipeline';
import { scoreText } from './score-text';
import { verdictOf, verdictRank } from './verdict';

export type View = 'full' | 'compact';

/**
 * The fewest rows worth handing to a worker thread with their features. The hop costs the event
 * loop ~25 us (messages both ways) and the batch ~200 us of latency; 16 rows would cost it ~100 us of
 * features and model here. A hot-set batch of 1000 has ~60 new names to score: handing those over
 * too (the threshold was INLINE_MAX_ROWS, 64) moved the hot set from 751k to 842k items/s compact and
 * 460k to 516k full (src/bench/ab.sh, 3-4 pairs); a threshold of 4 was worse than 16 (709k vs 799k).
 * Which engine runs the model (trees/tree-runner.ts: small runs walked in JavaScript, larger ones on
 * onnxruntime) does not change a score: the walk gives onnxruntime's float32 bit for bit.
 */
export const OFF_THREAD_MIN_ROWS = 16;

/** What an invalid item's result shows as its indicator: the raw value, trimmed and bounded. */
export function echo(value: string): string {
  const v = value.trim();
  return v.length > 256 ? `${v.slice(0, 256)}...` : v;
}

/** A result with every field present, always in this order (see above; scorer.ts `repeat` follows it). */
export function result(
  id: string,
  indicator: string,
  kind: IndicatorKind | undefined,
  error?: PredictError | undefined,
): ScoredItem {
  return {
    id,
    indicator,
    kind,
    score: undefined,
    verdict: undefined,
    model: undefined,
    reasons: [],
    enrichment: undefined,
    error,
    cached: undefined,
  };
}

/** The answer for a value longer than `max`: no parsing, no cache (its key would be the raw value). */
export function tooLong(item: InputItem, kind: IndicatorKind | undefined, max: number): ScoredItem {
  const err = itemError(
    'INDICATOR_TOO_LONG',
    `${kind === undefined ? 'indicator' : kind.replace('_', ' ')} is ${item.value.length} characters; at most ${max} are accepted`,
    { length: String(item.value.length), maxLength: String(max) },
  );
  return result(item.id, echo(item.value), kind, err);
}

export function errorResult(item: InputItem, kind: IndicatorKind | undefined, err: unknown): ScoredItem {
  return result(item.id, echo(item.value), kind, toPredictError(err));
}

/**
 * Stages parse and rules for one item: its result so far, put in `out[i]`, and whether the model must
 * still score it (false when parsing failed or a rule answered for good). The result goes into the
 * batch's array rather than back in a `{ res, score }` pair: that pair was ~40 bytes of garbage per
 * new value (src/bench/README.md, garbage per new domain).
 */
export function parsedStage(
  p: AnyPipeline,
  item: InputItem,
  parsed: Parsed<unknown>,
  view: View,
  meta: ModelMetadata | undefined,
  out: ScoredItem[],
  i: number,
): boolean {
  if (!parsed.ok) {
    out[i] = result(item.id, echo(item.value), p.kind, parsed.error);
    return false;
  }
  const res = result(item.id, p.normalised(parsed.value), p.kind);
  out[i] = res;
  if (view === 'full') res.enrichment = p.enrich(parsed.value);
  const rule = p.decide?.(parsed.value, meta);
  if (rule === undefined) return true;
  res.verdict = rule.verdict;
  if (view === 'full') res.reasons.push(...rule.reasons);
  return rule.score;
}

/** Stage features: one row per item to score, into one fresh matrix (batches interleave at awaits). */
export function featuresStage(
  fp: AnyPipeline,
  assets: unknown,
  parsed: readonly unknown[],
  toScore: readonly number[],
): Float32Array {
  const width = fp.featureNames.length;
  const features = new Float32Array(toScore.length * width);
  for (let j = 0; j < toScore.length; j++) fp.features(parsed[toScore[j]!], assets, features, j * width);
  return features;
}

/** The model version a batch was scored with, as the reasons stage needs it. */
export interface ScoringModel {
  name: string;
  version: number;
  metadata: ModelMetadata;
}

/** The version's thresholds for this item: its slice's (metadata `slice_thresholds`) or the global ones. */
function thresholdsOf(fp: AnyPipeline, meta: ModelMetadata, parsed: unknown, row: Float32Array) {
  if (meta.slice_thresholds === undefined || fp.thresholdSlice === undefined) return meta.thresholds;
  const slice = fp.thresholdSlice(parsed, row);
  return (slice === undefined ? undefined : meta.slice_thresholds[slice]) ?? meta.thresholds;
}

// The row the floor and the reasons read, copied out of the batch's matrix: a `subarray` view per
// item was ~90 bytes of garbage (and a typed array made) for every new name. One per row width; the
// stage reads it synchronously and nothing it calls keeps it.
let rowScratch = new Float32Array(0);

function rowOf(features: Float32Array, j: number, width: number): Float32Array {
  if (rowScratch.length !== width) rowScratch = new Float32Array(width);
  for (let k = 0, at = j * width; k < width; k++) rowScratch[k] = features[at + k] as number;
  return rowScratch;
}

/**
 * The reasons of the item being explained, appended one by one (the rules', MODEL_SCORE, the
 * pipeline's explanations) and taken out as one array of their exact number. Each item had an
 * explanation array grown by push (a 17-slot store for its first reason) and a spread copy with
 * MODEL_SCORE in front: ~400 of a new domain's ~2,000 bytes of garbage (src/bench/README.md). The
 * slots are overwritten, never emptied (`length = 0` would free the store and the next push grow one).
 */
class ReasonList implements ReasonSink {
  private readonly slots: Reason[] = [];
  private n = 0;

  /** Starts an item's list (what an explanation that threw left behind is dropped). */
  start(): void {
    this.n = 0;
  }

  push(reason: Reason): void {
    if (this.n < this.slots.length) this.slots[this.n] = reason;
    else this.slots.push(reason);
    this.n++;
  }

  /** The reasons appended since start(), in order. */
  take(): Reason[] {
    return this.slots.slice(0, this.n);
  }
}

const reasonList = new ReasonList();

/**
 * Stage verdict and reasons: each scored item gets its score, the model, the verdict of the model's
 * thresholds (or of the rule that let the model score it), the pipeline's verdict floor and, in the
 * full view, the MODEL_SCORE reason and the pipeline's explanations.
 */
export function reasonsStage(
  fp: AnyPipeline,
  model: ScoringModel,
  out: readonly ScoredItem[],
  parsed: readonly unknown[],
  toScore: readonly number[],
  features: Float32Array,
  scores: Float32Array,
  view: View,
): void {
  const width = fp.featureNames.length;
  const ref = { name: model.name, version: model.version };
  // The MODEL_SCORE reason's text up to the score: built once per batch, not per item.
  const scorePrefix = `model ${model.name} v${model.version} gave `;
  for (let j = 0; j < toScore.length; j++) {
    const i = toScore[j]!;
    const res = out[i]!;
    const score = scores[j] as number;
    const row = rowOf(features, j, width);
    res.score = score;
    res.model = ref;
    // A rule that let the model score its item keeps its verdict, but not below the floor: a
    // platform's own name that imitates a brand is still raised.
    res.verdict ??= verdictOf(score, thresholdsOf(fp, model.metadata, parsed[i], row));
    const floor = fp.verdictFloor?.(parsed[i], row);
    if (floor !== undefined && verdictRank(floor) > verdictRank(res.verdict)) {
      res.verdict = floor;
      if (view === 'full') {
        res.reasons.push({
          code: 'VERDICT_RAISED',
          message: `raised to ${floor} by a rule (see the other reasons)`,
          weight: 0,
        });
      }
    }
    if (view === 'full') {
      const all = reasonList;
      all.start();
      for (let k = 0; k < res.reasons.length; k++) all.push(res.reasons[k]!);
      all.push({ code: 'MODEL_SCORE', message: scorePrefix + scoreText(score), weight: 0 });
      if (fp.explainInto !== undefined) fp.explainInto(parsed[i], row, score, model.metadata, all);
      else {
        const why = fp.explain(parsed[i], row, score, model.metadata);
        for (let k = 0; k < why.length; k++) all.push(why[k]!);
      }
      res.reasons = all.take();
    }
  }
}

/**
 * The whole miss path for items no cache answered, with pipelines that parse synchronously (every
 * one but raw email messages): what a pipeline worker runs per batch. `run` is the model run.
 */
export async function scoreFresh(
  p: AnyPipeline,
  fp: AnyPipeline,
  model: ScoringModel,
  assets: unknown,
  items: readonly InputItem[],
  view: View,
  run: (features: Float32Array, rows: number) => Promise<Float32Array>,
): Promise<ScoredItem[]> {
  const out: ScoredItem[] = new Array(items.length);
  const parsed: unknown[] = new Array(items.length);
  const toScore: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.value.length > p.maxLength) {
      out[i] = tooLong(item, p.kind, p.maxLength);
      continue;
    }
    const r = p.parse(item);
    if (r instanceof Promise) throw new Error(`${p.kind} parses asynchronously`);
    if (!parsedStage(p, item, r, view, model.metadata, out, i)) continue;
    if (r.ok) parsed[i] = r.value;
    toScore.push(i);
  }
  if (toScore.length === 0) return out;
  const features = featuresStage(fp, assets, parsed, toScore);
  const scores = await run(features, toScore.length);
  reasonsStage(fp, model, out, parsed, toScore, features, scores, view);
  return out;
}
