/**
 * The batch-first scoring core. Every RPC, unary or streaming, typed or generic, ends here with a
 * batch: parse every item (bad ones become per-item errors), let rules answer what they can, compute
 * features for the rest into one matrix, run the model once, and build the results in input order.
 */
import { itemError, type PredictError, toPredictError } from '../errors';
import { detectKind, isFileHash } from '../indicators/detect';
import type { IndicatorKind, Reason } from '../indicators/types';
import type { ItemCounts } from '../metrics/items';
import type { PredictionCache } from './cache';
import type { ModelRepository } from './model-repository';
import { type AnyPipeline, type CachedAnswer, type InputItem, pipelineForFeatures, type ScoredItem } from './pipeline';
import { VERDICT_RANK, verdictOf } from './verdict';

export type View = 'full' | 'compact';

export interface GenericItem extends InputItem {
  /** The type the caller asserted, or undefined to detect it. */
  kind?: IndicatorKind | undefined;
}

export interface Scorer {
  /** Scores items that are all of one kind. Never rejects for bad items: they get `error`. */
  scoreBatch(kind: IndicatorKind, items: readonly InputItem[], view: View): Promise<ScoredItem[]>;
  /** Detects each item's kind (unless asserted) and scores each kind's share as one batch. */
  scoreMixed(items: readonly GenericItem[], view: View): Promise<ScoredItem[]>;
  pipelines(): readonly AnyPipeline[];
  /**
   * The prediction cache of the version serving `kind` now, keyed by the raw item value, for a
   * transport that looks items up before decoding them; undefined when there is none, or when the
   * pipeline keys its cache by something else than the raw value.
   */
  cacheOf(kind: IndicatorKind): PredictionCache<CachedAnswer> | undefined;
  /** Counts answers a transport gave from cacheOf() itself, in the items metric (see ScorerOptions.items). */
  countCached(kind: IndicatorKind, answers: readonly (CachedAnswer | undefined)[]): void;
}

export interface ScorerOptions {
  repository: ModelRepository;
  pipelines: readonly AnyPipeline[];
  /** Items answered per type and verdict (src/metrics); none when metrics are off. */
  items?: ItemCounts | undefined;
}

/** What an invalid item's result shows as its indicator: the raw value, trimmed and bounded. */
function echo(value: string): string {
  const v = value.trim();
  return v.length > 256 ? `${v.slice(0, 256)}...` : v;
}

/**
 * A result with every field present, always in this order: all results share one object shape (the
 * encoder reads every one of them), and setting a field later does not grow a property store per
 * item. `repeat` below writes the same fields in the same order.
 */
