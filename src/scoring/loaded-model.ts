/**
 * One model version loaded from `models/<name>/<version>/`: the ONNX session, its metadata and feature
 * assets, after the checks that every version must pass before it may serve (metadata, features
 * version, checksum, input/output shape, golden outputs).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IndicatorKind } from '../indicators/types';
import { type CacheLimits, type CacheStore, createCacheStore } from './cache';
import { createInlineBackend, type InferenceBackend, type ScoredValues } from './inference-pool';
import type { AnswerReply, RawValues } from './inference-protocol';
import { type ModelMetadata, parseMetadata } from './metadata';
import { type AnyPipeline, type CachedAnswer, pipelineForFeatures } from './pipeline';
import { runsOnWorkers } from './pipelines/off-thread';
import type { View } from './stages';

export interface LoadedModel {
  readonly name: string;
  readonly version: number;
  readonly dir: string;
  readonly metadata: ModelMetadata;
  readonly assets: unknown;
  /** What small runs use (scoring/trees/tree-runner.ts), and why not the walk in JavaScript. */
  readonly smallRuns: { engine: 'trees' | 'onnxruntime'; fallback?: string | undefined };
  /** The pipeline with the feature code of this version's features version (see pipelineForFeatures). */
  readonly pipeline?: AnyPipeline | undefined;
  /**
   * Answers this version made, for repeats, in one key space per pipeline that uses the model;
   * undefined when caching is off. Dies with the version.
   */
  readonly cache: CacheStore<CachedAnswer> | undefined;
  /** Probability of the malicious class for `rows` rows of features laid out row-major. */
  predict(features: Float32Array, rows: number): Promise<Float32Array>;
  /**
   * Features and probabilities computed on the inference thread from raw values, for large batches
   * of the pipeline `kind` (see pipelines/off-thread.ts); undefined when the backend cannot.
   */
  readonly offThread?: OffThreadScoring | undefined;
  /**
   * Whether every pipeline worker keeps this version loaded (the serving one), or loads it only when
   * asked for it (versions kept for rollback): see InferenceSession.resident.
   */
  resident(on: boolean): Promise<void>;
  release(): Promise<void>;
}

export interface OffThreadScoring {
  /** The pipeline whose features the inference thread computes. */
  readonly kind: IndicatorKind;
  /** Batches being scored there now. */
  readonly pending: number;
  /** With `contexts`, value j is parsed as training saw it (Pipeline.parseGolden; the canary check). */
  score(values: string[], contexts?: unknown[]): Promise<ScoredValues>;
  /**
   * The whole miss path of a batch of raw values on a worker, answers encoded there (stages.ts,
   * inference-worker.ts `answer`); undefined when the backend has no answer encoder.
   */
  readonly answer?: ((values: RawValues, view: View, keep: number[]) => Promise<AnswerReply>) | undefined;
}

/** Largest difference allowed between a golden probability (scikit-learn) and onnxruntime's. */
export const GOLDEN_TOLERANCE = 1e-5;

interface GoldenFile {
  features_version: string;
  rows: { indicator: string; features: number[]; probability: number; context?: unknown }[];
}

export interface LoadOptions {
  intraOpThreads?: number;
  /** Where the session runs (the inference thread by default in the server; inline when absent). */
  backend?: InferenceBackend;
  /** Prediction cache limits; none, or 0 entries, turns the cache off. */
  cache?: CacheLimits | undefined;
}

