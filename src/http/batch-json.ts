/**
 * Batch answers (`repeated Prediction results = 1`) as JSON, with the JSON of each answer the
 * prediction cache answered kept beside its stored encoding: a repeat then costs a copy here as it
 * does on gRPC (src/server/wire.ts), instead of writing its JSON again (~4 us an answer, most of it
 * turning floats into text). The response says which of its answers are a stored encoding
 * (storedAnswersOf); the JSON of their fields after the id is kept by that encoding's object, and so
 * lives as long as the cache entry keeps it. Any other shape returns undefined (binary-json.ts).
 */
import type { DescMessage } from '@bufbuild/protobuf';
import { storedAnswersOf } from '../server/wire';
import { asBuffer, type MessagePlan, type Transcoder } from './binary-json';

const [OPEN, CLOSE, COMMA] = [0x7b, 0x7d, 0x2c];
const RESULTS_TAG = (1 << 3) | 2;
const ID_TAG = (1 << 3) | 2;
const RESULTS = Buffer.from('{"results":[');
const END = Buffer.from(']}');
const ID = Buffer.from('"id":');

export function batchJson(t: Transcoder): (schema: DescMessage, bytes: Uint8Array) => Buffer | undefined {
  const { w } = t;
  /** The JSON members of a stored answer after its id, by the stored encoding. */
  const members = new WeakMap<Uint8Array, Buffer>();
  /** Per answer message type: the Prediction's plan when it is a batch answer. */
  const predictions = new Map<DescMessage, MessagePlan | undefined>();

  function predictionPlan(schema: DescMessage): MessagePlan | undefined {
    if (!predictions.has(schema)) {
      const f = schema.fields;
      const batch =
        f.length === 1 &&
        f[0]!.number === 1 &&
        f[0]!.fieldKind === 'list' &&
        f[0]!.message?.typeName === 'threatpredict.v1.Prediction' &&
        t.planOf(schema) !== undefined;
      predictions.set(schema, batch ? t.planOf(f[0]!.message!) : undefined);
    }
    return predictions.get(schema);
  }

  /** A varint of at most 32 bits at b[at], as [value, next position], or undefined. */
  function varint(b: Buffer, at: number, end: number): [number, number] | undefined {
    let value = 0;
    for (let shift = 0; shift < 35 && at < end; shift += 7) {
      const byte = b[at++] as number;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value <= 0xffffffff ? [value, at] : undefined;
    }
    return undefined;
  }

  /** `{"id":...,<stored members>}` for an answer ending with `wire`; false when its bytes are not that. */
  function storedAnswer(p: MessagePlan, b: Buffer, start: number, end: number, wire: Uint8Array): boolean {
    const tail = end - wire.length;
    if (tail < start) return false;
    w.byte(OPEN);
    let written = false;
    if (tail > start) {
      // Exactly one id field before the stored encoding, as src/server/wire.ts writes it.
      if (b[start] !== ID_TAG) return false;
      const len = varint(b, start + 1, tail);
      if (len === undefined || len[1] + len[0] !== tail) return false;
      if (len[0] > 0) {
        w.raw(ID);
        if (!w.string(b, len[1], tail)) return false;
        written = true;
      }
    }
    let json = members.get(wire);
    if (json === undefined) {
      const mark = w.pos;
      // Fields after the id (1): a stored encoding never holds one, and then it is not this shape.
      if (!t.members(p, b, tail, end, 1)) return false;
      json = w.copyFrom(mark);
      members.set(wire, json);
      w.pos = mark;
    }
    if (written && json.length > 0) w.byte(COMMA);
    w.raw(json);
    w.byte(CLOSE);
    return true;
  }

  return (schema, bytes) => {
    const p = predictionPlan(schema);
    const stored = p === undefined ? undefined : storedAnswersOf(bytes);
    if (p === undefined || stored === undefined) return undefined;
    const b = asBuffer(bytes);
    w.reset();
    w.raw(RESULTS);
    let pos = 0;
    let n = 0;
    let k = 0;
    try {
      while (pos < b.length) {
        if (b[pos] !== RESULTS_TAG) return undefined;
        const len = varint(b, pos + 1, b.length);
        if (len === undefined || len[1] + len[0] > b.length) return undefined;
        const [start, end] = [len[1], len[1] + len[0]];
        if (n > 0) w.byte(COMMA);
        if (stored.answers[k] === n) {
          if (!storedAnswer(p, b, start, end, stored.wires[k] as Uint8Array)) return undefined;
          k++;
        } else if (!t.message(p, b, start, end)) return undefined;
        pos = end;
        n++;
      }
    } catch {
      return undefined;
    }
    if (k !== stored.answers.length) return undefined;
    w.raw(END);
    return w.finish();
  };
}
