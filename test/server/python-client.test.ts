import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { promisify } from 'node:util';
import { pythonWith } from '../../scripts/python-env';
import { startTestServer, type TestServer } from '../helpers/server';

let t: TestServer;
let python: string;
before(async () => {
  // First use makes a virtualenv from the pinned requirements (about 30 s); later runs reuse it.
  python = await pythonWith([join(__dirname, '..', 'python', 'requirements.txt')]);
  t = await startTestServer();
});
after(() => t.close());

it('works from a Python client generated with grpcio-tools from the same protos', async () => {
  const { stdout } = await promisify(execFile)(python, [join(__dirname, '..', 'python', 'client.py'), t.address], {
    timeout: 120_000,
  });
  const out = JSON.parse(stdout) as {
    unary: { id: string; indicator: string; type: string }[];
    unary_error_reason: string;
    unary_has_score: boolean;
    stream_ids: string[][];
    generic_types: string[];
    generic_error_reason: string;
  };
  assert.deepEqual(
    out.unary.map((r) => r.id),
    ['a', 'b'],
  );
  assert.equal(out.unary[0]?.indicator, 'paypal-login-secure.xyz');
  assert.equal(out.unary[0]?.type, 'INDICATOR_TYPE_DOMAIN');
  assert.equal(out.unary_has_score, true);
  assert.equal(out.unary_error_reason, 'INVALID_DOMAIN');
  assert.equal(out.stream_ids.length, 5);
  for (const [n, ids] of out.stream_ids.entries()) {
    assert.deepEqual(
      ids,
      Array.from({ length: 100 }, (_, i) => `${n}:${i}`),
    );
  }
  assert.deepEqual(out.generic_types, ['INDICATOR_TYPE_EMAIL_ADDRESS', 'INDICATOR_TYPE_FILE_HASH']);
  assert.equal(out.generic_error_reason, 'INDICATOR_TYPE_UNSUPPORTED');
});
