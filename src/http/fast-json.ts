/**
 * The batch RPCs' requests without reflection where it is safe, so JSON over HTTP stays within 2x of
 * gRPC per item (src/bench/http-vs-grpc.ts). Measured before this: on repeats (answers from the
 * prediction cache) the server spent 8x gRPC's CPU per item, nearly all in protobuf-es's reflective
 * fromJson/toBinary and fromBinary/toJson (answers: binary-json.ts).
 *
 * `{"items": [{"id": "...", "value": "..."}], "view": "..."}` with nothing else (the shape scripts
 * send) is written straight to the binary message; anything else (observedAt, snake_case names,
 * nulls, numbers for strings) goes through protobuf-es as before, which decides what is valid.
 */
import type { DescMessage } from '@bufbuild/protobuf';
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
