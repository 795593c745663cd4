/**
 * Issue 15, item 5: an answer over the message size limit failed the whole call, or silently a stream.
 * Now it is sent in the compact view, emails leave their echoed bodies out, and when even that cannot
 * fit the request fails with RESPONSE_TOO_LARGE, said and logged. A small limit keeps the test light.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ServiceError } from '@grpc/grpc-js';
import type {
  PredictDomainsResponse,
  PredictEmailsResponse,
  PredictIpsResponse,
  StreamPredictIpsResponse,
} from '../../src/gen/threatpredict/v1/prediction_service';
import { callReason } from '../helpers/errors';
import { call, startTestServer, type TestServer } from '../helpers/server';

const LIMIT = 200_000;
let t: TestServer;
before(async () => {
  t = await startTestServer(['--max-message-bytes', String(LIMIT)]);
});
after(() => t.close());

/** Requests just under the limit whose compact answers are over it: short values, ids of 10 bytes. */
const ipItems = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({ id: `${tag}${String(i).padStart(9 - tag.length, '0')}`, value: '8.8.8.8' }));

describe('answers over the message size limit', () => {
  it('are sent in the compact view when that fits', async () => {
    const items = Array.from({ length: 1500 }, (_, i) => ({ id: String(i), value: `host-${i}.example-${i % 7}.net` }));
    const res = await call<object, PredictDomainsResponse>((r, cb) => t.predictions.predictDomains(r as never, cb), {
      items,
      view: 0,
    });
    assert.equal(res.results.length, 1500);
    assert.equal(res.results[7]?.id, '7');
    assert.equal(typeof res.results[7]?.score, 'number');
    assert.equal(res.results[7]?.indicator, '', 'no echo: the compact view');
    assert.ok(t.logs.some((l) => l.msg === 'answer over the message size limit: sent in the compact view'));
  });

  it('fail the call with RESPONSE_TOO_LARGE when even the compact view is too large', async () => {
    const err = await call<object, PredictIpsResponse>((r, cb) => t.predictions.predictIps(r as never, cb), {
      items: ipItems(Math.floor((0.9 * LIMIT) / 23), 'u'),
      view: 2,
    }).then(
      () => undefined,
      (e: ServiceError) => e,
    );
    assert.ok(err, 'the call fails');
    assert.equal(err.code, 8);
    assert.equal(callReason(err), 'RESPONSE_TOO_LARGE');
  });

  it('end a stream with RESPONSE_TOO_LARGE after answering the requests before, not silently', async () => {
    const stream = t.predictions.streamPredictIps();
    const got: StreamPredictIpsResponse[] = [];
    stream.on('data', (r: StreamPredictIpsResponse) => got.push(r));
    const failed = new Promise<ServiceError>((resolve) => stream.on('error', resolve));
    stream.write({ items: ipItems(10, 'a'), view: 2 });
    stream.write({ items: ipItems(Math.floor((0.9 * LIMIT) / 23), 'b'), view: 2 });
    const err = await failed;
    assert.equal(err.code, 8);
    assert.equal(callReason(err), 'RESPONSE_TOO_LARGE');
    assert.equal(got.length, 1);
    assert.equal(got[0]?.results.length, 10);
  });

  it('leave email bodies out of the answer, with a warning, and keep the scores', async () => {
    // Latin-1 text doubles in UTF-8: a 150 KB message echoes ~300 KB of body, over the 200 KB limit.
    const body = 'é'.repeat(150_000);
    const head =
      'From: a@example.com\r\nTo: b@example.org\r\nSubject: s\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\n';
    const raw = Buffer.from(`${head}${body}`, 'latin1');
    const res = await call<object, PredictEmailsResponse>((r, cb) => t.predictions.predictEmails(r as never, cb), {
      items: [{ id: 'm', value: raw }],
      view: 0,
    });
    const r = res.results[0]!;
    assert.equal(r.error, undefined);
    assert.equal(typeof r.score, 'number');
    assert.equal(r.messages[0]?.textBody, '');
    assert.ok(r.warnings.some((w) => /left out of the answer/.test(w)));
  });
});
