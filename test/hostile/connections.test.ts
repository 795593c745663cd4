/**
 * Issue 15, item 4: peers that connect and say nothing must not hold descriptors, and the server must
 * not accept connections without bound. Raw sockets against the real server.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { PredictDomainsResponse } from '../../src/gen/threatpredict/v1/prediction_service';
import { call, startTestServer, type TestServer } from '../helpers/server';

let t: TestServer;
before(async () => {
  t = await startTestServer(['--handshake-timeout-ms', '400', '--max-connections', '6']);
});
after(() => t.close());

function silentSocket(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(t.server.port, '127.0.0.1', () => resolve(s));
    s.on('error', () => {});
    s.once('error', reject);
  });
}

const closed = (s: Socket) =>
  new Promise<void>((resolve) => (s.destroyed ? resolve() : s.once('close', () => resolve())));

describe('connections', () => {
  it('closes a connection that sends no byte within the handshake timeout, and logs it', async () => {
    const sockets = await Promise.all([silentSocket(), silentSocket(), silentSocket()]);
    const started = Date.now();
    await Promise.all(sockets.map(closed));
    assert.ok(Date.now() - started >= 300, 'not before the timeout');
    assert.ok(t.logs.some((l) => l.msg === 'connection closed: no byte received in time'));
  });

  it('refuses connections past the limit at once, and serves again when they are gone', async () => {
    const held = await Promise.all(Array.from({ length: 6 }, silentSocket));
    const extra = await silentSocket();
    await closed(extra); // closed by the server at once, long before the handshake timeout
    assert.ok(
      held.every((s) => !s.destroyed),
      'the six within the limit are still open',
    );
    assert.ok(t.logs.some((l) => l.msg === 'connection refused: at the connection limit'));
    await Promise.all(held.map(closed)); // silent: closed by the timeout
    const res = await call<object, PredictDomainsResponse>((r, cb) => t.predictions.predictDomains(r as never, cb), {
      items: [{ id: '1', value: 'example.org' }],
      view: 0,
    });
    assert.equal(res.results[0]?.error, undefined);
  });
});
