/**
 * What the scoring core and the inference thread share: their messages, and how a model session is
 * opened and run (the same way on the event loop and on the inference thread).
 */

import * as ort from 'onnxruntime-node';
import type { IndicatorKind } from '../indicators/types';
import type { ModelMetadata } from './metadata';
import type { ScoredItem } from './pipeline';
import type { View } from './stages';

/** `trees`: small runs walked in JavaScript where the model allows (trees/tree-runner.ts); `onnxruntime`: every run there. */
export type ModelEngine = 'trees' | 'onnxruntime';

/** How a run feeds the model and reads its answer. */
export interface ModelIo {
  width: number;
  input: string;
  output: string;
  /** Column of the positive (malicious) class in the probability output. */
  positive: number;
}

/**
 * onnxruntime 1.29+ starts Microsoft's 1DS telemetry client when its environment is first made (the
 * first session of the process), unless `ORT_DISABLE_TELEMETRY` is set. Its set-up matches GCC
 * regular expressions, which recurse per character, against the process's command line: one long
 * argument overflows the stack and the process dies with SIGSEGV (about 20,000 characters when the
 * first session opens on a worker thread, whose stack is 4 MB; about 120,000 on the main thread; e.g.
 * `scripts/email/score-files.ts` given 300 files). A detection service has no business sending usage
 * data from where it runs either. Set here, at load, on the main thread: the native code reads the
 * process's environment, which a worker thread's `process.env` (a copy) cannot change, and every
 * inference thread is started after this module is loaded. test/scoring/onnxruntime-telemetry.test.ts.
 */
process.env['ORT_DISABLE_TELEMETRY'] = '1';

export function openSession(bytes: Uint8Array, intraOpThreads: number): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, {
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
}

/** Probability of the positive class for `rows` rows of features laid out row-major. */
export async function runSession(
  session: ort.InferenceSession,
  features: Float32Array,
  rows: number,
  io: ModelIo,
): Promise<Float32Array> {
  const input = new ort.Tensor('float32', features, [rows, io.width]);
  const out = await session.run({ [io.input]: input }, [io.output]);
  return positiveColumn(out[io.output]?.data as Float32Array, rows, io.positive);
}

/** The pipeline (see pipelines/off-thread.ts) and model folder a session computes features with. */
export interface FeaturesSpec {
  kind: IndicatorKind;
  dir: string;
  /** The model version's features version: the inference thread computes that one (pipelineForFeatures). */
  featuresVersion: string;
  /** The version's metadata, for the verdicts and reasons of `answer`. */
  metadata: ModelMetadata;
}

/** Values as UTF-8 bytes, one after another: value j is [ends[j - 1] or 0, ends[j]) of `bytes`. */
export interface RawValues {
  bytes: Uint8Array;
  ends: Int32Array;
  /**
   * Generic Predict items only: 1 for a value whose type the caller asserted (it is this pipeline's
   * kind), whose INVALID_* answer is then INDICATOR_TYPE_MISMATCH (mixed.ts assertedAnswer).
   */
  asserted?: Uint8Array | undefined;
}

/** An item's verdict as `answer` reports it for the items metric: an index into this list. */
export const ANSWER_VERDICTS = ['none', 'benign', 'suspicious', 'malicious', 'error'] as const;

/** A PredictError as it crosses threads (structured clone keeps only an Error's name and message). */
export interface ClonedError {
  reason: string;
  message: string;
  metadata: Record<string, string>;
}

/** A result the event loop keeps (e.g. in the prediction cache), as it crosses threads. */
export type ClonedResult = Omit<ScoredItem, 'error' | 'cached'> & { error: ClonedError | undefined };

/** The answers of `answer`: each item's encoding (opaque to the core, see ScoredItem.cached) and verdict. */
export interface AnswerReply {
  /** The items' encodings one after another; item i's is [ends[i - 1] or 0, ends[i]). */
  bytes: Uint8Array;
  ends: Int32Array;
  /** Per item, an index into ANSWER_VERDICTS. */
  verdicts: Uint8Array;
  /** The results the request asked to keep (`keep`), in the order of `keep`. */
  kept: ClonedResult[];
}

/**
 * What the check of a model's walks against onnxruntime concluded: which walks gave its very float32 on
 * every check row, or why none serves. It depends only on the model's bytes, its input/output and this
 * process's code and libraries (onnxruntime, the C library's expf, the WebAssembly engine), so a
 * process checks a model once: a thread keeps its verdicts (by the model's SHA-256), and the inference
 * pool gives the event loop's verdict to its workers with the model (inference-pool.ts). The check
 * itself is in trees/tree-runner.ts; it had cost 50-550 ms of CPU per model version and thread (~2 s
 * for the 16 committed versions), paid again by every worker and every start.
 */
export type WalkCheck =
  | { readonly walks: true; readonly level: 'wasm' | 'js' | undefined }
  | { readonly walks: false; readonly why: string };

export type WorkerRequest =
  | {
      type: 'load';
      id: number;
      session: number;
      bytes: Uint8Array;
      intraOpThreads: number;
      engine: ModelEngine;
      io: ModelIo;
      /** The event loop's verdict on the model's walks, which spares the worker the check (trees/tree-runner.ts). */
      checked?: WalkCheck | undefined;
      features?: FeaturesSpec | undefined;
    }
  /**
   * The whole miss path of a batch (stages.ts, scoreFresh): parse, rules, features, model, reasons,
   * and each answer encoded by the worker's answer encoder; `keep` lists the items whose results the
   * event loop also wants as objects.
   */
  | { type: 'answer'; id: number; session: number; values: RawValues; view: View; keep: number[] }
  /**
   * Parse the raw values, compute their features with the session's pipeline, run the model. With
   * `contexts` (the canary check), value j is parsed with contexts[j] as training saw it (parseGolden).
   */
  | ({ type: 'score'; id: number; session: number; values: string[]; contexts?: unknown[] | undefined } & ModelIo)
  /**
   * What the event loop's pipeline of `kind` shares with the workers (Pipeline.shared), sent before
   * the first request of that kind a worker gets and again whenever it changes: the worker makes its
   * pipeline of that kind from it (pipelines/off-thread.ts).
   */
  | { type: 'shared'; id: number; kind: IndicatorKind; value: unknown }
  | ({ type: 'run'; id: number; session: number; features: Float32Array; rows: number } & ModelIo)
  | { type: 'release'; id: number; session: number }
  /**
   * Ends the worker once the messages before it are handled (never in the middle of a native call,
   * where stopping a thread aborts the process): the pool's close() sends it with code 0; tests send
   * another code to end a worker as a crash would.
   */
  | { type: 'exit'; id: number; code: number };

export type WorkerReply =
  | {
      id: number;
      ok: true;
      inputNames?: string[];
      outputNames?: string[];
      probabilities?: Float32Array;
      /** For `score`: the feature rows it computed, row-major. */
      features?: Float32Array;
      answers?: AnswerReply;
    }
  | { id: number; ok: false; error: string };

/** The positive class's column of a row-major [rows, classes] probability matrix. */
export function positiveColumn(probs: Float32Array, rows: number, positive: number): Float32Array {
  const classes = probs.length / rows;
  const result = new Float32Array(rows);
  for (let i = 0; i < rows; i++) result[i] = probs[i * classes + positive] as number;
  return result;
}
