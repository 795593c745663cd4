/**
 * URLs over gRPC against the real server and the committed url model: PredictUrls,
 * StreamPredictUrls (several batches, bad items interleaved, order and count kept) and the generic
 * Predict with mixed types.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IndicatorType, type Prediction, ResultView, Verdict } from '../../src/gen/threatpredict/v1/prediction';
import type {
  PredictResponse,
  PredictUrlsRequest,
  PredictUrlsResponse,
  StreamPredictUrlsResponse,
} from '../../src/gen/threatpredict/v1/prediction_service';
import { errorInfoOf } from '../helpers/errors';
import { call, startTestServer, type TestServer } from '../helpers/server';

let t: TestServer;
let thresholds: { suspicious: number; malicious: number };
let version: number;

before(async () => {
  t = await startTestServer(['--max-batch-items', '2000']);
  const m = t.app.repository.serving('url');
  assert.ok(m, 'the committed url model must load');
  thresholds = m.metadata.thresholds;
  version = m.version;
});
after(() => t.close());

const predictUrls = (items: { id: string; value: string }[], view = ResultView.RESULT_VIEW_UNSPECIFIED) =>
  call<PredictUrlsRequest, PredictUrlsResponse>((r, cb) => t.predictions.predictUrls(r, cb), { items, view });

function verdictFor(score: number): Verdict {
  if (score >= thresholds.malicious) return Verdict.VERDICT_MALICIOUS;
  if (score >= thresholds.suspicious) return Verdict.VERDICT_SUSPICIOUS;
  return Verdict.VERDICT_BENIGN;
}

function assertScored(r: Prediction | undefined): void {
  assert.ok(r !== undefined);
  assert.equal(r.error, undefined, r.indicator);
  assert.equal(typeof r.score, 'number', r.indicator);
  assert.ok((r.score as number) >= 0 && (r.score as number) <= 1, `${r.indicator} ${r.score}`);
  assert.equal(r.verdict, verdictFor(r.score as number), `${r.indicator} ${r.score}`);
  assert.deepEqual(r.model, { name: 'url', version });
  assert.equal(r.type, IndicatorType.INDICATOR_TYPE_URL);
}

describe('PredictUrls', () => {
  it('answers every item in order, with canonical URLs, per-item errors and the allow-list policy', async () => {
    const items = [
      { id: 'a', value: 'HTTPS://WWW.Google.com/search?q=x#frag' },
      { id: 'b', value: 'javascript:alert(1)' },
      { id: 'c', value: 'hxxp://paypal-secure-login[.]example[.]xyz/webscr/signin.php?cmd=_login' },
      { id: 'd', value: '   ' },
      { id: 'e', value: 'https://drive.google.com/file/d/1AbCdEf/view' },
      { id: 'f', value: `http://example.com/${'a'.repeat(9000)}` },
      { id: 'g', value: 'http://45.33.10.5:8080/~admin/wp-admin/verify/account.php' },
      { id: 'h', value: 'http://127.0.0.1:8080/wp-admin/verify/account.php' },
      { id: 'i', value: 'http://localhost/login' },
      { id: 'j', value: 'http://017.0.0.1/verify' },
    ];
    const res = await predictUrls(items);
    assert.deepEqual(
      res.results.map((r) => r.id),
      ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'],
    );
    const [a, b, c, d, e, f, g, h, i, j] = res.results;

    assert.equal(a?.indicator, 'https://www.google.com/search?q=x');
    assert.equal(a?.verdict, Verdict.VERDICT_BENIGN);
    assert.equal(a?.score, undefined, 'an allow-listed registrable domain is answered by the rule');
    assert.equal(a?.reasons[0]?.code, 'ALLOW_LISTED');
    assert.equal(a?.url?.domain?.registrableDomain, 'google.com');

    assert.equal(errorInfoOf(b?.error)?.reason, 'INVALID_URL');
    assert.equal(b?.error?.code, 3);
    assert.match(b?.error?.message ?? '', /scheme "javascript" is not supported/);

    assertScored(c);
    assert.equal(c?.indicator, 'http://paypal-secure-login.example.xyz/webscr/signin.php?cmd=_login');
    assert.ok(c?.reasons.some((r) => r.code === 'SUSPICIOUS_PATH_TOKENS'));
    assert.ok((c?.score ?? 0) > thresholds.suspicious, `a defanged PayPal kit URL is flagged (${c?.score})`);

    assert.equal(errorInfoOf(d?.error)?.reason, 'INDICATOR_EMPTY');

    assertScored(e);
    assert.ok(
      e?.reasons.some((r) => r.code === 'USER_CONTENT_HOST'),
      'the model scores user content on an allow-listed domain',
    );
    assert.ok(!e?.reasons.some((r) => r.code === 'ALLOW_LISTED'));

    assert.equal(errorInfoOf(f?.error)?.reason, 'INDICATOR_TOO_LONG');

    assertScored(g);
    assert.equal(g?.url?.hostIsIp, true);
    assert.equal(g?.url?.port, 8080);
    assert.ok(g?.reasons.some((r) => r.code === 'IP_LITERAL_HOST'));

    // Hosts that name no host on the Internet are answered as PredictIps answers such addresses.
    for (const [r, why] of [
      [h, /127\.0\.0\.1 is in the loopback range/],
      [i, /localhost is the local machine/],
    ] as const) {
      assert.equal(r?.score, undefined, r?.indicator);
      assert.equal(r?.verdict, Verdict.VERDICT_BENIGN);
      assert.equal(r?.reasons[0]?.code, 'NOT_GLOBALLY_ROUTABLE');
      assert.match(r?.reasons[0]?.message ?? '', why);
    }
    // A URL's host follows the URL standard (octal, as browsers read it); PredictIps refuses that form.
    assert.equal(j?.indicator, 'http://15.0.0.1/verify');
    assertScored(j);
  });

  it('ranks phishing-shaped URLs above ordinary pages', async () => {
    const bad = [
      'http://secure-update-account.paypal.com.verify-id.xyz/cgi-bin/webscr?cmd=_login-run',
      'http://www.example-shop.net/wp-content/plugins/x/office365/e4c6e83ef71892c22cd5c366da5cac48/login.php',
    ];
    // Not on the allow-list, so the model scores them too.
    const good = ['https://www.cityofboston.gov/parking/tickets', 'https://numpy.org/doc/stable/'];
    const res = await predictUrls([...bad, ...good].map((value, i) => ({ id: String(i), value })));
    const scores = res.results.map((r) => r.score ?? Number.NaN);
    for (const s of scores) assert.ok(s >= 0 && s <= 1);
    assert.ok(Math.min(...scores.slice(0, 2)) > Math.max(...scores.slice(2)), scores.join(', '));
  });

  it('refuses a batch over the limit with the call error', async () => {
    const items = Array.from({ length: 2001 }, (_, i) => ({ id: String(i), value: 'http://example.com/' }));
    await assert.rejects(predictUrls(items), (err: { code: number; details: string }) => {
      assert.equal(err.code, 3);
      assert.match(err.details, /batch has 2001 items; the maximum is 2000/);
      return true;
    });
  });
});

describe('StreamPredictUrls', () => {
  it('answers each batch in order with the same count, bad items interleaved', async () => {
    const stream = t.predictions.streamPredictUrls();
    const batches = [0, 1, 2].map((b) =>
      Array.from({ length: 50 }, (_, i) => ({
        id: `${b}-${i}`,
        value:
          i % 7 === 3
            ? `javascript:void(${i})`
            : i % 11 === 5
              ? ''
              : `http://site${b}-${i}.example.com/path/${i}/login.php?x=${i}`,
      })),
    );
    const got: StreamPredictUrlsResponse[] = [];
    const done = new Promise<void>((resolve, reject) => {
      stream.on('data', (m: StreamPredictUrlsResponse) => got.push(m));
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    for (const items of batches) stream.write({ items, view: ResultView.RESULT_VIEW_COMPACT });
    stream.end();
    await done;
    assert.equal(got.length, 3);
    got.forEach((res, b) => {
      assert.deepEqual(
        res.results.map((r) => r.id),
        batches[b]!.map((i) => i.id),
      );
      res.results.forEach((r, i) => {
        if (i % 7 === 3) assert.equal(errorInfoOf(r.error)?.reason, 'INVALID_URL', r.id);
        else if (i % 11 === 5) assert.equal(errorInfoOf(r.error)?.reason, 'INDICATOR_EMPTY', r.id);
        else {
          assertScored(r);
          assert.deepEqual(r.reasons, [], 'compact view carries no reasons');
        }
      });
    });
  });
});

describe('Predict (generic) with URLs', () => {
  it('detects URLs among other types and scores each with its own model', async () => {
    const items = [
      {
        id: 'u',
        value: 'http://login-verify.example.top/account/update.php',
        type: IndicatorType.INDICATOR_TYPE_UNSPECIFIED,
      },
      { id: 'd', value: 'example.org', type: IndicatorType.INDICATOR_TYPE_UNSPECIFIED },
      { id: 'x', value: 'example.org/path?q=1', type: IndicatorType.INDICATOR_TYPE_UNSPECIFIED },
      { id: 'm', value: 'not a url at all', type: IndicatorType.INDICATOR_TYPE_URL },
      { id: 'h', value: 'hxxps://evil[.]example[.]com/a', type: IndicatorType.INDICATOR_TYPE_UNSPECIFIED },
    ];
    const res = await call<{ items: typeof items; view: ResultView }, PredictResponse>(
      (r, cb) => t.predictions.predict(r, cb),
      {
        items,
        view: ResultView.RESULT_VIEW_FULL,
      },
    );
    assert.deepEqual(
      res.results.map((r) => r.id),
      ['u', 'd', 'x', 'm', 'h'],
    );
    const [u, d, x, m, h] = res.results;
    assertScored(u);
    assert.equal(d?.type, IndicatorType.INDICATOR_TYPE_DOMAIN);
    assert.equal(d?.model?.name ?? 'domain', 'domain');
    assertScored(x);
    assert.equal(x?.indicator, 'http://example.org/path?q=1');
    assert.equal(errorInfoOf(m?.error)?.reason, 'INDICATOR_TYPE_MISMATCH');
    assertScored(h);
    assert.equal(h?.indicator, 'https://evil.example.com/a');
  });
});
