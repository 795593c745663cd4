/**
 * A pipeline binds one indicator type to its model: parse, rules that decide without a model, features,
 * reasons and enrichment. The scorer runs any pipeline the same batch-first way.
 */
import type { PredictError } from '../errors';
import type { Enrichment, IndicatorKind, Parsed, Reason, ReasonSink, Verdict } from '../indicators/types';
import type { ModelMetadata } from './metadata';

/** What a caller sends for one item, as the core sees it. */
export interface InputItem {
  id: string;
  value: string;
  observedAt?: Date | undefined;
}

/** The core's answer for one item; the server maps it to the protobuf Prediction. */
export interface ScoredItem {
  id: string;
  indicator: string;
  kind: IndicatorKind | undefined;
  score?: number | undefined;
  verdict?: Verdict | undefined;
  model?: { name: string; version: number } | undefined;
  reasons: Reason[];
  enrichment?: Enrichment | undefined;
  error?: PredictError | undefined;
  /**
   * The cache entry this exact answer came from or was stored in, so the transport can memoise its
   * encoding there (`wire`). Anything that derives a different answer from this one must drop it.
   */
  cached?: CachedAnswer | undefined;
}

/** What a model version's cache holds: an item's answer (without its id) in the view it was made for. */
export interface CachedAnswer {
  view: 'full' | 'compact';
  result: ScoredItem;
  /**
   * The transport's encoding of `result` without its id, set by the server the first time it sends
   * the answer again: a repeat then costs a copy instead of building and encoding messages. Opaque
   * to the core.
   */
  wire?: Uint8Array;
}

/** A verdict reached by a rule (allow-list, non-routable address), without running the model. */
export interface RuleDecision {
  verdict: Verdict;
  reasons: Reason[];
  /** Whether the model still runs (its score reported, the rule's verdict kept). */
  score: boolean;
}

export interface Pipeline<P, A = unknown> {
  readonly kind: IndicatorKind;
  readonly modelName: string;
  readonly featuresVersion: string;
  readonly featureNames: readonly string[];
  /**
   * Longest item value accepted, in UTF-16 code units, white space included. A longer value is
   * answered INDICATOR_TOO_LONG by the scorer before any parsing, and never used as a cache key.
   */
  readonly maxLength: number;
  /** Loads the version's feature assets (e.g. n-gram tables) from its folder; checked at model load. */
  loadAssets(versionDir: string): A;
  parse(item: InputItem): Parsed<P> | Promise<Parsed<P>>;
  /**
   * Parses a golden row for the canary check when the features depend on more than the indicator text
   * (an IP's ASN and country come from a database operators replace): `context` is what training saw.
   * Without this method the check calls parse().
   */
  parseGolden?(indicator: string, context: unknown): Parsed<P>;
  /**
   * The cache key for an item, or undefined when its answer must not be cached (e.g. it depends on
   * an observation time). Without this method the raw value is the key: the same text always
   * normalises to the same indicator, so it stands for the normalised one and skips parsing on a hit.
   */
  cacheKey?(item: InputItem): string | undefined;
  /**
   * The cache key space of the pipeline's answers now (the kind without this method). A pipeline
   * whose answers depend on data that is reloaded (the IP pipeline's geo databases) moves to a new
   * space after a reload: answers made with the old data are never served again and age out.
   */
  cacheSpace?(): string;
  /**
   * What a pipeline worker needs besides the pipeline's code and the model version's assets to
   * answer as this pipeline does (pipelines/off-thread.ts; the IP pipeline's geo databases, shared):
   * the same object until it changes, so that it is sent to a worker only when it has changed.
   */
  shared?(): unknown;
  normalised(p: P): string;
  enrich(p: P): Enrichment | undefined;
  /**
   * A rule's answer, or undefined when the model decides. `meta` is the serving model version's
   * metadata (undefined when none serves), for rules that a version opts into.
   */
  decide?(p: P, meta?: ModelMetadata): RuleDecision | undefined;
  features(p: P, assets: A, out: Float32Array, offset: number): void;
  /**
   * A verdict the item must get at least, whatever the model says, read off its feature row (cheap:
   * it runs for every scored item, in both views). E.g. a brand lookalike is at least suspicious.
   */
  verdictFloor?(p: P, row: Float32Array): Verdict | undefined;
  /**
   * The threshold slice an item is in (a key of the version's metadata `slice_thresholds`), from the
   * item and its feature row; asked only of versions that have slice thresholds.
   */
  thresholdSlice?(p: P, row: Float32Array): string | undefined;
  /** Reasons for a model score, from the item and its feature row. */
  explain(p: P, row: Float32Array, score: number, meta: ModelMetadata): Reason[];
  /**
   * The same reasons appended to `into`, when the pipeline can (the reasons stage then makes one
   * array per item, of the reasons' exact number, instead of this one's and a copy).
   */
  explainInto?(p: P, row: Float32Array, score: number, meta: ModelMetadata, into: ReasonSink): void;
  /**
   * Older features versions this pipeline still computes, so that model versions trained on them keep
   * serving (rollback): a model version is fed the features of the version its metadata names.
   */
  readonly olderFeatures?: readonly FeatureParts<P, A>[];
}

/** The parts of a pipeline that depend on the features version. */
export type FeatureParts<P, A = unknown> = Pick<
  Pipeline<P, A>,
  | 'featuresVersion'
  | 'featureNames'
  | 'loadAssets'
  | 'features'
  | 'verdictFloor'
  | 'thresholdSlice'
  | 'explain'
  | 'explainInto'
>;

/** The key space of the pipeline's cached answers now (see Pipeline.cacheSpace). */
export function cacheSpaceOf(p: AnyPipeline): string {
  return p.cacheSpace?.() ?? p.kind;
}

const variants = new WeakMap<AnyPipeline, Map<string, AnyPipeline>>();

/**
 * The pipeline that computes features version `version`: `p` itself, or `p` with the parts of one of
 * its older features versions (the same object every time, so identity checks keep working).
 */
export function pipelineForFeatures(p: AnyPipeline, version: string): AnyPipeline | undefined {
  if (p.featuresVersion === version) return p;
  const parts = p.olderFeatures?.find((f) => f.featuresVersion === version);
  if (parts === undefined) return undefined;
  let cache = variants.get(p);
  if (cache === undefined) {
    cache = new Map();
    variants.set(p, cache);
  }
  let v = cache.get(version);
  if (v === undefined) {
    // explainInto is optional: an older version's parts without one must not keep the newest's.
    v = { ...p, explainInto: undefined, ...parts, olderFeatures: undefined };
    cache.set(version, v);
  }
  return v;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry of pipelines of different parsed types
export type AnyPipeline = Pipeline<any, any>;
