/**
 * Hand-written encoding of the batch responses (`repeated Prediction results = 1`, the shape of every
 * Predict{Domains,Urls,Ips} and Stream* response and of PredictResponse), byte for byte what the
 * generated encoder writes. Each response is written answer by answer into one reused buffer
 * (proto-writer.ts) straight from the core's results (prediction-encoding.ts), and copied out once: no
 * Prediction object, writer or byte array per answer, whose garbage was a fifth of the event loop's
 * time on a stream of new names. An answer that came from the prediction cache carries its encoding
 * without the id (`CachedAnswer.wire`), so a repeat costs a copy of those bytes after its own id.
 */
import type { ServiceDefinition } from '@grpc/grpc-js';
import type { CachedAnswer, ScoredItem } from '../scoring/pipeline';
import type { EncodedAnswers, View } from '../scoring/scorer';
import { writePredictionTail } from './prediction-encoding';
import { ProtoWriter } from './proto-writer';
import type { RawBatch } from './raw-batch';

/** Marks a response object whose bytes are already encoded. */
const ENCODED = Symbol('encoded response');

interface Encoded {
  [ENCODED]: Buffer;
}

/** A response object for grpc-js whose serializer (see withEncodedResponses) sends `bytes` as they are. */
export function encodedResponse<Res>(bytes: Buffer): Res {
  return { [ENCODED]: bytes } as Encoded as Res;
}

/** Every response is written here, then copied out (encoding is synchronous, so one serves every call). */
const out = new ProtoWriter();

/**
 * Which answers of a response are a stored encoding (`CachedAnswer.wire`), so that the HTTP side can
 * keep its JSON beside it (src/http/batch-json.ts) and a repeat costs a copy there as well.
 * `answers[k]` is the index in `results` of the answer that ends with `wires[k]`. Recorded only when
 * the encoder is asked to (`record`): gRPC sends the bytes as they are, and the record (two arrays
 * grown per response, a WeakMap entry) was about a fifth of a cache hit's cost (src/bench/README.md).
 */
export interface StoredAnswers {
  answers: number[];
  wires: Uint8Array[];
}

const storedIn = new WeakMap<Buffer, StoredAnswers>();
let stored: StoredAnswers = { answers: [], wires: [] };
/** Whether the response being written records its stored answers. */
let recording = false;
/** The index in `results` of the answer being written. */
let answer = 0;

/** The stored answers a response written here ends its answers with, if any. */
export function storedAnswersOf(response: Uint8Array): StoredAnswers | undefined {
  return storedIn.get(response as Buffer);
}

function begin(record: boolean): void {
  out.reset();
  recording = record;
  if (stored.answers.length > 0) stored = { answers: [], wires: [] };
}

function finish(): Buffer {
  const bytes = out.finish();
  if (stored.answers.length > 0) storedIn.set(bytes, stored);
  return bytes;
}

/** `Response.results` and `Prediction.id`: both field 1. */
const RESULTS = 1;
const ID = 1;
/** Bytes reserved for a Prediction's length: answers of 128 bytes to 16 kB (most full-view ones) never move. */
const PREDICTION_LENGTH_BYTES = 2;

/**
 * An answer's Prediction without its id. An answer linked to a cache entry of the same view that
 * was asked for again is the entry's stored encoding, made on its first repeat rather than its first
 * answer: most names in a unique-heavy stream never come back, and storing would cost them memory.
 */
function writeAnswer(r: ScoredItem, view: View): void {
  const entry = r.cached !== undefined && r.cached.view === view ? r.cached : undefined;
  // A fresh answer (the entry's own result) is written but not stored; a repeat uses the stored form.
  if (entry === undefined || (entry.wire === undefined && entry.result === r)) writePredictionTail(out, r, view);
  else writeStored(entry);
}

function writeStored(entry: CachedAnswer): void {
  if (entry.wire === undefined) {
    const start = out.pos;
    writePredictionTail(out, entry.result, entry.view);
    entry.wire = out.copyFrom(start);
  } else out.raw(entry.wire);
  if (recording) {
    stored.answers.push(answer);
    stored.wires.push(entry.wire);
  }
}

/**
 * The wire bytes of `{ results: results.map((r) => toPrediction(r, view)) }`, in one allocation. An
 * answer linked to a cache entry of the same view is written as its id followed by the entry's
 * stored encoding. `record`: whether storedAnswersOf() will tell which answers those are (HTTP).
 */
export function encodePredictions(results: readonly ScoredItem[], view: View, record: boolean): Buffer {
  begin(record);
  for (let i = 0; i < results.length; i++) {
    answer = i;
    const r = results[i] as ScoredItem;
    const at = out.fork(RESULTS, PREDICTION_LENGTH_BYTES);
    if (r.id !== '') out.string(ID, r.id);
    writeAnswer(r, view);
    out.join(at);
  }
  return finish();
}

