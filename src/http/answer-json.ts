/**
 * Answers as canonical proto3 JSON (UTF-8), exactly protobuf-es's
 * `JSON.stringify(toJson(schema, fromBinary(schema, bytes), { registry }))`: batch answers by way of
 * their stored answers' JSON (batch-json.ts), any answer from its bytes (binary-json.ts), and by
 * protobuf-es when neither can.
 */
import { type DescMessage, fromBinary, type Registry, toJson } from '@bufbuild/protobuf';
import { batchJson } from './batch-json';
import { createTranscoder, directJson } from './binary-json';

export type AnswerJson = (schema: DescMessage, bytes: Uint8Array) => Buffer;

export function answerJson(registry: Registry): AnswerJson {
  const t = createTranscoder(registry);
  const batch = batchJson(t);
  const direct = directJson(t);
  const options = { registry };
  return (schema, bytes) =>
    batch(schema, bytes) ??
    direct(schema, bytes) ??
    Buffer.from(JSON.stringify(toJson(schema, fromBinary(schema, bytes), options)));
}
