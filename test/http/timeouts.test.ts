/**
 * Deadlines over HTTP with a short --http-timeout-ms: a unary call and a seed call whose body never
 * ends get 504 and a closed connection; a stream has no default deadline and outlives it.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { type HttpTestServer, startHttpTestServer } from './helpers';

let s: HttpTestServer;
before(async () => {
  s = await startHttpTestServer(['--http-timeout-ms', '300', '--http-seed-compat', 'true']);
});
after(async () => {
  await s.close();
});

/** Sends the head and `first`, then `rest` after `delayMs` (never, when undefined); resolves to the answer. */
function slowPost(path: string, first: string, rest: string | undefined, delayMs: number) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: Number(new URL(s.base).port), path, method: 'POST' }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.write(first);
    if (rest !== undefined) setTimeout(() => req.end(rest), delayMs);
  });
}

describe('HTTP deadlines', () => {
  it('a unary call whose body does not arrive in time: 504 DEADLINE_EXCEEDED, connection closed', async () => {
    const r = await slowPost('/v1/domains:predict', '{"items":[', undefined, 0);
    assert.equal(r.status, 504);
    assert.equal(r.headers.connection, 'close');
  });

  it('the seed endpoints too', async () => {
    const r = await slowPost('/email', 'Subject: x\r\n', undefined, 0);
    assert.equal(r.status, 504);
    assert.deepEqual(Object.keys(JSON.parse(r.body)), ['message']);
  });

  it('a stream has no default deadline: lines sent after --http-timeout-ms are answered', async () => {
    const line = (id: string) => `${JSON.stringify({ items: [{ id, value: 'wikipedia.org' }] })}\n`;
    const r = await slowPost('/v1/domains:streamPredict', line('1'), line('2'), 900);
    assert.equal(r.status, 200);
    const ids = r.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).result.results[0].id);
    assert.deepEqual(ids, ['1', '2']);
  });
});