/**
 * The response to a RawBatch: `hits[i]` is the cache entry answering item i (its id is copied from
 * the request as it is), and the other items' results are `misses`, in item order.
 */
export function encodeRawBatchResponse(
  batch: RawBatch,
  hits: readonly (CachedAnswer | undefined)[],
  misses: readonly ScoredItem[],
  view: View,
  record: boolean,
): Buffer {
  begin(record);
  let j = 0;
  for (let i = 0; i < batch.count; i++) {
    answer = i;
    const hit = hits[i];
    const at = out.fork(RESULTS, PREDICTION_LENGTH_BYTES);
    if (hit !== undefined) {
      const start = batch.idStart(i);
      const end = batch.idEnd(i);
      if (end > start) out.bytesOf(ID, batch.bytes, start, end);
      writeStored(hit);
    } else {
      const r = misses[j++] as ScoredItem;
      if (r.id !== '') out.string(ID, r.id);
      writeAnswer(r, view);
    }
    out.join(at);
  }
  return finish();
}

/**
 * The response to a RawBatch whose misses a worker answered (Scorer.answerOffLoop): `hits` as above,
 * and the next miss in item order is its id followed by the worker's encoding of its answer. An id
 * is copied from the request when it is plain ASCII (the bytes encoding its string would write).
 */
export function encodeAnsweredBatchResponse(
  batch: RawBatch,
  hits: readonly (CachedAnswer | undefined)[],
  answers: EncodedAnswers,
  record: boolean,
): Buffer {
  begin(record);
  const { bytes, ends } = answers;
  let j = 0;
  for (let i = 0; i < batch.count; i++) {
    answer = i;
    const hit = hits[i];
    const at = out.fork(RESULTS, PREDICTION_LENGTH_BYTES);
    writeRequestId(batch, i, hit !== undefined);
    if (hit !== undefined) writeStored(hit);
    else {
      out.raw(bytes, j === 0 ? 0 : (ends[j - 1] as number), ends[j] as number);
      j++;
    }
    out.join(at);
  }
  return finish();
}

/**
 * Item i's id: its request bytes copied when they are plain ASCII (a cache hit's id always is: the
 * cache is only asked for such items), else encoded from the decoded string, as the generated code would.
 */
function writeRequestId(batch: RawBatch, i: number, hit: boolean): void {
  const start = batch.idStart(i);
  const end = batch.idEnd(i);
  if (hit || batch.idIsAscii(i)) {
    if (end > start) out.bytesOf(ID, batch.bytes, start, end);
  } else out.string(ID, batch.id(i));
}

/**
 * The response to a Predict RawBatch, whose items are of several kinds: item i is answered by
 * `hits[i]` (a cache entry; its id copied from the request), by `scored[i]` (a result of the event
 * loop, with its id), or by answer `slots[i]` of `encoded[i]` (a worker's encoding, after the item's
 * id, as in encodeAnsweredBatchResponse).
 */
export function encodeMixedBatchResponse(
  batch: RawBatch,
  hits: readonly (CachedAnswer | undefined)[],
  scored: readonly (ScoredItem | undefined)[],
  encoded: readonly (EncodedAnswers | undefined)[],
  slots: Int32Array,
  view: View,
  record: boolean,
): Buffer {
  begin(record);
  for (let i = 0; i < batch.count; i++) {
    answer = i;
    const at = out.fork(RESULTS, PREDICTION_LENGTH_BYTES);
    const hit = hits[i];
    const r = scored[i];
    if (r !== undefined) {
      if (r.id !== '') out.string(ID, r.id);
      writeAnswer(r, view);
    } else {
      writeRequestId(batch, i, hit !== undefined);
      if (hit !== undefined) writeStored(hit);
      else {
        const { bytes, ends } = encoded[i] as EncodedAnswers;
        const j = slots[i] as number;
        out.raw(bytes, j === 0 ? 0 : (ends[j - 1] as number), ends[j] as number);
      }
    }
    out.join(at);
  }
  return finish();
}

/**
 * The service definition with every response serializer accepting encodedResponse() objects as well
 * as generated message objects (which it encodes as before).
 */
export function withEncodedResponses<S extends ServiceDefinition>(service: S): S {
  const out: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(service)) {
    const serialize = method.responseSerialize;
    out[name] = {
      ...method,
      responseSerialize: (value: unknown) => {
        const bytes = (value as Partial<Encoded>)[ENCODED];
        return bytes === undefined ? serialize(value) : bytes;
      },
    };
  }
  return out as S;
}
