/**
 * Hand-written encoding of the batch responses (`repeated Prediction results = 1`, the shape of every
 * Predict{Domains,Urls,Ips} and Stream* response and of PredictResponse), byte for byte what the
 * generated encoder writes. What it adds: an answer that came from the prediction cache carries its
 * encoding without the id (`CachedAnswer.wire`), so a repeat costs a copy of those bytes after its own
 * id instead of building a Prediction and encoding every string of it again. Sensor traffic is mostly
 * repeats, and building plus encoding was most of a cache hit's cost.
 */
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

function varintLength(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

function writeVarint(buf: Buffer, at: number, n: number): number {
  while (n >= 0x80) {
    buf[at++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  buf[at++] = n;
  return at;
}

/** An answer's Prediction without its id (field 1), as the generated encoder writes it. */
function tailOf(r: ScoredItem, view: View): Uint8Array {
  const p = toPrediction(r, view);
  p.id = '';
  return Prediction.encode(p).finish();
}

/**
 * The wire bytes of `{ results: results.map((r) => toPrediction(r, view)) }`. Answers linked to a cache
 * entry of the same view reuse (or, the first time, store) the entry's encoding.
 */
export function encodePredictions(results: readonly ScoredItem[], view: View): Buffer {
  const n = results.length;
  const tails: (string | Uint8Array)[] = new Array(n);
  const idBytes: number[] = new Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const r = results[i] as ScoredItem;
    const entry = r.cached !== undefined && r.cached.view === view ? r.cached : undefined;
    let tail: string | Uint8Array | undefined = entry?.wire;
    if (tail === undefined) {
      const bytes = tailOf(r, view);
      tail = bytes;
      if (entry !== undefined) {
        const wire = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
        entry.wire = wire;
        tail = wire;
      }
    }
    tails[i] = tail;
    const idLen = r.id === '' ? 0 : Buffer.byteLength(r.id, 'utf8');
    idBytes[i] = idLen;
    const body = (r.id === '' ? 0 : 1 + varintLength(idLen) + idLen) + tail.length;
    total += 1 + varintLength(body) + body;
  }
  const buf = Buffer.allocUnsafe(total);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const r = results[i] as ScoredItem;
    const tail = tails[i] as string | Uint8Array;
    const idLen = idBytes[i] as number;
    const idField = r.id === '' ? 0 : 1 + varintLength(idLen) + idLen;
    buf[at++] = 0x0a;
    at = writeVarint(buf, at, idField + tail.length);
    if (idField > 0) {
      buf[at++] = 0x0a;
      at = writeVarint(buf, at, idLen);
      at += buf.write(r.id, at, idLen, 'utf8');
    }
    if (typeof tail === 'string') at += buf.write(tail, at, tail.length, 'latin1');
    else {
      buf.set(tail, at);
      at += tail.length;
    }
  }
  return buf;
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
