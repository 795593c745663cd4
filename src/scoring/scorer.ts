/**
 * The batch-first scoring core. Every RPC, unary or streaming, typed or generic, ends here with a
 * batch: look each item up in the cache, parse the rest (bad ones become per-item errors), let rules
 * answer what they can, compute features for the rest into one matrix, run the model once, and build
 * the results in input order (the stages are named in stages.ts). A transport that holds a batch's
 * cache misses as bytes hands them to answerOffLoop(), which runs those same stages on a pipeline
 * worker and gets the answers back encoded: the event loop then only frames, looks up and copies.
 */
import { type ErrorReason, itemError, PredictError } from '../errors';
import type { IndicatorKind } from '../indicators/types';
import type { CountedItem, ItemCounts } from '../metrics/items';
import type { PredictionCache } from './cache';
import { ANSWER_VERDICTS, type AnswerReply, type ClonedResult, type RawValues } from './inference-protocol';
import { assertedAnswer, type Refused, routeMixed } from './mixed';
import type { ModelRepository } from './model-repository';
import {
  type AnyPipeline,
  type CachedAnswer,
  cacheSpaceOf,
  type InputItem,
  pipelineForFeatures,
  type ScoredItem,
} from './pipeline';
import {
  echo,
  errorResult,
  featuresStage,
  OFF_THREAD_MIN_ROWS,
  parsedStage,
  reasonsStage,
  result,
  tooLong,
  type View,
} from './stages';

export type { RawValues } from './inference-protocol';
export type { Refused } from './mixed';
export type { View } from './stages';

export interface GenericItem extends InputItem {
  /** The type the caller asserted, or undefined to detect it. */
  kind?: IndicatorKind | undefined;
}

/** How scoreBatch() and scoreMixed() treat the items metric. */
export interface ScoreOptions {
  /**
   * False when the items' answers were counted already: a transport scoring them again as objects,
   * after their encoded answer came out over the message size limit. Default true.
   */
  count?: boolean;
}

export interface Scorer {
  /** Scores items that are all of one kind. Never rejects for bad items: they get `error`. */
  scoreBatch(kind: IndicatorKind, items: readonly InputItem[], view: View, opts?: ScoreOptions): Promise<ScoredItem[]>;
  /** Detects each item's kind (unless asserted) and scores each kind's share as one batch. */
  scoreMixed(items: readonly GenericItem[], view: View, opts?: ScoreOptions): Promise<ScoredItem[]>;
  /**
   * What scoreMixed() does first with an item, for a transport that groups a generic batch itself:
   * the kind it is scored as, or how it is answered when no pipeline may see it (mixed.ts). Those
   * answers are counted by countRefused(); the others as scoreBatch() and answerOffLoop() count.
   */
  routeMixed(value: string, asserted: IndicatorKind | undefined): IndicatorKind | Refused;
  countRefused(answers: readonly (ScoredItem | undefined)[]): void;
  pipelines(): readonly AnyPipeline[];
  /**
   * The prediction cache of the version serving `kind` now, keyed by the raw item value, for a
   * transport that looks items up before decoding them; undefined when there is none, or when the
   * pipeline keys its cache by something else than the raw value.
   */
  cacheOf(kind: IndicatorKind): PredictionCache<CachedAnswer> | undefined;
  /** Counts answers a transport gave from cacheOf() itself, in the items metric (see ScorerOptions.items). */
  countCached(kind: IndicatorKind, answers: readonly (CachedAnswer | undefined)[]): void;
  /**
   * Scores values no cache answered on a worker thread, the whole way (stages.ts), from their UTF-8
   * bytes as the request carried them, with the answers encoded there by the transport's encoder:
   * the transport copies them after each item's id. Offers the answers to the cache and counts them,
   * as scoreBatch() would; `idOf(j)` is value j's item id (asked for the few answers the cache keeps).
   * With `values.asserted` (Predict), an asserted value's INVALID_* answer is encoded as a mismatch
   * (mixed.ts); the cache and the counts get the pipeline's answer, as with scoreMixed().
   * Undefined when the batch is better scored by scoreBatch(): too few values for the hop
   * (OFF_THREAD_MIN_ROWS), a pipeline or backend that cannot, no serving model, or a worker that
   * failed it (scoreBatch then answers).
   */
  answerOffLoop(
    kind: IndicatorKind,
    values: RawValues,
    view: View,
    idOf: (j: number) => string,
  ): Promise<EncodedAnswers | undefined>;
  /** Whether answerOffLoop() may answer items of `kind` now (its serving model's backend can). */
  answersOffLoop(kind: IndicatorKind): boolean;
}

