/**
 * Issue 15, items 1 and 2: one caller must not change what others are answered through the shared
 * prediction cache, and over-long values must not grow it. Against the real server over gRPC, as the
 * probe that found both did.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IndicatorType, Verdict } from '../../src/gen/threatpredict/v1/prediction';
import type {
  PredictDomainsResponse,
  PredictEmailsResponse,
  PredictResponse,
  PredictUrlsResponse,
} from '../../src/gen/threatpredict/v1/prediction_service';
import { errorInfoOf } from '../helpers/errors';
import { call, startTestServer, type TestServer } from '../helpers/server';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

const PHISH = 'paypal-verify-acct-993.xyz';

function predict(items: { id: string; value: string; type: IndicatorType }[]): Promise<PredictResponse> {
  return call((r, cb) => t.predictions.predict(r as never, cb), { items, view: 0 });
}

function predictDomains(values: string[]): Promise<PredictDomainsResponse> {
  return call((r, cb) => t.predictions.predictDomains(r as never, cb), {
    items: values.map((value, i) => ({ id: String(i), value })),
    view: 0,
  });
}

function domainCache() {
  const cache = t.app.repository.serving('domain')?.cache;
  assert.ok(cache, 'the test server caches domain answers');
  return cache;
}

describe('the prediction cache is not shared between indicator types', () => {
  it('a value asserted as an email address does not change the answer for the domain', async () => {
    // Twice: the cache stores an answer the second time it is offered.
    for (let n = 0; n < 3; n++) {
      const res = await predict([{ id: 'a', value: PHISH, type: IndicatorType.INDICATOR_TYPE_EMAIL_ADDRESS }]);
      assert.equal(errorInfoOf(res.results[0]?.error)?.reason, 'INDICATOR_TYPE_MISMATCH');
    }
    for (let n = 0; n < 3; n++) {
      const res = await predictDomains([PHISH]);
      const r = res.results[0];
      assert.equal(r?.error, undefined, `domain answer ${n} carries no error`);
      assert.equal(r?.type, IndicatorType.INDICATOR_TYPE_DOMAIN);
      assert.equal(r?.verdict, Verdict.VERDICT_MALICIOUS);
    }
    // The generic path with the type detected is a domain too.
    const detected = await predict([{ id: 'd', value: PHISH, type: IndicatorType.INDICATOR_TYPE_UNSPECIFIED }]);
    assert.equal(detected.results[0]?.type, IndicatorType.INDICATOR_TYPE_DOMAIN);
    assert.equal(detected.results[0]?.error, undefined);
  });

  it('a domain request does not change the answer for an email address, nor the other way', async () => {
    const address = 'alice@paypa1-secure-login.com';
    for (let n = 0; n < 3; n++) {
      const res = await predictDomains([address]);
      assert.equal(errorInfoOf(res.results[0]?.error)?.reason, 'INVALID_DOMAIN');
    }
    const res = await predict([{ id: 'e', value: address, type: IndicatorType.INDICATOR_TYPE_EMAIL_ADDRESS }]);
    assert.equal(res.results[0]?.error, undefined);
    assert.equal(res.results[0]?.type, IndicatorType.INDICATOR_TYPE_EMAIL_ADDRESS);
    assert.equal(res.results[0]?.indicator, address);
  });

  it('the embedded indicators of a message are not suppressed by an earlier asserted-type call', async () => {
    for (let n = 0; n < 3; n++)
      await predict([{ id: 'a', value: PHISH, type: IndicatorType.INDICATOR_TYPE_EMAIL_ADDRESS }]);
    const raw = Buffer.from(
      [
        `From: Support <support@${PHISH}>`,
        'To: bob@example.org',
        'Subject: verify your account',
        'Message-ID: <1@example.org>',
        'Content-Type: text/plain; charset=utf-8',
        '',
        `Please sign in at https://${PHISH}/login today.`,
        '',
      ].join('\r\n'),
    );
    const res = await call<object, PredictEmailsResponse>((r, cb) => t.predictions.predictEmails(r as never, cb), {
      items: [{ id: 'm', value: raw }],
      view: 0,
    });
    const domains = res.results[0]!.indicators.map((i) => i.prediction!).filter((p) => p.indicator === PHISH);
    assert.ok(domains.length > 0, 'the sender or link domain is among the embedded indicators');
    for (const p of domains) {
      assert.equal(p.error, undefined, `${IndicatorType[p.type]} ${p.indicator} has no error`);
      assert.equal(p.verdict, Verdict.VERDICT_MALICIOUS);
    }
  });
});

describe('over-long values', () => {
  it('are refused before any work, per item, and never stored', async () => {
    const before = domainCache().stats().entries;
    const long = Array.from({ length: 30 }, (_, i) => `${'a'.repeat(1 << 20)}${i}.com`);
    for (let n = 0; n < 2; n++) {
      const res = await predictDomains([...long, 'example.org']);
      for (const r of res.results.slice(0, -1)) {
        const info = errorInfoOf(r.error);
        assert.equal(info?.reason, 'INDICATOR_TOO_LONG');
        assert.equal(info?.metadata.maxLength, '1024');
        assert.ok(r.indicator.length <= 260, 'the echo of a refused value is bounded');
      }
      assert.equal(res.results.at(-1)?.error, undefined, 'the good item among them is scored');
    }
    // At most the one good name was stored; none of the 1 MB values.
    assert.ok(domainCache().stats().entries <= before + 1);
  });

  it('are refused by each type at its own limit', async () => {
    const url = `https://example.com/${'p'.repeat(9000)}`;
    const res = await call<object, PredictUrlsResponse>((r, cb) => t.predictions.predictUrls(r as never, cb), {
      items: [{ id: 'u', value: url }],
      view: 0,
    });
    assert.equal(errorInfoOf(res.results[0]?.error)?.reason, 'INDICATOR_TOO_LONG');
    assert.equal(errorInfoOf(res.results[0]?.error)?.metadata.maxLength, '8192');
    const generic = await predict([
      { id: 'x', value: 'x'.repeat(100_000), type: IndicatorType.INDICATOR_TYPE_UNSPECIFIED },
      { id: 'i', value: ` ${'1'.repeat(100)} `, type: IndicatorType.INDICATOR_TYPE_IP },
    ]);
    assert.equal(errorInfoOf(generic.results[0]?.error)?.reason, 'INDICATOR_TOO_LONG');
    assert.equal(errorInfoOf(generic.results[1]?.error)?.reason, 'INDICATOR_TOO_LONG');
    assert.equal(errorInfoOf(generic.results[1]?.error)?.metadata.maxLength, '80');
  });
});
