/**
 * An answer's canonical proto3 JSON written straight from its binary encoding, the text protobuf-es
 * gives for `JSON.stringify(toJson(schema, fromBinary(schema, bytes), { registry }))`, byte for byte,
 * without a message object per answer. Measured before this (src/bench/http-vs-grpc.ts, batches of
 * 1000 new names): the server spent 4x gRPC's CPU per item, most of it in a memo of each answer's
 * reflective JSON that new names never hit: evicting its oldest entry (`keys().next()` on a Map
 * that has had many deletes walks the deleted slots) cost ~35 us per answer by itself.
 *
 * Each message type is compiled once from its descriptor into a table by field number. Writing walks
 * the wire: fields arrive in field-number order (our encoders write them so), which is the order
 * toJson writes them, so each is written as it is read. What this does not know how to write (the
 * well-known types, such as the Any in an error's google.rpc.Status, and maps, bytes, 64-bit numbers
 * other than safe uint64) is written by protobuf-es for that field alone, remembered by its bytes
 * since errors repeat. Anything unusual on the wire (fields out of order or repeated, unknown
 * fields, two members of a oneof, packed or over-long numbers, strings that are not UTF-8) leaves the
 * whole answer to protobuf-es, which decides what it means.
 */
import { type DescField, type DescMessage, fromBinary, type Registry, ScalarType, toJson } from '@bufbuild/protobuf';
import { JsonWriter } from './json-writer';

// What a field holds, as small numbers (the switch below is the hot path).
const STRING = 0;
const BOOL = 1;
const UINT32 = 2;
const INT32 = 3;
const UINT64 = 4;
const FLOAT = 5;
const DOUBLE = 6;
const ENUM = 7;
const MESSAGE = 8;
/** A message field protobuf-es writes (see the opening comment). */
const REFLECTED = 9;

const SCALARS = new Map<ScalarType, number>([
  [ScalarType.STRING, STRING],
  [ScalarType.BOOL, BOOL],
  [ScalarType.UINT32, UINT32],
  [ScalarType.INT32, INT32],
  [ScalarType.UINT64, UINT64],
  [ScalarType.FLOAT, FLOAT],
  [ScalarType.DOUBLE, DOUBLE],
]);
const VARINT = 0;
const FIXED64 = 1;
const DELIMITED = 2;
const FIXED32 = 5;
const WIRE_TYPE = [DELIMITED, VARINT, VARINT, VARINT, VARINT, FIXED32, FIXED64, VARINT, DELIMITED, DELIMITED];

/** Reflective results kept per field: enough for the few distinct errors of a batch. */
const MADE_ENTRIES = 256;
const IMPLICIT = 2;
const [OPEN, CLOSE, OPEN_LIST, CLOSE_LIST, COMMA] = [0x7b, 0x7d, 0x5b, 0x5d, 0x2c];
const TRUE = Buffer.from('true');

/** One field of a message type, compiled; every plan has the same shape, so reading them stays fast. */
class FieldPlan {
  message: MessagePlan | undefined = undefined;
  constructor(
    /** `"jsonName":` */
    readonly key: Buffer,
    readonly kind: number,
    readonly repeated: boolean,
    /** Implicit presence: a zero value is not written. */
    readonly implicit: boolean,
    /** The field's oneof as one bit, or 0. */
    readonly oneof: number,
    /** An enum's values as JSON (quoted names) by number. */
    readonly names: Map<number, Buffer> | undefined,
    /** A REFLECTED field's message type and the JSON protobuf-es made for it, by its bytes. */
    readonly schema: DescMessage | undefined,
    readonly made: Map<string, Buffer> | undefined,
  ) {}
}

export interface MessagePlan {
  byNumber: (FieldPlan | undefined)[];
}

/** A message type this file writes itself: not a well-known type, no map fields, delimited (group) encoding or other scalars. */
function writable(schema: DescMessage): boolean {
  if (schema.typeName.startsWith('google.protobuf.')) return false;
  return schema.fields.every((f) => {
    if (f.fieldKind === 'map' || (f.message !== undefined && f.delimitedEncoding)) return false;
    // A closed enum keeps an unknown value out of the message (and so out of the JSON).
    if (f.enum !== undefined && (f.enum.typeName === 'google.protobuf.NullValue' || !f.enum.open)) return false;
    return f.scalar === undefined || SCALARS.has(f.scalar);
  });
}

