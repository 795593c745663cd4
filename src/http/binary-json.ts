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

type Kind = 'string' | 'bool' | 'uint32' | 'int32' | 'uint64' | 'float' | 'double' | 'enum' | 'message' | 'protobuf-es';

interface FieldPlan {
  /** `"jsonName":` */
  key: Buffer;
  kind: Kind;
  repeated: boolean;
  /** Implicit presence: a zero value is not written. */
  implicit: boolean;
  /** The field's oneof as one bit, or 0. */
  oneof: number;
  /** Enum values' JSON (quoted names) by number. */
  names?: Map<number, Buffer>;
  message?: MessagePlan;
  /** For `protobuf-es` fields: the field's message type and the JSON already made, by its bytes. */
  schema?: DescMessage;
  made?: Map<string, Buffer>;
}

interface MessagePlan {
  byNumber: (FieldPlan | undefined)[];
}

const WIRE = { varint: 0, fixed64: 1, delimited: 2, fixed32: 5 } as const;
const SCALARS = new Map<ScalarType, Kind>([
  [ScalarType.STRING, 'string'],
  [ScalarType.BOOL, 'bool'],
  [ScalarType.UINT32, 'uint32'],
  [ScalarType.INT32, 'int32'],
  [ScalarType.UINT64, 'uint64'],
  [ScalarType.FLOAT, 'float'],
  [ScalarType.DOUBLE, 'double'],
]);
const WIRE_OF: Record<Kind, number> = {
  string: WIRE.delimited,
  bool: WIRE.varint,
  uint32: WIRE.varint,
  int32: WIRE.varint,
  uint64: WIRE.varint,
  float: WIRE.fixed32,
  double: WIRE.fixed64,
  enum: WIRE.varint,
  message: WIRE.delimited,
  'protobuf-es': WIRE.delimited,
};
/** Reflective results kept per field: enough for the few distinct errors of a batch. */
const MADE_ENTRIES = 256;
const IMPLICIT = 2;
const [OPEN, CLOSE, OPEN_LIST, CLOSE_LIST, COMMA] = [0x7b, 0x7d, 0x5b, 0x5d, 0x2c];

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

export type AnswerJson = (schema: DescMessage, bytes: Uint8Array) => Buffer;

/**
 * The answer's JSON (UTF-8) written from its bytes, or undefined when the wire is not what this file
 * writes (then protobuf-es must, see answerJson).
 */