function result(
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
function tooLong(item: InputItem, kind: IndicatorKind | undefined, max: number): ScoredItem {
  const err = itemError(
    'INDICATOR_TOO_LONG',
    `${kind === undefined ? 'indicator' : kind.replace('_', ' ')} is ${item.value.length} characters; at most ${max} are accepted`,
    { length: String(item.value.length), maxLength: String(max) },
  );
  return result(item.id, echo(item.value), kind, err);
}

function errorResult(item: InputItem, kind: IndicatorKind | undefined, err: unknown): ScoredItem {
  return result(item.id, echo(item.value), kind, toPredictError(err));
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

/**
 * The fewest rows worth handing to the inference thread with their features. The hop costs the event
 * loop ~25 us (messages both ways) and the batch ~200 us of latency; 16 rows would cost it ~100 us of
 * features and model here. A hot-set batch of 1000 has ~60 new names to score: handing those over
 * too (the threshold was INLINE_MAX_ROWS, 64) moved the hot set from 751k to 842k items/s compact and
 * 460k to 516k full (bench/ab.sh, 3-4 pairs); a threshold of 4 was worse than 16 (709k vs 799k).
 */
export const OFF_THREAD_MIN_ROWS = 16;

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
    const cache = model?.cache?.space(p.kind);
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
      if (!r.ok) {
        out[i] = result(item.id, echo(item.value), p.kind, r.error);
        if (key !== undefined) remember(cache!, key, view, out[i]!);
        continue;
      }
      parsed[i] = r.value;
      const res = result(item.id, p.normalised(r.value), p.kind);
      if (view === 'full') res.enrichment = p.enrich(r.value);
      out[i] = res;
      const rule = p.decide?.(r.value);
      if (rule !== undefined) {
        res.verdict = rule.verdict;
        if (view === 'full') res.reasons.push(...rule.reasons);
        if (!rule.score) {
          if (key !== undefined) remember(cache!, key, view, res);
          continue;
        }
      }
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
    const width = fp.featureNames.length;
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
      // A fresh matrix per batch: batches interleave at the await below, so a shared one would be overwritten.
      features = new Float32Array(toScore.length * width);
      for (let j = 0; j < toScore.length; j++) fp.features(parsed[toScore[j]!], model.assets, features, j * width);
      scores = await model.predict(features, toScore.length);
    }
    const ref = { name: model.name, version: model.version };
    // The MODEL_SCORE reason's text up to the score: built once per batch, not per item.
    const scoreText = `model ${model.name} v${model.version} gave `;
    for (let j = 0; j < toScore.length; j++) {
      const i = toScore[j]!;
      const res = out[i]!;
      const score = scores[j] as number;
      // One view of the item's feature row for the floor and the reasons (a view costs ~90 bytes of garbage).
      const row = features.subarray(j * width, (j + 1) * width);
      res.score = score;
      res.model = ref;
      if (res.verdict === undefined) {
        res.verdict = verdictOf(score, model.metadata.thresholds);
        const floor = fp.verdictFloor?.(parsed[i], row);
        if (floor !== undefined && VERDICT_RANK[floor] > VERDICT_RANK[res.verdict]) {
          res.verdict = floor;
          if (view === 'full') {
            res.reasons.push({
              code: 'VERDICT_RAISED',
              message: `raised to ${floor} by a rule (see the other reasons)`,
              weight: 0,
            });
          }
        }
      }
      if (view === 'full') {
        const why: Reason[] = fp.explain(parsed[i], row, score, model.metadata);
        const modelScore: Reason = { code: 'MODEL_SCORE', message: scoreText + score.toFixed(4), weight: 0 };
        // One array of the final length rather than pushes that grow one.
        res.reasons = res.reasons.length === 0 ? [modelScore, ...why] : [...res.reasons, modelScore, ...why];
      }
      const key = keys[i];
      if (key !== undefined) remember(cache!, key, view, res);
    }
    return out;
  }

  async function scoreBatch(kind: IndicatorKind, items: readonly InputItem[], view: View): Promise<ScoredItem[]> {
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
      counts?.countAll(kind, refused);
      return refused;
    }
    let out: ScoredItem[];
    try {
      out = await runPipeline(p, items, view);
    } catch (err) {
      // A failure of the batch itself (not of an item): every item reports it, none is lost.
      out = items.map((it) => errorResult(it, kind, err));
    }
    counts?.countAll(kind, out);
    return out;
  }

  async function scoreMixed(items: readonly GenericItem[], view: View): Promise<ScoredItem[]> {
    const groups = new Map<IndicatorKind, number[]>();
    const out: ScoredItem[] = new Array(items.length);
    for (let i = 0; i < items.length; i++) {
      const it = items[i] as GenericItem;
      if (it.value.length > maxAnyLength) {
        out[i] = tooLong(it, it.kind, maxAnyLength);
        continue;
      }
      if (it.kind === 'file_hash' && !isFileHash(it.value)) {
        const err = itemError(
          'INDICATOR_TYPE_MISMATCH',
          'not an MD5, SHA-1 or SHA-256 hex digest (asserted type file_hash)',
          {
            type: 'file_hash',
          },
        );
        out[i] = result(it.id, echo(it.value), it.kind, err);
        continue;
      }
      const kind = it.kind ?? detectKind(it.value);
      if (kind === undefined) {
        const err =
          it.value.trim() === ''
            ? itemError('INDICATOR_EMPTY', 'indicator is empty')
            : itemError('INDICATOR_TYPE_UNKNOWN', 'not a domain, URL, IP address, email address or file hash');
        out[i] = result(it.id, echo(it.value), undefined, err);
        continue;
      }
      const g = groups.get(kind);
      if (g === undefined) groups.set(kind, [i]);
      else g.push(i);
    }
    // Items refused before their type was known or trusted (the rest are counted by scoreBatch).
    if (counts !== undefined)
      for (let i = 0; i < items.length; i++) {
        const r = out[i];
        if (r !== undefined) counts.count(r.kind, r);
      }
    for (const [kind, idx] of groups) {
      const results = await scoreBatch(
        kind,
        idx.map((i) => items[i] as GenericItem),
        view,
      );
      idx.forEach((i, j) => {
        let r = results[j] as ScoredItem;
        if (r.error?.reason !== undefined && items[i]!.kind !== undefined && r.error.reason.startsWith('INVALID_')) {
          r = {
            ...r,
            cached: undefined,
            error: itemError('INDICATOR_TYPE_MISMATCH', `${r.error.message} (asserted type ${kind})`, { type: kind }),
          };
        }
        out[i] = r;
      });
    }
    return out;
  }

  function cacheOf(kind: IndicatorKind): PredictionCache<CachedAnswer> | undefined {
    const p = byKind.get(kind);
    return p === undefined || p.cacheKey !== undefined
      ? undefined
      : opts.repository.serving(p.modelName)?.cache?.space(p.kind);
  }

  function countCached(kind: IndicatorKind, answers: readonly (CachedAnswer | undefined)[]): void {
    if (counts === undefined) return;
    for (let i = 0; i < answers.length; i++) {
      const a = answers[i];
      if (a !== undefined) counts.count(kind, a.result);
    }
  }

  return { scoreBatch, scoreMixed, pipelines: () => opts.pipelines, cacheOf, countCached };
}
