/**
 * Issue 15, item 10 (second half): a sensor's stream that never ends must learn at shutdown which of
 * its requests were scored. It gets an answer for every request the server read, in order, and then
 * UNAVAILABLE (retry elsewhere), never CANCELLED when the grace period runs out.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceError } from '@grpc/grpc-js';
import type { StreamPredictDomainsResponse } from '../../src/gen/threatpredict/v1/prediction_service';
import { startTestServer } from '../helpers/server';

it('ends a stream that keeps sending with UNAVAILABLE after answering what it read', async () => {
  const t = await startTestServer(['--shutdown-grace-ms', '3000']);
  const stream = t.predictions.streamPredictDomains();
  const got: StreamPredictDomainsResponse[] = [];
  stream.on('data', (r: StreamPredictDomainsResponse) => got.push(r));
  const failed = once(stream, 'error') as Promise<[ServiceError]>;
  let sent = 0;
  let sending = true;
  // A sensor: a batch every few milliseconds, never half-closing.
  const sender = (async () => {
    while (sending) {
      stream.write({
        view: 2,
        items: Array.from({ length: 50 }, (_, i) => ({ id: `${sent}:${i}`, value: `n${sent}-${i}.example.net` })),
      });
      sent++;
      await sleep(5);
    }
  })();
  await once(stream, 'data');
  const started = Date.now();
  const shutdown = t.server.shutdown();
  const [err] = await failed;
  sending = false;
  await sender;
  await shutdown;
  assert.equal(err.code, 14, `UNAVAILABLE, got ${err.code} ${err.details}`);
  assert.match(err.details, /shutting down/);
  // Within the grace period, not by its expiry.
  assert.ok(Date.now() - started < 3000, `ended after ${Date.now() - started} ms`);
  assert.ok(got.length > 1 && got.length <= sent, `${got.length} of ${sent} requests answered`);
  got.forEach((r, n) => {
    assert.equal(r.results.length, 50);
    assert.equal(r.results[0]?.id, `${n}:0`, 'answers in request order, none skipped');
  });
  assert.ok(!t.logs.some((l) => l.msg === 'grace period over: cancelling remaining calls'));
  await t.app.close();
});
