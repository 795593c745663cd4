import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StreamPredictDomainsResponse } from '../../src/gen/threatpredict/v1/prediction_service';
import { errorInfoOf } from '../helpers/errors';
import { startTestServer, type TestServer } from '../helpers/server';

let t: TestServer;
before(async () => {
  t = await startTestServer(['--max-batch-items', '1000']);
});
after(() => t.close());

function batch(n: number, size: number) {
  return {
    view: 0,
    items: Array.from({ length: size }, (_, i) => ({
      id: `${n}:${i}`,
      // Every 7th item is invalid; the rest are distinct names.
      value: i % 7 === 3 ? `bad..name${i}` : `host${n}x${i}.example-${i % 13}.com`,
    })),
  };
}

describe('StreamPredictDomains', () => {
  it('answers each request message with one response, in order, with a result for every item', async () => {
    const stream = t.predictions.streamPredictDomains();
    const got: StreamPredictDomainsResponse[] = [];
    stream.on('data', (r: StreamPredictDomainsResponse) => got.push(r));
    const done = once(stream, 'end');
    for (let n = 0; n < 40; n++) stream.write(batch(n, 50 + n));
    stream.end();
    await done;
    assert.equal(got.length, 40);
    got.forEach((res, n) => {
      assert.equal(res.results.length, 50 + n);
      res.results.forEach((r, i) => {
        assert.equal(r.id, `${n}:${i}`);
        if (i % 7 === 3) assert.equal(errorInfoOf(r.error)?.reason, 'INVALID_DOMAIN');
        else assert.ok(r.error === undefined && typeof r.score === 'number', `${r.id} scored`);
      });
    });
  });

  it('answers an oversized message with per-item errors and keeps the stream open', async () => {
    const stream = t.predictions.streamPredictDomains();
    const got: StreamPredictDomainsResponse[] = [];
    stream.on('data', (r: StreamPredictDomainsResponse) => got.push(r));
    const done = once(stream, 'end');
    stream.write(batch(0, 1001));
    stream.write(batch(1, 3));
    stream.end();
    await done;
    assert.equal(got.length, 2);
    assert.equal(got[0]?.results.length, 1001);
    assert.ok(got[0]?.results.every((r) => errorInfoOf(r.error)?.reason === 'BATCH_TOO_LARGE'));
    assert.equal(got[1]?.results.length, 3);
  });

  it('stops reading when the client stops reading, and loses nothing when it resumes', async () => {
    const stream = t.predictions.streamPredictDomains();
    stream.pause(); // a slow reader: nothing is read until resume()
    let blocked = false;
    let sent = 0;
    // Write until HTTP/2 flow control pushes back to the client (bounded: at most 400 batches).
    while (sent < 400) {
      const ok = stream.write(batch(sent, 1000));
      sent++;
      if (!ok) {
        blocked = true;
        break;
      }
      if (sent % 20 === 0) await sleep(20);
    }
    assert.ok(blocked, `the client should have been pushed back before ${sent} batches of 1000`);
    const got: StreamPredictDomainsResponse[] = [];
    stream.on('data', (r: StreamPredictDomainsResponse) => got.push(r));
    const done = once(stream, 'end');
    stream.resume();
    stream.end();
    await done;
    assert.equal(got.length, sent);
    assert.ok(got.every((r, n) => r.results.length === 1000 && r.results[999]?.id === `${n}:999`));
  });

  it('releases a stream the client cancels, without errors in the server log', async () => {
    const logsBefore = t.logs.length;
    const stream = t.predictions.streamPredictDomains();
    stream.on('error', () => {});
    for (let n = 0; n < 20; n++) stream.write(batch(n, 500));
    await once(stream, 'data');
    stream.cancel();
    await sleep(100);
    assert.ok(!t.logs.slice(logsBefore).some((l) => (l.level as number) >= 50), 'no error-level log lines');
    // A follow-up call on the same server still works.
    const again = t.predictions.streamPredictDomains();
    const first = once(again, 'data');
    again.write(batch(0, 2));
    const [res] = (await first) as [StreamPredictDomainsResponse];
    assert.equal(res.results.length, 2);
    again.end();
    await once(again, 'end');
  });
});
