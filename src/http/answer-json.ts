/**
 * Answers as canonical proto3 JSON (UTF-8), exactly protobuf-es's
 * `JSON.stringify(toJson(schema, fromBinary(schema, bytes), { registry }))`: from their bytes
 * (binary-json.ts), and by protobuf-es when that cannot.
 */
import { type DescMessage, fromBinary, type Registry, toJson } from '@bufbuild/protobuf';
import { createTranscoder, directJson } from './binary-json';

export type AnswerJson = (schema: DescMessage, bytes: Uint8Array) => Buffer;

export function answerJson(registry: Registry): AnswerJson {
  const direct = directJson(createTranscoder(registry));
  const options = { registry };
  return (schema, bytes) =>
    direct(schema, bytes) ?? Buffer.from(JSON.stringify(toJson(schema, fromBinary(schema, bytes), options)));
}
