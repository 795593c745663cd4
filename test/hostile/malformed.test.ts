/**
 * Issue 15, item 6: bytes that are not a valid request get INVALID_ARGUMENT with a reason, never
 * INTERNAL, and a field sent with the wrong wire type is not read as an empty batch. Raw bytes over a
 * plain grpc-js client, as a fuzzer or a broken client would send them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, credentials, type ServiceError } from '@grpc/grpc-js';
import {
  PredictDomainsResponse,
  StreamPredictDomainsResponse,
} from '../../src/gen/threatpredict/v1/prediction_service';
import { callReason } from '../helpers/errors';
import { startTestServer, type TestServer } from '../helpers/server';

let t: TestServer;
let raw: Client;
before(async () => {
  t = await startTestServer();
  raw = new Client(t.address, credentials.createInsecure());
});
after(async () => {
  raw.close();
  await t.close();
});

const same = (b: Buffer) => b;

function unary(path: string, bytes: Buffer): Promise<{ err: ServiceError | null; res?: Buffer }> {
  return new Promise((resolve) =>
    raw.makeUnaryRequest(path, same, same, bytes, (err, res) => resolve({ err, res: res ?? undefined })),
  );
}

const PS = '/threatpredict.v1.PredictionService';
/** A PredictDomainsRequest with one item { id: "1", value: "example.org" }, view compact. */
const good = Buffer.from([0x0a, 0x10, 0x0a, 0x01, 0x31, 0x12, 0x0b, ...Buffer.from('example.org'), 0x10, 0x02]);

describe('malformed requests', () => {
  const cases: [string, string, Buffer][] = [
    ['truncated length', `${PS}/PredictDomains`, Buffer.from([0x0a, 0x7f, 0x0a])],
    ['items sent as a number', `${PS}/PredictDomains`, Buffer.from([0x08, 0x05])],
    ['view sent as bytes', `${PS}/PredictIps`, Buffer.from([0x12, 0x01, 0x00])],
    ['an end-group tag', `${PS}/PredictUrls`, Buffer.from([0x0c])],
    ['field number 0', `${PS}/Predict`, Buffer.from([0x02, 0x00])],
    ['garbage', `${PS}/PredictEmails`, Buffer.from('\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff', 'latin1')],
    ['name sent as a number', '/threatpredict.v1.ModelService/GetModel', Buffer.from([0x08, 0x01])],
  ];
  for (const [what, path, bytes] of cases) {
    it(`answers ${what} with INVALID_ARGUMENT / MALFORMED_REQUEST`, async () => {
      const { err } = await unary(path, bytes);
      assert.ok(err, 'the call fails');
      assert.equal(err.code, 3, `${err.code} ${err.details}`);
      assert.equal(callReason(err), 'MALFORMED_REQUEST');
      assert.match(err.details, /not a valid protobuf message/);
    });
  }

  it('still answers a well-formed request, and an empty one as an empty batch', async () => {
    const ok = await unary(`${PS}/PredictDomains`, good);
    assert.equal(ok.err, null);
    assert.equal(PredictDomainsResponse.decode(ok.res!).results[0]?.id, '1');
    // view = -1: a negative int32 is a 10-byte varint, valid protobuf (an unknown enum value).
    const negative = Buffer.concat([good.subarray(0, -2), Buffer.from([0x10, ...Array(9).fill(0xff), 0x01])]);
    const neg = await unary(`${PS}/PredictDomains`, negative);
    assert.equal(neg.err, null, neg.err?.details);
    assert.equal(PredictDomainsResponse.decode(neg.res!).results[0]?.id, '1');
    const empty = await unary(`${PS}/PredictDomains`, Buffer.alloc(0));
    assert.equal(empty.err, null);
    assert.equal(PredictDomainsResponse.decode(empty.res!).results.length, 0);
  });

  it('ends a stream at a malformed request, after answering the ones before it', async () => {
    const stream = raw.makeBidiStreamRequest(`${PS}/StreamPredictDomains`, same, same);
    const got: Buffer[] = [];
    stream.on('data', (b: Buffer) => got.push(b));
    const failed = new Promise<ServiceError>((resolve) => stream.on('error', resolve));
    stream.write(good);
    stream.write(good);
    stream.write(Buffer.from([0x08, 0x05]));
    stream.write(good);
    const err = await failed;
    assert.equal(err.code, 3);
    assert.equal(callReason(err), 'MALFORMED_REQUEST');
    assert.equal(got.length, 2, 'the two requests before it were answered');
    for (const b of got) assert.equal(StreamPredictDomainsResponse.decode(b).results[0]?.id, '1');
  });
});
