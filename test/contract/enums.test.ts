/**
 * The proto's ErrorReason and ReasonCode enums are what generated clients get as constants; the TS
 * catalogues (src/errors.ts, src/reason-codes.ts) are what the server sends. They must list the same
 * names with the same documentation, or a client would match a reason its constants do not have.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { ERROR_CATALOGUE } from '../../src/errors';
import { REASON_CODES } from '../../src/reason-codes';

const set = fromBinary(
  FileDescriptorSetSchema,
  readFileSync(join(__dirname, '..', '..', 'src', 'gen', 'threatpredict.binpb')),
);

/** Value name -> its leading comment (one line, spaces normalised), for a top-level enum of the contract. */
function enumDocs(fileName: string, enumName: string): Map<string, string> {
  const file = set.file.find((f) => f.name === fileName);
  assert.ok(file, `${fileName} is in the descriptor set`);
  const index = file.enumType.findIndex((e) => e.name === enumName);
  assert.ok(index >= 0, `${enumName} is in ${fileName}`);
  const comments = new Map<string, string>();
  for (const loc of file.sourceCodeInfo?.location ?? []) {
    // Path 5 = FileDescriptorProto.enum_type, 2 = EnumDescriptorProto.value.
    const [a, b, c, d] = loc.path;
    if (loc.path.length === 4 && a === 5 && b === index && c === 2) {
      comments.set(String(d), (loc.leadingComments ?? '').replace(/\s+/g, ' ').trim());
    }
  }
  const values = new Map<string, string>();
  file.enumType[index]?.value.forEach((v, i) => {
    if (v.number !== 0) values.set(v.name, comments.get(String(i)) ?? '');
  });
  return values;
}

it('ErrorReason in the proto lists exactly the error catalogue, with its text and gRPC code', () => {
  const proto = enumDocs('threatpredict/v1/error_reason.proto', 'ErrorReason');
  assert.deepEqual([...proto.keys()].sort(), Object.keys(ERROR_CATALOGUE).sort());
  for (const [name, [code, text]] of Object.entries(ERROR_CATALOGUE)) {
    assert.equal(proto.get(name), `${text} gRPC code ${code}.`, name);
  }
});

it('ReasonCode in the proto lists exactly the reason codes the server can send, with their text', () => {
  const proto = enumDocs('threatpredict/v1/reason_code.proto', 'ReasonCode');
  assert.deepEqual([...proto.keys()].sort(), Object.keys(REASON_CODES).sort());
  for (const [name, text] of Object.entries(REASON_CODES)) assert.equal(proto.get(name), text, name);
});