export function directJson(registry: Registry): (schema: DescMessage, bytes: Uint8Array) => Buffer | undefined {
  const plans = new Map<DescMessage, MessagePlan>();
  const w = new JsonWriter();
  const options = { registry };

  function plan(schema: DescMessage): MessagePlan {
    let p = plans.get(schema);
    if (p !== undefined) return p;
    p = { byNumber: [] };
    // Before the fields: a message type that contains itself finds this plan.
    plans.set(schema, p);
    const oneofs = schema.oneofs;
    for (const f of schema.fields) p.byNumber[f.number] = fieldPlan(f, oneofs.indexOf(f.oneof as never));
    return p;
  }

  function fieldPlan(f: DescField, oneofIndex: number): FieldPlan {
    const repeated = f.fieldKind === 'list';
    const base = {
      key: Buffer.from(`${JSON.stringify(f.jsonName)}:`),
      repeated,
      implicit: !repeated && f.presence === IMPLICIT && f.fieldKind !== 'message' && f.oneof === undefined,
      oneof: oneofIndex >= 0 && oneofIndex < 31 ? 1 << oneofIndex : 0,
    };
    if (f.message !== undefined) {
      if (writable(f.message)) return { ...base, kind: 'message', message: plan(f.message) };
      return { ...base, kind: 'protobuf-es', schema: f.message, made: new Map() };
    }
    if (f.enum !== undefined) {
      const names = new Map(f.enum.values.map((v) => [v.number, Buffer.from(JSON.stringify(v.jsonName))]));
      return { ...base, kind: 'enum', names };
    }
    return { ...base, kind: SCALARS.get(f.scalar as ScalarType) as Kind };
  }

  // The reader's cursor (writing is synchronous): -1 once the wire is not what this file writes.
  let pos = 0;

  /** A varint as a number, exact up to 2^53; sets pos = -1 past that or on truncation. */
  function varint(b: Uint8Array, end: number): number {
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

  /** JSON for a float or double: a number, or the strings toJson gives for NaN and the infinities. */
  function floatJson(v: number): string {
    if (Number.isNaN(v)) return '"NaN"';
    if (v === Number.POSITIVE_INFINITY) return '"Infinity"';
    if (v === Number.NEGATIVE_INFINITY) return '"-Infinity"';
    return String(v);
  }

  /** protobuf-es's JSON for one field's message, remembered by its bytes. */
  function reflected(f: FieldPlan, b: Uint8Array, start: number, end: number): Buffer {
    const key = Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('latin1');
    const made = f.made as Map<string, Buffer>;
    let json = made.get(key);
    if (json === undefined) {
      const schema = f.schema as DescMessage;
      json = Buffer.from(JSON.stringify(toJson(schema, fromBinary(schema, b.subarray(start, end)), options)));
      // Cleared rather than evicted one by one: a Map's oldest key is slow to find after many deletes.
      if (made.size >= MADE_ENTRIES) made.clear();
      made.set(key, json);
    }
    return json;
  }

  /** Writes the message in `b[start, end)`; false when the wire is not what this file writes. */
  function message(p: MessagePlan, b: Uint8Array, start: number, end: number): boolean {
    w.byte(OPEN);
    pos = start;
    let last = 0;
    let written = false;
    let list: FieldPlan | undefined;
    let oneofs = 0;
    while (pos < end) {
      const tag = varint(b, end);
      if (pos < 0 || tag > 0xffffffff) return false;
      const number = Math.floor(tag / 8);
      const f = p.byNumber[number];
      if (f === undefined || (tag & 7) !== WIRE_OF[f.kind]) return false;
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
      let value = 0;
      let len = 0;
      switch (f.kind) {
        case 'float':
          if (pos + 4 > end) return false;
          value = Buffer.from(b.buffer, b.byteOffset + pos, 4).readFloatLE(0);
          pos += 4;
          if (f.implicit && Object.is(value, 0)) continue;
          break;
        case 'double':
          if (pos + 8 > end) return false;
          value = Buffer.from(b.buffer, b.byteOffset + pos, 8).readDoubleLE(0);
          pos += 8;
          if (f.implicit && Object.is(value, 0)) continue;
          break;
        case 'string':
        case 'message':
        case 'protobuf-es':
          len = varint(b, end);
          if (pos < 0 || pos + len > end) return false;
          if (f.implicit && len === 0) continue;
          break;
        default:
          value = varint(b, end);
          if (pos < 0) return false;
          if (f.kind === 'uint32' && value > 0xffffffff) return false;
          if ((f.kind === 'int32' || f.kind === 'enum') && value > 0x7fffffff) return false;
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
      switch (f.kind) {
        case 'string':
          if (!w.string(b, pos, pos + len)) return false;
          pos += len;
          break;
        case 'message': {
          const after = pos + len;
          if (!message(f.message as MessagePlan, b, pos, after)) return false;
          pos = after;
          break;
        }
        case 'protobuf-es':
          w.raw(reflected(f, b, pos, pos + len));
          pos += len;
          break;
        case 'bool':
          w.text(value !== 0 ? 'true' : 'false');
          break;
        case 'uint64':
          w.text(`"${value}"`);
          break;
        case 'float':
        case 'double':
          w.text(floatJson(value));
          break;
        case 'enum': {
          const name = f.names?.get(value);
          if (name === undefined) w.text(String(value));
          else w.raw(name);
          break;
        }
        default:
          w.text(String(value));
      }
    }
    if (list !== undefined) w.byte(CLOSE_LIST);
    w.byte(CLOSE);
    return pos === end;
  }

  const top = new Map<DescMessage, MessagePlan | undefined>();
  return (schema, bytes) => {
    let p = top.get(schema);
    if (p === undefined && !top.has(schema)) {
      p = writable(schema) ? plan(schema) : undefined;
      top.set(schema, p);
    }
    if (p === undefined) return undefined;
    w.reset();
    try {
      return message(p, bytes, 0, bytes.length) ? w.finish() : undefined;
    } catch {
      // protobuf-es refused a field's bytes: the caller's protobuf-es says why, for the whole answer.
      return undefined;
    }
  };
}

/** Writes answers of any message type of `registry` as canonical JSON (UTF-8), by protobuf-es when directJson cannot. */
export function answerJson(registry: Registry): AnswerJson {
  const direct = directJson(registry);
  const options = { registry };
  return (schema, bytes) =>
    direct(schema, bytes) ?? Buffer.from(JSON.stringify(toJson(schema, fromBinary(schema, bytes), options)));
}
