/**
 * A pipeline worker (one of `--workers` threads, inference-pool.ts): owns a copy of every model
 * session, so a model run never blocks the event loop that decodes requests and encodes answers
 * (onnxruntime-node runs synchronously on its calling thread). For pipelines that allow it
 * (pipelines/off-thread.ts) it also takes the whole miss path of large batches (`answer`: parse,
 * rules, features, model, reasons and the answers' encoding, stages.ts), or their features only
 * (`score`), with the same code and the version's own assets as the event loop (and Predict's
 * asserted-type rule, mixed.ts), and with what the event loop's pipeline shares (`shared`: the IP
 * pipeline's geo databases, sent again after a reload, before the requests that must see it).
 * Messages are handled one at a time, in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PredictError } from '../errors';
import type { IndicatorKind } from '../indicators/types';
import {
  ANSWER_VERDICTS,
  type AnswerReply,
  type ClonedResult,
  type WorkerReply,
  type WorkerRequest,
} from './inference-protocol';
import { assertedAnswer } from './mixed';
import { type AnyPipeline, pipelineForFeatures, type ScoredItem } from './pipeline';
import { OFF_THREAD_PIPELINES } from './pipelines/off-thread';
import { type ScoringModel, scoreFresh, type View } from './stages';
import { type ModelRunner, openModelRunner } from './trees/tree-runner';

/** What the answer encoder module (workerData.answerEncoder) exports: the transport's encoding. */
export interface AnswerEncoder {
  encodeAnswers(results: readonly ScoredItem[], view: View): { bytes: Uint8Array; ends: Int32Array };
}

interface Session {
  runner: ModelRunner;
  features?: { kind: IndicatorKind; featuresVersion: string; assets: unknown; model: ScoringModel };
}

const sessions = new Map<number, Session>();
/** Each kind's pipeline on this worker, made from what the event loop last shared for it (`shared`). */
const pipelines = new Map<IndicatorKind, AnyPipeline>();

/** The base pipeline of `kind` here, and its variant for the session's features version. */
function pipelinesOf(f: { kind: IndicatorKind; featuresVersion: string }): {
  base: AnyPipeline;
  pipeline: AnyPipeline;
} {
  const base = pipelines.get(f.kind);
  if (base === undefined) throw new Error(`no ${f.kind} pipeline on this worker (nothing shared for it)`);
  const pipeline = pipelineForFeatures(base, f.featuresVersion);
  if (pipeline === undefined) throw new Error(`no off-thread features for ${f.kind} ${f.featuresVersion}`);
  return { base, pipeline };
}
const encoderFile = (workerData as { answerEncoder?: string } | null)?.answerEncoder;
let encoder: AnswerEncoder | undefined;

function sessionOf(id: number): Session {
  const s = sessions.get(id);
  if (s === undefined) throw new Error(`session ${id} is not loaded`);
  return s;
}

function verdictCode(r: ScoredItem): number {
  return r.error !== undefined ? 4 : ANSWER_VERDICTS.indexOf(r.verdict ?? 'none');
}

function cloned(r: ScoredItem): ClonedResult {
  const e: PredictError | undefined = r.error;
  return {
    id: r.id,
    indicator: r.indicator,
    kind: r.kind,
    score: r.score,
    verdict: r.verdict,
    model: r.model,
    reasons: r.reasons,
    enrichment: r.enrichment,
    error: e === undefined ? undefined : { reason: e.reason, message: e.message, metadata: { ...e.metadata } },
  };
}

async function answer(msg: Extract<WorkerRequest, { type: 'answer' }>): Promise<AnswerReply> {
  const s = sessionOf(msg.session);
  if (s.features === undefined) throw new Error(`session ${msg.session} computes no features`);
  if (encoderFile === undefined) throw new Error('this worker has no answer encoder');
  encoder ??= require(encoderFile) as AnswerEncoder;
  const { assets, model } = s.features;
  const { base, pipeline } = pipelinesOf(s.features);
  const { runner } = s;
  // Decoded as the event loop decodes a request's values (server/raw-batch.ts): the same strings.
  const { bytes: utf8, ends: valueEnds } = msg.values;
  const text = Buffer.from(utf8.buffer, utf8.byteOffset, utf8.byteLength);
  const items = Array.from(valueEnds, (end, j) => ({
    id: '',
    value: text.toString('utf8', j === 0 ? 0 : valueEnds[j - 1], end),
  }));
  // The runner's own cut-over (trees/tree-runner.ts): the walk and onnxruntime give the same float32.
  const results = await scoreFresh(base, pipeline, model, assets, items, msg.view, (features, rows) =>
    runner.run(features, rows),
  );
  const verdicts = new Uint8Array(results.length);
  for (let i = 0; i < results.length; i++) verdicts[i] = verdictCode(results[i]!);
  // The cache keeps the pipeline's answers; the caller gets an asserted type's mismatch (Predict).
  const kept = msg.keep.map((i) => cloned(results[i]!));
  const asserted = msg.values.asserted;
  if (asserted !== undefined)
    for (let i = 0; i < results.length; i++) if (asserted[i] === 1) results[i] = assertedAnswer(results[i]!, base.kind);
  const { bytes, ends } = encoder.encodeAnswers(results, msg.view);
  return { bytes, ends, verdicts, kept };
}