/** Answers encoded by a worker: item j's bytes are [ends[j - 1] or 0, ends[j]) of `bytes`. */
export interface EncodedAnswers {
  bytes: Uint8Array;
  ends: Int32Array;
}

export interface ScorerOptions {
  repository: ModelRepository;
  pipelines: readonly AnyPipeline[];
  /** Items answered per type and verdict (src/metrics); none when metrics are off. */
  items?: ItemCounts | undefined;
}

/** Offers an answer to the cache and, if stored, links it to its entry (see ScoredItem.cached). */
function remember(cache: PredictionCache<CachedAnswer>, key: string, view: View, result: ScoredItem): void {
  const entry: CachedAnswer = { view, result };
  if (cache.offer(key, entry)) result.cached = entry;
}

/**
 * Batches whose features the inference thread may be computing at once. Handing it everything made
 * it the bottleneck when the event loop had little else to do (compact view, all names new: -10%);
 * handing it work only while its queue is short balances the two threads (see the issue 6 note).
 */
const OFF_THREAD_QUEUE = 2;

export { OFF_THREAD_MIN_ROWS } from './stages';

function utf8(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', start, end);
}

/** What the items metric reads of an answer, per ANSWER_VERDICTS index (no object per item). */
const COUNTED: readonly CountedItem[] = ANSWER_VERDICTS.map((v) =>
  v === 'error' ? { error: true } : v === 'none' ? {} : { verdict: v },
);

/** A result a worker kept for the cache, as a result of this thread (its error a PredictError again). */
function restored(r: ClonedResult, id: string): ScoredItem {
  const e = r.error;
  return {
    id,
    indicator: r.indicator,
    kind: r.kind,
    score: r.score,
    verdict: r.verdict,
    model: r.model,
    reasons: r.reasons,
    enrichment: r.enrichment,
    error: e === undefined ? undefined : new PredictError(e.reason as ErrorReason, e.message, e.metadata),
    cached: undefined,
  };
}

/** A cached answer for another item with the same key: a literal, as a spread costs several times more per hit. */
function repeat(hit: CachedAnswer, id: string): ScoredItem {
  const r = hit.result;
  return {
    id,
    indicator: r.indicator,
    kind: r.kind,
    score: r.score,
    verdict: r.verdict,
    model: r.model,
    reasons: r.reasons,
    enrichment: r.enrichment,
    error: r.error,
    cached: hit,
  };
}

