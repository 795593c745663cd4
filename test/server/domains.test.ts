import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ServiceError } from '@grpc/grpc-js';
import { IndicatorType, ResultView, Verdict } from '../../src/gen/threatpredict/v1/prediction';
import type { PredictDomainsResponse } from '../../src/gen/threatpredict/v1/prediction_service';
import { callReason, errorInfoOf } from '../helpers/errors';
import { call, startTestServer, type TestServer } from '../helpers/server';

let t: TestServer;
let thresholds: { suspicious: number; malicious: number };
let version: number;

before(async () => {
  t = await startTestServer(['--max-batch-items', '2000']);
  const m = t.app.repository.serving('domain');
  assert.ok(m, 'the committed domain model must load');
  thresholds = m.metadata.thresholds;
  version = m.version;
});
after(() => t.close());

const predict = (items: { id: string; value: string }[], view = ResultView.RESULT_VIEW_UNSPECIFIED) =>
  call<Parameters<typeof t.predictions.predictDomains>[0], PredictDomainsResponse>(
    (r, cb) => t.predictions.predictDomains(r, cb),
    { items, view },
  );

function verdictFor(score: number): Verdict {
  if (score >= thresholds.malicious) return Verdict.VERDICT_MALICIOUS;
  if (score >= thresholds.suspicious) return Verdict.VERDICT_SUSPICIOUS;
  return Verdict.VERDICT_BENIGN;
}

describe('PredictDomains', () => {
  it('answers every item in order, with per-item errors for bad ones', async () => {
    const items = [
      { id: 'a', value: 'Google.COM.' },
      { id: 'b', value: 'a..b' },
      { id: 'c', value: 'google.com.evil.net' },
      { id: 'd', value: '' },
      { id: 'e', value: 'xn--pypal-4ve.com' },
      { id: 'f', value: `${'a'.repeat(64)}.com` },
      { id: 'g', value: 'x'.repeat(5000) },
    ];
    const res = await predict(items);
    assert.deepEqual(
      res.results.map((r) => r.id),
      ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
    );
    const [a, b, c, d, e, f, g] = res.results;

    assert.equal(a?.indicator, 'google.com');
    assert.equal(a?.verdict, Verdict.VERDICT_BENIGN);
    assert.equal(a?.score, undefined, 'allow-listed names are answered by the rule, not the model');
    assert.equal(a?.reasons[0]?.code, 'ALLOW_LISTED');

    assert.equal(errorInfoOf(b?.error)?.reason, 'INVALID_DOMAIN');
    assert.equal(b?.error?.code, 3);
    assert.match(b?.error?.message ?? '', /empty label/);

    assert.equal(c?.domain?.registrableDomain, 'evil.net');
    assert.ok(!c?.reasons.some((r) => r.code === 'ALLOW_LISTED'), 'google.com.evil.net is not google.com');
    assert.ok(c?.reasons.some((r) => r.code === 'BRAND_IN_SUBDOMAIN'));
    assert.equal(typeof c?.score, 'number');

    assert.equal(errorInfoOf(d?.error)?.reason, 'INDICATOR_EMPTY');
    assert.equal(e?.domain?.unicode, 'pаypal.com');
    assert.ok(e?.reasons.some((r) => r.code === 'BRAND_LOOKALIKE'));
    assert.match(f?.error?.message ?? '', /64 octets; the limit is 63/);
    assert.equal(errorInfoOf(g?.error)?.reason, 'INDICATOR_TOO_LONG');
  });

  it('gives probabilities with verdicts from the model thresholds, and names the model version', async () => {
    const names = ['paypal-login-secure.xyz', 'xjwqkdhfyrtzpq.ru', 'wikipedia.org', 'my-bakery-shop.de', 'go0gle.com'];
    const res = await predict(names.map((value, i) => ({ id: String(i), value })));
    for (const r of res.results) {
      if (r.score === undefined) continue;
      assert.ok(r.score >= 0 && r.score <= 1);
      if (r.reasons.some((x) => x.code === 'VERDICT_RAISED')) {
        assert.ok(r.verdict > verdictFor(r.score), `${r.indicator}: raised above the model's verdict`);
      } else {
        assert.equal(r.verdict, verdictFor(r.score), `${r.indicator} ${r.score}`);
      }
      assert.deepEqual(r.model, { name: 'domain', version });
      assert.equal(r.type, IndicatorType.INDICATOR_TYPE_DOMAIN);
    }
    assert.ok(
      (res.results[0]?.score ?? 0) > (res.results[3]?.score ?? 1),
      'the brand+keyword name scores above an ordinary one',
    );
    // A close brand lookalike is at least suspicious, whatever the model says (policy in pipelines/domain.ts).
    assert.ok((res.results[4]?.verdict ?? 0) >= Verdict.VERDICT_SUSPICIOUS, 'go0gle.com is at least suspicious');
    assert.ok(res.results[4]?.reasons.some((x) => x.code === 'BRAND_LOOKALIKE'));
  });

  it('returns compact results without reasons, enrichment or the indicator echo', async () => {
    const res = await predict([{ id: 'x', value: 'paypal-login-secure.xyz' }], ResultView.RESULT_VIEW_COMPACT);
    const r = res.results[0]!;
    assert.equal(r.id, 'x');
    assert.equal(typeof r.score, 'number');
    assert.deepEqual(r.reasons, []);
    assert.equal(r.domain, undefined);
    assert.equal(r.indicator, '');
    assert.notEqual(r.verdict, Verdict.VERDICT_UNSPECIFIED);
  });

  it('refuses a batch over the limit with INVALID_ARGUMENT and BATCH_TOO_LARGE', async () => {
    const items = Array.from({ length: 2001 }, (_, i) => ({ id: String(i), value: 'example.com' }));
    await assert.rejects(predict(items), (err: ServiceError) => {
      assert.equal(err.code, 3);
      assert.match(err.details, /2001 items; the maximum is 2000/);
      assert.equal(callReason(err), 'BATCH_TOO_LARGE');
      return true;
    });
  });
});

describe('ModelService', () => {
  it('lists the domain model with thresholds, training data and metrics', async () => {
    const res = await call<
      object,
      {
        models: {
          name: string;
          servingVersion: number;
          versions: { state: number; trainingData: { license: string }[]; metrics: Record<string, number> }[];
        }[];
      }
    >((r, cb) => t.models.listModels(r, cb as never), {});
    const domain = res.models.find((m) => m.name === 'domain');
    assert.ok(domain);
    assert.equal(domain.servingVersion, version);
    const v = domain.versions[0]!;
    assert.equal(v.state, 2);
    assert.ok(v.trainingData.length >= 3);
    assert.ok(v.trainingData.every((s) => s.license !== ''));
    assert.ok(typeof v.metrics.roc_auc === 'number');
  });

  it('answers NOT_FOUND for an unknown model', async () => {
    await assert.rejects(
      call((r, cb) => t.models.getModel(r, cb), { name: 'nope' }),
      (err: ServiceError) => err.code === 5 && callReason(err) === 'MODEL_NOT_FOUND',
    );
  });
});