async function handle(msg: WorkerRequest): Promise<WorkerReply> {
  try {
    switch (msg.type) {
      case 'load': {
        const runner = await openModelRunner(
          msg.bytes,
          { ...msg.io, intraOpThreads: msg.intraOpThreads, engine: msg.engine },
          msg.checked,
        );
        const session: Session = { runner };
        if (msg.features !== undefined) {
          const { kind, featuresVersion, metadata, dir } = msg.features;
          session.features = {
            kind,
            featuresVersion,
            assets: pipelinesOf(msg.features).pipeline.loadAssets(dir),
            model: { name: metadata.name, version: metadata.version, metadata },
          };
        }
        sessions.set(msg.session, session);
        return { id: msg.id, ok: true, inputNames: [...runner.inputNames], outputNames: [...runner.outputNames] };
      }
      case 'run':
        return {
          id: msg.id,
          ok: true,
          probabilities: await sessionOf(msg.session).runner.reference(msg.features, msg.rows),
        };
      case 'score': {
        const s = sessionOf(msg.session);
        if (s.features === undefined) throw new Error(`session ${msg.session} computes no features`);
        const { assets } = s.features;
        const { pipeline } = pipelinesOf(s.features);
        const rows = msg.values.length;
        const features = new Float32Array(rows * msg.width);
        for (let j = 0; j < rows; j++) {
          const value = msg.values[j] as string;
          // The canary check's rows come with the context training saw (Pipeline.parseGolden).
          const parsed =
            msg.contexts !== undefined && pipeline.parseGolden !== undefined
              ? pipeline.parseGolden(value, msg.contexts[j])
              : pipeline.parse({ id: '', value });
          // The event loop parsed the same value with the same code before sending it.
          if (parsed instanceof Promise || !parsed.ok)
            throw new Error(`value ${j} does not parse on the inference thread`);
          pipeline.features(parsed.value, assets, features, j * msg.width);
        }
        // The model gets its own copy: `features` goes back to the event loop (explanations, rules).
        const probabilities = await s.runner.reference(features.slice(), rows);
        return { id: msg.id, ok: true, probabilities, features };
      }
      case 'answer':
        return { id: msg.id, ok: true, answers: await answer(msg) };
      case 'shared': {
        const make = OFF_THREAD_PIPELINES.get(msg.kind);
        if (make === undefined) throw new Error(`no off-thread pipeline for ${msg.kind}`);
        // Until one is made, this kind's requests fail (and the event loop answers them itself).
        pipelines.delete(msg.kind);
        const made = make(msg.value);
        if (made === undefined) throw new Error(`nothing shared to make a ${msg.kind} pipeline with`);
        pipelines.set(msg.kind, made);
        return { id: msg.id, ok: true };
      }
      case 'release': {
        await sessions.get(msg.session)?.runner.release();
        sessions.delete(msg.session);
        return { id: msg.id, ok: true };
      }
      case 'exit':
        process.exit(msg.code);
    }
  } catch (err) {
    return { id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Buffers a reply may hand over instead of copying: only ones it owns whole. */
function transferable(a: ArrayBufferView | undefined, into: ArrayBuffer[]): void {
  if (
    a !== undefined &&
    a.byteOffset === 0 &&
    a.byteLength === a.buffer.byteLength &&
    !into.includes(a.buffer as ArrayBuffer)
  )
    into.push(a.buffer as ArrayBuffer);
}

let chain = Promise.resolve();
parentPort?.on('message', (msg: WorkerRequest) => {
  chain = chain.then(async () => {
    const reply = await handle(msg);
    const transfer: ArrayBuffer[] = [];
    if (reply.ok) {
      transferable(reply.probabilities, transfer);
      transferable(reply.features, transfer);
      transferable(reply.answers?.bytes, transfer);
      transferable(reply.answers?.ends, transfer);
      transferable(reply.answers?.verdicts, transfer);
    }
    parentPort?.postMessage(reply, transfer);
  });
});
