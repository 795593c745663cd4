/**
 * Issue 15, item 3: abandoned email work must not starve other callers. The parse pool takes callers
 * in turn, drops work whose call is gone or whose deadline passed, and refuses work past its bounds
 * with a retry delay. First on the pool itself (a single worker, so the order is exact), then over
 * gRPC as the probe did it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { credentials, Metadata } from '@grpc/grpc-js';
import type { PredictEmailsResponse } from '../../src/gen/threatpredict/v1/prediction_service';
import { PredictionServiceClient } from '../../src/gen/threatpredict/v1/prediction_service';
import { createParsePool, type ParsePool } from '../../src/indicators/email/parse-pool';
import { errorInfoOf } from '../helpers/errors';
import { startTestServer, type TestServer } from '../helpers/server';

/** A message of about `mb` MB of text with links: a parse of it takes the worker a while. */
function message(mb: number, tag: string): Buffer {
  const line = `see https://x-${tag}.example.com/a and b.example.org\r\n`;
  return Buffer.from(
    `From: a@example.com\r\nSubject: ${tag}\r\n\r\n${line.repeat(Math.ceil((mb * 1024 * 1024) / line.length))}`,
  );
}

const small = (tag: string) => Buffer.from(`From: b@example.org\r\nSubject: ${tag}\r\n\r\nhello\r\n`);

describe('parse pool under abuse', () => {
  let pool: ParsePool;
  before(() => {
    pool = createParsePool({ size: 1, maxQueued: 8, limits: { timeoutMs: 60_000 } });
  });
  after(() => pool.close());

  it('takes callers in turn: one message of B waits for one of A, not all of them', async () => {
    const done: string[] = [];
    const track = (name: string, p: Promise<unknown>) => p.then(() => done.push(name));
    const a = Array.from({ length: 6 }, (_, i) => track(`a${i}`, pool.parse(message(1, `a${i}`), { caller: 'A' })));
    const b = track('b', pool.parse(small('b'), { caller: 'B' }));
    await Promise.all([...a, b]);
    // a0 was already running when b arrived; then A and B alternate.
    assert.ok(done.indexOf('b') <= 2, `b finished as number ${done.indexOf('b') + 1} of 7: ${done.join(' ')}`);
  });

  it('drops waiting messages whose call was cancelled, and stops a running one', async () => {
    const calls = new AbortController();
    const running = pool.parse(message(4, 'run'), { caller: 'A', signal: calls.signal });
    const waiting = Array.from({ length: 5 }, (_, i) =>
      pool.parse(message(1, `w${i}`), { caller: 'A', signal: calls.signal }),
    );
    assert.equal(pool.queued(), 5);
    calls.abort();
    for (const r of await Promise.all([running, ...waiting])) {
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.error.reason, 'CALL_CANCELLED');
    }
    assert.equal(pool.queued(), 0);
    const after = await pool.parse(small('after'), { caller: 'B' });
    assert.ok(after.ok, 'the replaced worker serves the next message');
  });

  it('answers a message whose deadline passed while it waited without parsing it', async () => {
    const running = pool.parse(message(2, 'run'), { caller: 'A' });
    const late = pool.parse(message(1, 'late'), { caller: 'B', deadline: Date.now() + 1 });
    const r = await late;
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.error.reason, 'EMAIL_PARSE_TIMEOUT');
      assert.match(r.error.message, /deadline passed before the message was parsed/);
    }
    assert.ok((await running).ok);
  });

  it('refuses work past its bound at once, with a retry delay', async () => {
    const running = pool.parse(message(2, 'run'), { caller: 'A' });
    const waiting = Array.from({ length: 8 }, (_, i) => pool.parse(small(`q${i}`), { caller: 'A' }));
    const refused = await pool.parse(small('over'), { caller: 'B' });
    assert.equal(refused.ok, false);
    if (!refused.ok) {
      assert.equal(refused.error.reason, 'EMAIL_QUEUE_FULL');
      assert.equal(refused.error.code, 8, 'RESOURCE_EXHAUSTED');
      assert.equal(refused.error.retryDelayMs, 1000);
    }
    for (const r of await Promise.all([running, ...waiting])) assert.ok(r.ok);
  });
});

describe('PredictEmails with abandoned calls', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it('forgets the messages of calls whose deadline passed, and serves another caller', async () => {
    const abuser = new PredictionServiceClient(t.address, credentials.createInsecure(), {
      'grpc.use_local_subchannel_pool': 1,
    });
    try {
      const calls = Array.from(
        { length: 20 },
        (_, i) =>
          new Promise<number>((resolve) =>
            abuser.predictEmails(
              { items: [{ id: String(i), value: message(0.94, `abuse${i}`) }], view: 0 },
              new Metadata(),
              { deadline: Date.now() + 300 },
              (err) => resolve(err?.code ?? 0),
            ),
          ),
      );
      const codes = await Promise.all(calls);
      assert.ok(codes.filter((c) => c === 4).length >= 15, `most calls ran out of time: ${codes.join(',')}`);
      // Their messages leave the queue when the calls end, instead of being parsed for nobody (~0.2 s each).
      for (let i = 0; i < 40 && t.app.emailParser.queued() > 0; i++) await sleep(50);
      assert.equal(t.app.emailParser.queued(), 0);
    } finally {
      abuser.close();
    }
    const res = await new Promise<PredictEmailsResponse>((resolve, reject) =>
      t.predictions.predictEmails({ items: [{ id: 'ok', value: small('legit') }], view: 0 }, (err, r) =>
        err ? reject(err) : resolve(r!),
      ),
    );
    assert.equal(res.results[0]?.error, undefined);
    assert.equal(errorInfoOf(res.results[0]?.error), undefined);
  });
});
