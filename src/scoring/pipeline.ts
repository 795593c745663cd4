/**
 * A pipeline binds one indicator type to its model: parse, rules that decide without a model, features,
 * reasons and enrichment. The scorer runs any pipeline the same batch-first way.
 */
import type { PredictError } from '../errors';
import type { Enrichment, IndicatorKind, Parsed, Reason, Verdict } from '../indicators/types';
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
  /** Loads the version's feature assets (e.g. n-gram tables) from its folder; checked at model load. */
  loadAssets(versionDir: string): A;
  parse(item: InputItem): Parsed<P> | Promise<Parsed<P>>;
  normalised(p: P): string;
  enrich(p: P): Enrichment | undefined;
  decide?(p: P): RuleDecision | undefined;
  features(p: P, assets: A, out: Float32Array, offset: number): void;
  /** Reasons for a model score, from the item and its feature row. */
  explain(p: P, row: Float32Array, score: number, meta: ModelMetadata): Reason[];
}

// biome-ignore lint/suspicious/noExplicitAny: a registry of pipelines of different parsed types
export type AnyPipeline = Pipeline<any, any>;