export async function loadModel(dir: string, base: AnyPipeline, opts: LoadOptions = {}): Promise<LoadedModel> {
  const metaPath = join(dir, 'metadata.json');
  if (!existsSync(metaPath)) throw new Error('metadata.json is missing');
  const metadata = parseMetadata(readFileSync(metaPath, 'utf8'));
  const pipeline = pipelineForFeatures(base, metadata.features_version);
  if (pipeline === undefined) {
    const known = [base.featuresVersion, ...(base.olderFeatures ?? []).map((f) => f.featuresVersion)];
    throw new Error(`features version ${metadata.features_version} does not match the server's ${known.join(' or ')}`);
  }
  if (metadata.feature_names.join(',') !== pipeline.featureNames.join(',')) {
    throw new Error('feature names differ from the server feature code');
  }
  const bytes = readFileSync(join(dir, 'model.onnx'));
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== metadata.sha256) throw new Error(`model.onnx sha256 ${sha} does not match metadata ${metadata.sha256}`);
  const assets = pipeline.loadAssets(dir);

  const width = metadata.feature_names.length;
  const session = await (opts.backend ?? createInlineBackend()).load(bytes, {
    input: metadata.input.name,
    output: metadata.output.name,
    width,
    positive: metadata.output.positive_class_index,
    intraOpThreads: opts.intraOpThreads ?? 1,
    features: runsOnWorkers(base)
      ? { kind: base.kind, dir, featuresVersion: metadata.features_version, metadata }
      : undefined,
    shared: base.shared === undefined ? undefined : () => base.shared?.(),
  });
  if (!session.inputNames.includes(metadata.input.name)) {
    await session.release();
    throw new Error(`ONNX input "${metadata.input.name}" not found (inputs: ${session.inputNames.join(', ')})`);
  }
  if (!session.outputNames.includes(metadata.output.name)) {
    await session.release();
    throw new Error(`ONNX output "${metadata.output.name}" not found (outputs: ${session.outputNames.join(', ')})`);
  }
  // Runs in progress: a retired version's session is released only after its last run returns.
  let active = 0;
  let released = false;
  let onIdle: (() => void) | undefined;

  /** Counts a run in progress, so release() waits for it. */
  async function tracked<T>(work: () => Promise<T>): Promise<T> {
    if (released) throw new Error(`model ${metadata.name} v${metadata.version} was released`);
    active++;
    try {
      return await work();
    } finally {
      active--;
      if (active === 0) onIdle?.();
    }
  }
  const scoreValues = session.scoreValues;
  const answer = session.answer;
  let offThreadPending = 0;

  const model: LoadedModel = {
    name: metadata.name,
    version: metadata.version,
    dir,
    metadata,
    assets,
    smallRuns: { engine: session.smallRuns, fallback: session.smallRunsFallback },
    pipeline,
    cache: opts.cache && opts.cache.entries > 0 ? createCacheStore<CachedAnswer>(opts.cache) : undefined,
    predict(features, rows) {
      if (rows === 0) return Promise.resolve(new Float32Array(0));
      return tracked(() => session.run(features, rows));
    },
    offThread:
      scoreValues === undefined
        ? undefined
        : {
            kind: pipeline.kind,
            get pending() {
              return offThreadPending;
            },
            async score(values, contexts) {
              offThreadPending++;
              try {
                return await tracked(() => scoreValues(values, contexts));
              } finally {
                offThreadPending--;
              }
            },
            answer:
              answer === undefined
                ? undefined
                : async (values, view, keep) => {
                    offThreadPending++;
                    try {
                      return await tracked(() => answer(values, view, keep));
                    } finally {
                      offThreadPending--;
                    }
                  },
          },
    async resident(on) {
      if (!released) await session.resident?.(on);
    },
    async release() {
      if (released) return;
      released = true;
      if (active > 0) {
        await new Promise<void>((resolve) => {
          onIdle = resolve;
        });
      }
      await session.release();
    },
  };
  try {
    await checkGolden(model, pipeline, width);
  } catch (err) {
    await session.release();
    throw err;
  }
  return model;
}

/**
 * The canary check: the version must reproduce, from the indicator strings, the features and the
 * probabilities that training recorded. A model trained on other feature code, a corrupted file, or
 * a runtime that disagrees with scikit-learn fails here instead of serving.
 */
async function checkGolden(model: LoadedModel, pipeline: AnyPipeline, width: number): Promise<void> {
  const path = join(model.dir, 'golden.json');
  if (!existsSync(path)) throw new Error('golden.json is missing');
  const golden = JSON.parse(readFileSync(path, 'utf8')) as GoldenFile;
  if (golden.rows.length === 0) throw new Error('golden.json has no rows');
  const features = new Float32Array(golden.rows.length * width);
  for (const [i, row] of golden.rows.entries()) {
    const parsed = pipeline.parseGolden
      ? pipeline.parseGolden(row.indicator, row.context)
      : await pipeline.parse({ id: '', value: row.indicator });
    if (!parsed.ok) throw new Error(`golden indicator "${row.indicator}" no longer parses: ${parsed.error.message}`);
    pipeline.features(parsed.value, model.assets, features, i * width);
    for (let f = 0; f < width; f++) {
      if (features[i * width + f] !== Math.fround(row.features[f] as number)) {
        throw new Error(
          `golden features differ for "${row.indicator}" at ${pipeline.featureNames[f]}: ` +
            `${features[i * width + f]} != ${row.features[f]}`,
        );
      }
    }
  }
  const probs = await model.predict(features, golden.rows.length);
  for (const [i, row] of golden.rows.entries()) {
    const diff = Math.abs((probs[i] as number) - row.probability);
    if (!(diff <= GOLDEN_TOLERANCE)) {
      throw new Error(`golden output differs for "${row.indicator}": ${probs[i]} vs ${row.probability}`);
    }
  }
  // The inference thread computes features with its own copy of the code and assets: same rows, same scores.
  if (model.offThread !== undefined) {
    const off = await model.offThread.score(
      golden.rows.map((r) => r.indicator),
      pipeline.parseGolden === undefined ? undefined : golden.rows.map((r) => r.context),
    );
    for (let k = 0; k < features.length; k++) {
      if (off.features[k] !== features[k])
        throw new Error(
          `the inference thread's features differ for "${golden.rows[Math.floor(k / width)]?.indicator}"`,
        );
    }
    for (let i = 0; i < golden.rows.length; i++) {
      if (off.probabilities[i] !== probs[i])
        throw new Error(`the inference thread's score differs for "${golden.rows[i]?.indicator}"`);
    }
  }
}
