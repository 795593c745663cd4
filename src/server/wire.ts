/**
 * Hand-written encoding of the batch responses (`repeated Prediction results = 1`, the shape of every
 * Predict{Domains,Urls,Ips} and Stream* response and of PredictResponse), byte for byte what the
 * generated encoder writes. What it adds: an answer that came from the prediction cache carries its
 * encoding without the id (`CachedAnswer.wire`), so a repeat costs a copy of those bytes after its own
 * id instead of building a Prediction and encoding every string of it again. Sensor traffic is mostly
 * repeats, and building plus encoding was most of a cache hit's cost.
 */
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { Prediction } from '../gen/threatpredict/v1/prediction';
import type { CachedAnswer, ScoredItem } from '../scoring/pipeline';
import type { View } from '../scoring/scorer';
import { toPrediction } from './convert';
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

// Encoding of answers without a stored form (synchronous, so one writer serves every call).
const tailWriter = new BinaryWriter();

function utf8Length(s: string): number {
  if (s.length > 48) return Buffer.byteLength(s, 'utf8');
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return Buffer.byteLength(s, 'utf8');
  return s.length;
}

function varintLength(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

function writeVarint(buf: Buffer, pos: number, n: number): number {
  while (n >= 0x80) {
    buf[pos++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  buf[pos++] = n;
  return pos;
}

/** A Prediction's encoding without its id (field 1 comes first, so id + tail is the whole message). */
function encodeTail(r: ScoredItem, view: View): Uint8Array {
  const p = toPrediction(r, view);
  p.id = '';
  try {
    return Prediction.encode(p, tailWriter).finish();
  } catch (err) {
    tailWriter.finish(); // leave the shared writer empty for the next answer
    throw err;
  }
}

/**
 * The stored encoding of an answer from the cache, made on its first repeat rather than its first
 * answer: most names in a unique-heavy stream never come back, and storing would cost them memory.
 */
export function storedTail(entry: CachedAnswer): Uint8Array {
  if (entry.wire === undefined) entry.wire = encodeTail(entry.result, entry.view);
  return entry.wire;
}

function tailOf(r: ScoredItem, view: View): Uint8Array {
  const entry = r.cached !== undefined && r.cached.view === view ? r.cached : undefined;
  // A fresh answer (the entry's own result) is encoded but not stored; a repeat uses the stored form.
  return entry === undefined || (entry.wire === undefined && entry.result === r)
    ? encodeTail(r, view)
    : storedTail(entry);
}

/**
 * One response being assembled: per result, its id (a string, or bytes of the request) and its
 * encoding without the id; written out in one allocation once all are known.
 */
class ResponseBuilder {
  private readonly tails: Uint8Array[];
  private readonly idLengths: Int32Array;
  /** Each Prediction's encoded length (id field and tail), needed again when writing. */
  private readonly lengths: Int32Array;
  private readonly ids: (string | undefined)[];
  private readonly idBytes: Int32Array;
  private total = 0;

  constructor(
    private readonly count: number,
    private readonly source?: Buffer,
  ) {
    this.tails = new Array(count);
    this.idLengths = new Int32Array(count);
    this.lengths = new Int32Array(count);
    this.ids = new Array(count);
    this.idBytes = new Int32Array(source === undefined ? 0 : count);
  }

  private add(i: number, idLen: number, tail: Uint8Array): void {
    this.tails[i] = tail;
    this.idLengths[i] = idLen;
    const len = (idLen === 0 ? 0 : 1 + varintLength(idLen) + idLen) + tail.length;
    this.lengths[i] = len;
    this.total += 1 + varintLength(len) + len;
  }

  /** Result `i` with its id as a string. */
  result(i: number, id: string, tail: Uint8Array): void {
    this.ids[i] = id;
    this.add(i, utf8Length(id), tail);
  }

  /** Result `i` with its id as the ASCII bytes `source[start, end)`. */
  resultWithIdBytes(i: number, start: number, end: number, tail: Uint8Array): void {
    this.idBytes[i] = start;
    this.add(i, end - start, tail);
  }

  finish(): Buffer {
    const buf = Buffer.allocUnsafe(this.total);
    let pos = 0;
    for (let i = 0; i < this.count; i++) {
      const tail = this.tails[i] as Uint8Array;
      const idLen = this.idLengths[i] as number;
      buf[pos++] = 10; // Response.results, length-delimited
      pos = writeVarint(buf, pos, this.lengths[i] as number);
      if (idLen > 0) {
        buf[pos++] = 10; // Prediction.id
        pos = writeVarint(buf, pos, idLen);
        const id = this.ids[i];
        if (id === undefined) {
          const src = this.source as Buffer;
          const start = this.idBytes[i] as number;
          for (let k = 0; k < idLen; k++) buf[pos++] = src[start + k] as number;
        } else if (idLen === id.length) for (let k = 0; k < idLen; k++) buf[pos++] = id.charCodeAt(k);
        else pos += buf.write(id, pos, 'utf8');
      }
      buf.set(tail, pos);
      pos += tail.length;
    }
    return buf;
  }
}

/**
 * The wire bytes of `{ results: results.map((r) => toPrediction(r, view)) }`, in one allocation. An
 * answer linked to a cache entry of the same view is written as its id followed by the entry's
 * stored encoding.
 */
export function encodePredictions(results: readonly ScoredItem[], view: View): Buffer {
  const out = new ResponseBuilder(results.length);
  for (let i = 0; i < results.length; i++) {
    const r = results[i] as ScoredItem;
    out.result(i, r.id, tailOf(r, view));
  }
  return out.finish();
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
): Buffer {
  const out = new ResponseBuilder(batch.count, batch.bytes);
  let j = 0;
  for (let i = 0; i < batch.count; i++) {
    const hit = hits[i];
    if (hit !== undefined) out.resultWithIdBytes(i, batch.idStart(i), batch.idEnd(i), storedTail(hit));
    else {
      const r = misses[j++] as ScoredItem;
      out.result(i, r.id, tailOf(r, view));
    }
  }
  return out.finish();
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
