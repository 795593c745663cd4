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
import type { ScoredItem } from '../scoring/pipeline';
import type { View } from '../scoring/scorer';
import { toPrediction } from './convert';

/** Marks a response object whose bytes are already encoded. */
const ENCODED = Symbol('encoded response');

interface Encoded {
  [ENCODED]: Buffer;
}

/** A response object for grpc-js whose serializer (see withEncodedResponses) sends `bytes` as they are. */
export function encodedResponse<Res>(bytes: Buffer): Res {
  return { [ENCODED]: bytes } as Encoded as Res;
}

// Shared writers (encoding is synchronous): a fresh writer allocates its buffer on every call.
const writer = new BinaryWriter();
const tailWriter = new BinaryWriter();

function utf8Length(s: string): number {
  if (s.length > 48) return Buffer.byteLength(s, 'utf8');
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return Buffer.byteLength(s, 'utf8');
  return s.length;
}

function varintLength(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

/**
 * The wire bytes of `{ results: results.map((r) => toPrediction(r, view)) }`. An answer linked to a
 * cache entry of the same view is written as its id followed by the entry's stored encoding, stored
 * on the first repeat (a hit is a copy of the entry's result) rather than on the first answer: most
 * names in a unique-heavy stream never come back, and storing would cost them for nothing.
 */
export function encodePredictions(results: readonly ScoredItem[], view: View): Buffer {
  try {
    writeAll(results, view);
  } catch (err) {
    writer.finish(); // leave the shared writer empty for the next response
    throw err;
  }
  const bytes = writer.finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function writeAll(results: readonly ScoredItem[], view: View): void {
  for (let i = 0; i < results.length; i++) {
    const r = results[i] as ScoredItem;
    const entry = r.cached !== undefined && r.cached.view === view ? r.cached : undefined;
    let tail = entry?.wire;
    if (tail === undefined && entry !== undefined && entry.result !== r) {
      const p = toPrediction(r, view);
      p.id = '';
      tail = Prediction.encode(p, tailWriter).finish();
      entry.wire = tail;
    }
    if (tail === undefined) {
      writer.uint32(10).fork();
      Prediction.encode(toPrediction(r, view), writer);
      writer.join();
      continue;
    }
    const idLen = utf8Length(r.id);
    const idField = r.id === '' ? 0 : 1 + varintLength(idLen) + idLen;
    writer.uint32(10).uint32(idField + tail.length);
    if (idField > 0) writer.uint32(10).string(r.id);
    writer.raw(tail);
  }
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
