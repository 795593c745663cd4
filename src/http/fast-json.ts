/**
 * The batch RPCs' JSON without reflection where it is safe, so JSON over HTTP stays within 2x of
 * gRPC per item (src/bench/http-vs-grpc.ts). Measured before this: on repeats (answers from the
 * prediction cache) the server spent 8x gRPC's CPU per item, nearly all in protobuf-es's reflective
 * fromJson/toBinary and fromBinary/toJson.
 *
 * - Requests: `{"items": [{"id": "...", "value": "..."}], "view": "..."}` with nothing else (the shape
 *   scripts send) is written straight to the binary message; anything else (observedAt, snake_case
 *   names, nulls, numbers for strings) goes through protobuf-es as before, which decides what is valid.
 * - Answers of `repeated Prediction results = 1`: each result's JSON apart from its id is remembered
 *   by its encoded bytes, so a repeat, whose bytes are the cached wire form (src/server/wire.ts),
 *   costs a map lookup. The JSON is protobuf-es's own, byte for byte.
 */
import { type DescMessage, fromBinary, type Registry, toJson } from '@bufbuild/protobuf';
import { BinaryWriter } from '@bufbuild/protobuf/wire';

/** Whether `schema` is `{repeated Item items = 1; ResultView view = 2}` with `Item {string id = 1; string value = 2; ...}`. */
export function isStringBatch(schema: DescMessage): boolean {
  const items = schema.fields.find((f) => f.number === 1);
  const view = schema.fields.find((f) => f.number === 2);
  if (items?.name !== 'items' || items.fieldKind !== 'list' || items.listKind !== 'message') return false;
  if (view?.name !== 'view' || view.fieldKind !== 'enum') return false;
  const item = items.message;
  const id = item.fields.find((f) => f.number === 1);
  const value = item.fields.find((f) => f.number === 2);
  const STRING = 9;
  return (
    id?.name === 'id' &&
    id.fieldKind === 'scalar' &&
    id.scalar === STRING &&
    value?.name === 'value' &&
    value.fieldKind === 'scalar' &&
    value.scalar === STRING
  );
}

/** The binary request for the plain shape, or undefined to let protobuf-es decide. */
export function fastBatchRequest(schema: DescMessage, json: unknown): Uint8Array | undefined {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  let items: unknown = [];
  let view = 0;
  for (const [k, v] of Object.entries(json)) {
    if (k === 'items') items = v;
    else if (k === 'view') {
      const enumDesc = schema.fields.find((f) => f.number === 2);
      const value =
        enumDesc?.fieldKind === 'enum' && typeof v === 'string'
          ? enumDesc.enum.values.find((e) => e.name === v)
          : undefined;
      if (value === undefined) return undefined;
      view = value.number;
    } else return undefined;
  }
  if (!Array.isArray(items)) return undefined;
  const w = new BinaryWriter();
  for (const item of items) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;
    let id = '';
    let value = '';
    for (const [k, v] of Object.entries(item)) {
      if (typeof v !== 'string') return undefined;
      if (k === 'id') id = v;
      else if (k === 'value') value = v;
      else return undefined;
    }
    w.uint32((1 << 3) | 2).fork();
    if (id !== '') w.uint32((1 << 3) | 2).string(id);
    if (value !== '') w.uint32((2 << 3) | 2).string(value);
    w.join();
  }
  if (view !== 0) w.uint32(2 << 3).int32(view);
  return w.finish();
}

function varint(buf: Uint8Array, pos: number): [number, number] {
  let value = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    const b = buf[pos++] as number;
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [value, pos];
  }
  throw new Error('varint too long');
}

const DECODER = new TextDecoder();

/** `{"results": [...]}` for the encoded answer, or undefined when it is not only field-1 results. */
export type PredictionsJson = (bytes: Uint8Array) => string | undefined;

/** Remembers at most `entries` results' JSON; past that the oldest go first. */
export function predictionsJson(registry: Registry, entries = 50_000): PredictionsJson {
  const schema = registry.getMessage('threatpredict.v1.Prediction');
  if (schema === undefined) throw new Error('the contract has no threatpredict.v1.Prediction');
  const memo = new Map<string, string>();

  /** The JSON members of a Prediction without its id: `"indicator":"...","type":...` (no braces). */
  function inner(rest: Uint8Array): string {
    const key = Buffer.from(rest.buffer, rest.byteOffset, rest.byteLength).toString('latin1');
    let text = memo.get(key);
    if (text === undefined) {
      text = JSON.stringify(toJson(schema!, fromBinary(schema!, rest), { registry })).slice(1, -1);
      if (memo.size >= entries) memo.delete(memo.keys().next().value as string);
      memo.set(key, text);
    }
    return text;
  }

  return (bytes) => {
    const parts: string[] = [];
    let pos = 0;
    while (pos < bytes.length) {
      const [tag, afterTag] = varint(bytes, pos);
      if (tag !== ((1 << 3) | 2)) return undefined;
      const [len, start] = varint(bytes, afterTag);
      const end = start + len;
      let restStart = start;
      let id = '';
      // Our encoders write the id first (field 1) when it is not empty.
      if (len > 0 && bytes[start] === ((1 << 3) | 2)) {
        const [idLen, idStart] = varint(bytes, start + 1);
        id = DECODER.decode(bytes.subarray(idStart, idStart + idLen));
        restStart = idStart + idLen;
      }
      const members = inner(bytes.subarray(restStart, end));
      const idMember = id === '' ? '' : `"id":${JSON.stringify(id)}`;
      parts.push(`{${idMember}${idMember !== '' && members !== '' ? ',' : ''}${members}}`);
      pos = end;
    }
    return parts.length === 0 ? '{}' : `{"results":[${parts.join(',')}]}`;
  };
}
