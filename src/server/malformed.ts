/**
 * Requests that are not a valid encoding of their message. grpc-js answers a decoder that throws with
 * INTERNAL and no ErrorInfo, which the error catalogue reserves for server bugs; and protobuf decoders
 * skip a field sent with the wrong wire type, so `items` sent as a number decoded as an empty batch
 * and was answered as one. Here the decoder never throws: it returns a MalformedRequest, which unary
 * handlers answer INVALID_ARGUMENT / MALFORMED_REQUEST (guardUnary) and streams end with the same
 * (serveStream), after answering the requests before it.
 */
import type { ServiceDefinition } from '@grpc/grpc-js';
import { PredictError } from '../errors';

export class MalformedRequest {
  readonly error: PredictError;
  constructor(message: string) {
    this.error = new PredictError('MALFORMED_REQUEST', `the request is not a valid protobuf message: ${message}`);
  }
}

/** Wire types each top-level field must have: field number -> wire type. */
export type FieldWireTypes = Readonly<Record<number, number>>;

/** Every batch request of PredictionService: `repeated Item items = 1; ResultView view = 2;`. */
export const BATCH_REQUEST_FIELDS: FieldWireTypes = { 1: 2, 2: 0 };

// The scanner's cursor (wireProblem is synchronous): where readVarint stopped.
let next = 0;

/**
 * A varint of at most `maxBytes` bytes at `pos` (5 for tags and lengths, 10 for values: a negative
 * int32 takes 10), leaving `next` after it; -1 when it is cut short. No object per field: a batch of
 * 1000 items is checked on every request.
 */
function readVarint(buf: Buffer, pos: number, maxBytes = 5): number {
  if (pos < buf.length && (buf[pos] as number) < 0x80) {
    next = pos + 1;
    return buf[pos] as number;
  }
  let value = 0;
  for (let shift = 0; shift < 7 * maxBytes && pos < buf.length; shift += 7) {
    const b = buf[pos++] as number;
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) {
      next = pos;
      return value;
    }
  }
  return -1;
}

/** What is wrong with the top level of the encoding, or undefined when nothing is. */
export function wireProblem(buf: Buffer, fields: FieldWireTypes): string | undefined {
  let pos = 0;
  while (pos < buf.length) {
    const key = readVarint(buf, pos);
    if (key < 0) return `a field tag at byte ${pos} is cut short`;
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (field === 0) return `field number 0 at byte ${pos}`;
    const expected = fields[field];
    if (expected !== undefined && wire !== expected)
      return `field ${field} has wire type ${wire}; the message defines it with wire type ${expected}`;
    pos = next;
    if (wire === 0) {
      if (readVarint(buf, pos, 10) < 0) return `field ${field} is cut short`;
      pos = next;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const len = readVarint(buf, pos);
      if (len < 0) return `the length of field ${field} is cut short`;
      pos = next + len;
    } else return `field ${field} has wire type ${wire}, which this API never uses`;
    if (pos > buf.length) return `field ${field} runs past the end of the message`;
  }
  return undefined;
}

/**
 * The service with decoders that return a MalformedRequest instead of throwing; `fields` gives the
 * top-level wire types to check per method (none: only the decoder's own checks).
 */
export function withCheckedRequests<S extends ServiceDefinition>(
  service: S,
  fields: Partial<Record<keyof S, FieldWireTypes>> = {},
): S {
  const out: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(service)) {
    const decode = method.requestDeserialize;
    const expected = fields[name as keyof S];
    out[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        const problem = expected === undefined ? undefined : wireProblem(bytes, expected);
        if (problem !== undefined) return new MalformedRequest(problem);
        try {
          return decode(bytes);
        } catch (err) {
          return new MalformedRequest(err instanceof Error ? err.message : String(err));
        }
      },
    };
  }
  return out as S;
}

/** Unary handlers that answer a MalformedRequest with its error instead of running. */
export function guardUnary<H extends object>(
  service: ServiceDefinition,
  handlers: H,
  reject: (err: PredictError, callback: (err: unknown) => void) => void,
): H {
  const out: Record<string, unknown> = { ...(handlers as Record<string, unknown>) };
  for (const [name, method] of Object.entries(service)) {
    const handler = (handlers as Record<string, unknown>)[name];
    if (method.requestStream || typeof handler !== 'function') continue;
    out[name] = (call: { request: unknown }, callback: (err: unknown) => void) => {
      if (call.request instanceof MalformedRequest) reject(call.request.error, callback);
      else handler(call, callback);
    };
  }
  return out as unknown as H;
}