export function createScorer(opts: ScorerOptions): Scorer {
  const byKind = new Map<IndicatorKind, AnyPipeline>(opts.pipelines.map((p) => [p.kind, p]));
  // The longest value any pipeline accepts: a longer one is refused before its type is detected.
  const maxAnyLength = Math.max(...opts.pipelines.map((p) => p.maxLength));
  const counts = opts.items;
  async function runPipeline(p: AnyPipeline, items: readonly InputItem[], view: View): Promise<ScoredItem[]> {
    // One model version for the whole batch, even if a reload swaps it meanwhile; its cache with it.
    const model = opts.repository.serving(p.modelName);
    const cache = model?.cache?.space(cacheSpaceOf(p));
    const out: ScoredItem[] = new Array(items.length);
    const parsed: unknown[] = new Array(items.length);
    const keys: (string | undefined)[] = new Array(items.length);
    const toScore: number[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as InputItem;
      if (item.value.length > p.maxLength) {
        out[i] = tooLong(item, p.kind, p.maxLength);
        continue;
      }
      const key = cache === undefined ? undefined : (p.cacheKey?.(item) ?? item.value);
      if (key !== undefined) {
        const hit = cache!.get(key);
        // A hit answered in the other view is recomputed (a compact entry has no reasons to give).
        if (hit !== undefined && hit.view === view) {
          out[i] = repeat(hit, item.id);
          continue;
        }
        keys[i] = key;
      }
      let r = p.parse(item);
      if (r instanceof Promise) r = await r;
      if (!parsedStage(p, item, r, view, model?.metadata, out, i)) {
        if (key !== undefined) remember(cache!, key, view, out[i]!);
        continue;
      }
      if (r.ok) parsed[i] = r.value;
      toScore.push(i);
    }
    if (toScore.length === 0) return out;

    if (model === undefined) {
      const err = itemError('MODEL_UNAVAILABLE', `no ready version of model "${p.modelName}"`, { model: p.modelName });
      for (const i of toScore)
        if (out[i]!.verdict === undefined) out[i] = { ...out[i]!, cached: undefined, error: err };
      return out;
    }
    // The feature code of the serving version's features version (an older model keeps its own). Not
    // model.pipeline: several pipelines share one model (domains and email addresses), each with its parts.
    const fp = pipelineForFeatures(p, model.metadata.features_version);
    if (fp === undefined) throw new Error(`${p.kind} cannot compute features ${model.metadata.features_version}`);
    let features: Float32Array;
    let scores: Float32Array;
    const offThread = model.offThread;
    if (
      offThread !== undefined &&
      offThread.kind === p.kind &&
      toScore.length >= OFF_THREAD_MIN_ROWS &&
      offThread.pending < OFF_THREAD_QUEUE
    ) {
      // A large batch while the inference thread has room: it computes the features too, and this
      // thread goes on. When it is busy, this thread computes them, so neither waits for the other.
      const scored = await offThread.score(toScore.map((i) => (items[i] as InputItem).value));
      features = scored.features;
      scores = scored.probabilities;
    } else {
      features = featuresStage(fp, model.assets, parsed, toScore);
      scores = await model.predict(features, toScore.length);
    }
    reasonsStage(fp, model, out, parsed, toScore, features, scores, view);
    for (const i of toScore) {
      const key = keys[i];
      if (key !== undefined) remember(cache!, key, view, out[i]!);
    }
    return out;
  }

  async function scoreBatch(
    kind: IndicatorKind,
    items: readonly InputItem[],
    view: View,
    { count = true }: ScoreOptions = {},
  ): Promise<ScoredItem[]> {
    const counter = count ? counts : undefined;
    const p = byKind.get(kind);
    if (p === undefined) {
      const err =
        kind === 'email_message'
          ? itemError(
              'INDICATOR_TYPE_UNSUPPORTED',
              'raw email messages are scored by PredictEmails (bytes), not by Predict',
              { type: kind },
            )
          : itemError('INDICATOR_TYPE_UNSUPPORTED', `indicators of type ${kind} are recognised but not scored`, {
              type: kind,
            });
      const refused = items.map((it) => result(it.id, echo(it.value), kind, err));
      counter?.countAll(kind, refused);
      return refused;
    }
    let out: ScoredItem[];
    try {
      out = await runPipeline(p, items, view);
    } catch (err) {
      // A failure of the batch itself (not of an item): every item reports it, none is lost.
      out = items.map((it) => errorResult(it, kind, err));
    }
    counter?.countAll(kind, out);
    return out;
  }

  async function scoreMixed(items: readonly GenericItem[], view: View, opts: ScoreOptions = {}): Promise<ScoredItem[]> {
    const groups = new Map<IndicatorKind, number[]>();
    const out: ScoredItem[] = new Array(items.length);
    for (let i = 0; i < items.length; i++) {
      const it = items[i] as GenericItem;
      const kind = routeMixed(it.value, it.kind, maxAnyLength);
      if (typeof kind === 'function') {
        out[i] = kind(it.id);
        continue;
      }
      const g = groups.get(kind);
      if (g === undefined) groups.set(kind, [i]);
      else g.push(i);
    }
    // Items refused before their type was known or trusted (the rest are counted by scoreBatch).
    if (opts.count !== false) countRefused(out);
    for (const [kind, idx] of groups) {
      const results = await scoreBatch(
        kind,
        idx.map((i) => items[i] as GenericItem),
        view,
        opts,
      );
      idx.forEach((i, j) => {
        const r = results[j] as ScoredItem;
        out[i] = items[i]!.kind === undefined ? r : assertedAnswer(r, kind);
      });
    }
    return out;
  }

  function countRefused(answers: readonly (ScoredItem | undefined)[]): void {
    if (counts === undefined) return;
    for (let i = 0; i < answers.length; i++) {
      const r = answers[i];
      if (r !== undefined) counts.count(r.kind, r);
    }
  }

  function cacheOf(kind: IndicatorKind): PredictionCache<CachedAnswer> | undefined {
    const p = byKind.get(kind);
    return p === undefined || p.cacheKey !== undefined
      ? undefined
      : opts.repository.serving(p.modelName)?.cache?.space(cacheSpaceOf(p));
  }

  function countCached(kind: IndicatorKind, answers: readonly (CachedAnswer | undefined)[]): void {
    if (counts === undefined) return;
    for (let i = 0; i < answers.length; i++) {
      const a = answers[i];
      if (a !== undefined) counts.count(kind, a.result);
    }
  }

  async function answerOffLoop(
    kind: IndicatorKind,
    values: RawValues,
    view: View,
    idOf: (j: number) => string,
  ): Promise<EncodedAnswers | undefined> {
    const p = byKind.get(kind);
    const n = values.ends.length;
    // Pipelines that key their cache by more than the value keep the event loop's path.
    if (p === undefined || p.cacheKey !== undefined || n < OFF_THREAD_MIN_ROWS) return undefined;
    // One model version for the whole batch, as in runPipeline.
    const model = opts.repository.serving(p.modelName);
    const answer = model?.offThread?.kind === p.kind ? model.offThread.answer : undefined;
    if (model === undefined || answer === undefined) return undefined;
    const cache = model.cache?.space(cacheSpaceOf(p));
    // The values the cache will keep (offered before) come back as objects too; the others are
    // offered now, by their bytes, without an answer (the doorkeeper remembers them).
    const keep: number[] = [];
    const keys: string[] = [];
    if (cache !== undefined) {
      const { bytes, ends } = values;
      let looked = 0;
      for (let j = 0; j < n; j++) {
        const start = j === 0 ? 0 : ends[j - 1]!;
        const end = ends[j]!;
        // A value longer than the pipeline takes is never a key (UTF-16 units <= UTF-8 bytes).
        if (end - start > p.maxLength && utf8(bytes, start, end).length > p.maxLength) continue;
        looked++;
        if (cache.seenOrNoteBytes(bytes, start, end)) {
          keep.push(j);
          keys.push(utf8(bytes, start, end));
        }
      }
      cache.countMisses(looked);
    }
    let reply: AnswerReply;
    try {
      reply = await answer(values, view, keep);
    } catch {
      return undefined;
    }
    if (cache !== undefined)
      for (let k = 0; k < keep.length; k++) remember(cache, keys[k]!, view, restored(reply.kept[k]!, idOf(keep[k]!)));
    if (counts !== undefined) {
      const verdicts = reply.verdicts;
      const counted: CountedItem[] = new Array(verdicts.length);
      for (let i = 0; i < verdicts.length; i++) counted[i] = COUNTED[verdicts[i]!]!;
      counts.countAll(kind, counted);
    }
    return { bytes: reply.bytes, ends: reply.ends };
  }

  function offLoopAnswer(p: AnyPipeline | undefined) {
    const model = p === undefined ? undefined : opts.repository.serving(p.modelName);
    return model?.offThread?.kind === p?.kind ? model?.offThread?.answer : undefined;
  }

  return {
    scoreBatch,
    scoreMixed,
    routeMixed: (value, asserted) => routeMixed(value, asserted, maxAnyLength),
    countRefused,
    pipelines: () => opts.pipelines,
    cacheOf,
    countCached,
    answerOffLoop,
    answersOffLoop: (kind) => offLoopAnswer(byKind.get(kind)) !== undefined,
  };
}