/** Writes messages' JSON from their bytes into one JsonWriter. */
export interface Transcoder {
  readonly w: JsonWriter;
  /** The compiled message type, or undefined when protobuf-es must write it. */
  planOf(schema: DescMessage): MessagePlan | undefined;
  /** Writes `{...}` for the message in `b[start, end)`; false when the wire is not what this file writes. */
  message(p: MessagePlan, b: Buffer, start: number, end: number): boolean;
  /**
   * Writes the members (`"a":1,"b":2`, no braces) of the fields in `b[start, end)`, whose numbers
   * must all be above `after` (the fields before them are written already); false as message().
   */
  members(p: MessagePlan, b: Buffer, start: number, end: number, after: number): boolean;
}

export function createTranscoder(registry: Registry): Transcoder {
  const plans = new Map<DescMessage, MessagePlan>();
  const w = new JsonWriter();
  const options = { registry };

  function plan(schema: DescMessage): MessagePlan {
    let p = plans.get(schema);
    if (p !== undefined) return p;
    p = { byNumber: [] };
    // Before the fields: a message type that contains itself finds this plan.
    plans.set(schema, p);
    for (const f of schema.fields) p.byNumber[f.number] = fieldPlan(f, schema.oneofs.indexOf(f.oneof as never));
    return p;
  }

  function fieldPlan(f: DescField, oneofIndex: number): FieldPlan {
    const repeated = f.fieldKind === 'list';
    const nested = f.message !== undefined && writable(f.message);
    const kind =
      f.message !== undefined ? (nested ? MESSAGE : REFLECTED) : f.enum !== undefined ? ENUM : SCALARS.get(f.scalar!)!;
    const fp = new FieldPlan(
      Buffer.from(`${JSON.stringify(f.jsonName)}:`),
      kind,
      repeated,
      !repeated && f.presence === IMPLICIT && f.message === undefined && f.oneof === undefined,
      oneofIndex >= 0 && oneofIndex < 31 ? 1 << oneofIndex : 0,
      f.enum === undefined
        ? undefined
        : new Map(f.enum.values.map((v) => [v.number, Buffer.from(JSON.stringify(v.jsonName))])),
      kind === REFLECTED ? f.message : undefined,
      kind === REFLECTED ? new Map() : undefined,
    );
    if (nested) fp.message = plan(f.message!);
    return fp;
  }

  // The reader's cursor (writing is synchronous): -1 once the wire is not what this file writes.
  let pos = 0;

  /** A varint as a number, exact up to 2^53; sets pos = -1 past that or on truncation. */
  function varint(b: Buffer, end: number): number {
    let value = 0;
    for (let shift = 0; shift < 56; shift += 7) {
      if (pos >= end) break;
      const byte = b[pos++] as number;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) {
        if (value <= Number.MAX_SAFE_INTEGER) return value;
        break;
      }
    }
    pos = -1;
    return 0;
  }

  /** A float or double: a number, or the strings toJson gives for NaN and the infinities. */
  function writeFloat(v: number): void {
    if (Number.isNaN(v)) w.ascii('"NaN"');
    else if (v === Number.POSITIVE_INFINITY) w.ascii('"Infinity"');
    else if (v === Number.NEGATIVE_INFINITY) w.ascii('"-Infinity"');
    else w.ascii(String(v));
  }

  /** protobuf-es's JSON for one field's message, remembered by its bytes. */
  function reflected(f: FieldPlan, b: Buffer, start: number, end: number): Buffer {
    const key = b.toString('latin1', start, end);
    const made = f.made!;
    let json = made.get(key);
    if (json === undefined) {
      const schema = f.schema!;
      json = Buffer.from(JSON.stringify(toJson(schema, fromBinary(schema, b.subarray(start, end)), options)));
      // Cleared rather than evicted one by one: a Map's oldest key is slow to find after many deletes.
      if (made.size >= MADE_ENTRIES) made.clear();
      made.set(key, json);
    }
    return json;
  }

  function message(p: MessagePlan, b: Buffer, start: number, end: number): boolean {
    w.byte(OPEN);
    if (!members(p, b, start, end, 0)) return false;
    w.byte(CLOSE);
    return true;
  }

  function members(p: MessagePlan, b: Buffer, start: number, end: number, after: number): boolean {
    pos = start;
    let last = after;
    let written = false;
    let list: FieldPlan | undefined;
    let oneofs = 0;
    while (pos < end) {
      const tag = varint(b, end);
      if (pos < 0 || tag > 0xffffffff) return false;
      const number = Math.floor(tag / 8);
      const f = p.byNumber[number];
      if (f === undefined || (tag & 7) !== WIRE_TYPE[f.kind]) return false;
      if (number < last || (number === last && !f.repeated)) return false;
      if (f.oneof !== 0) {
        if ((oneofs & f.oneof) !== 0) return false;
        oneofs |= f.oneof;
      }
      last = number;
      if (list !== undefined && list !== f) {
        w.byte(CLOSE_LIST);
        list = undefined;
      }
      // The value, read before its key is written: an implicit zero writes nothing.
      const kind = f.kind;
      let value = 0;
      if (kind === FLOAT) {
        if (pos + 4 > end) return false;
        value = b.readFloatLE(pos);
        pos += 4;
        if (f.implicit && Object.is(value, 0)) continue;
      } else if (kind === DOUBLE) {
        if (pos + 8 > end) return false;
        value = b.readDoubleLE(pos);
        pos += 8;
        if (f.implicit && Object.is(value, 0)) continue;
      } else {
        // A length for STRING, MESSAGE and REFLECTED.
        value = varint(b, end);
        if (pos < 0) return false;
        if (kind === STRING || kind === MESSAGE || kind === REFLECTED) {
          if (pos + value > end) return false;
        } else if (kind === UINT32) {
          if (value > 0xffffffff) return false;
        } else if ((kind === INT32 || kind === ENUM) && value > 0x7fffffff) return false;
        if (f.implicit && value === 0) continue;
      }
      if (list === f) w.byte(COMMA);
      else {
        if (written) w.byte(COMMA);
        w.raw(f.key);
        written = true;
        if (f.repeated) {
          w.byte(OPEN_LIST);
          list = f;
        }
      }
      switch (kind) {
        case STRING:
          if (!w.string(b, pos, pos + value)) return false;
          pos += value;
          break;
        case MESSAGE: {
          const after = pos + value;
          if (!message(f.message!, b, pos, after)) return false;
          pos = after;
          break;
        }
        case REFLECTED:
          w.raw(reflected(f, b, pos, pos + value));
          pos += value;
          break;
        case BOOL:
          // A false bool with explicit presence: the varint was 0.
          if (value !== 0) w.raw(TRUE);
          else w.ascii('false');
          break;
        case UINT64:
          w.byte(0x22);
          w.ascii(String(value));
          w.byte(0x22);
          break;
        case FLOAT:
        case DOUBLE:
          writeFloat(value);
          break;
        case ENUM: {
          const name = f.names!.get(value);
          if (name === undefined) w.ascii(String(value));
          else w.raw(name);
          break;
        }
        default:
          w.ascii(String(value));
      }
    }
    if (list !== undefined) w.byte(CLOSE_LIST);
    return pos === end;
  }

  const top = new Map<DescMessage, MessagePlan | undefined>();
  function planOf(schema: DescMessage): MessagePlan | undefined {
    let p = top.get(schema);
    if (p === undefined && !top.has(schema)) {
      p = writable(schema) ? plan(schema) : undefined;
      top.set(schema, p);
    }
    return p;
  }

  return { w, planOf, message, members };
}

export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The answer's JSON (UTF-8) written from its bytes by `t`, or undefined when the wire is not what
 * this file writes (then protobuf-es must: answer-json.ts).
 */
export function directJson(t: Transcoder): (schema: DescMessage, bytes: Uint8Array) => Buffer | undefined {
  return (schema, bytes) => {
    const p = t.planOf(schema);
    if (p === undefined) return undefined;
    const b = asBuffer(bytes);
    t.w.reset();
    try {
      return t.message(p, b, 0, b.length) ? t.w.finish() : undefined;
    } catch {
      // protobuf-es refused a field's bytes: the caller's protobuf-es says why, for the whole answer.
      return undefined;
    }
  };
}
