/**
 * Gateway-wrapped links over gRPC against the real server and the committed url model: a wrapper is
 * answered as the link it wraps (its score, verdict, canonical URL and enrichment) with a reason
 * naming the gateway, the same way on the event loop, off it and from the cache; one whose target
 * cannot be read is answered as itself, saying why. The URLs found inside an email are answered so too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IndicatorType, type Prediction, ResultView, Verdict } from '../../src/gen/threatpredict/v1/prediction';
import type {
  PredictEmailsRequest,
  PredictEmailsResponse,
  PredictUrlsRequest,
  PredictUrlsResponse,
} from '../../src/gen/threatpredict/v1/prediction_service';
import { call, startTestServer, type TestServer } from '../helpers/server';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

const predictUrls = (values: string[], view = ResultView.RESULT_VIEW_UNSPECIFIED) =>
  call<PredictUrlsRequest, PredictUrlsResponse>((r, cb) => t.predictions.predictUrls(r, cb), {
    items: values.map((value, i) => ({ id: String(i), value })),
    view,
  });

const PHISH = 'http://paypal-secure-login.example.xyz/webscr/signin.php?cmd=_login';
// The same link as three gateways write it (Proofpoint v2 and v3, Safe Links), and nested.
const WRAPPED_PHISH = [
  'https://urldefense.proofpoint.com/v2/url?u=http-3A__paypal-2Dsecure-2Dlogin.example.xyz_webscr_signin.php-3Fcmd-3D-5Flogin&d=DwMFaQ&c=abc&r=def&m=ghi&s=jkl&e=',
  'https://urldefense.com/v3/__http://paypal-secure-login.example.xyz/webscr/signin.php?cmd=_login__;!!AbCdEf!Gh-Ij_Kl$',
  `https://nam10.safelinks.protection.outlook.com/?url=${encodeURIComponent(PHISH)}&data=05%7C02%7C%7C0%7C638&sdata=AbC%2Bd%3D&reserved=0`,
  `https://eur01.safelinks.protection.outlook.com/?url=${encodeURIComponent('https://urldefense.com/v3/__http://paypal-secure-login.example.xyz/webscr/signin.php?cmd=_login__;!!AbCdEf!Gh-Ij_Kl$')}&data=05%7C02&reserved=0`,
];

function assertAnsweredAs(wrapped: Prediction | undefined, plain: Prediction | undefined, gateway: RegExp): void {
  assert.ok(wrapped !== undefined && plain !== undefined);
  assert.equal(wrapped.error, undefined);
  assert.equal(wrapped.indicator, plain.indicator);
  assert.equal(wrapped.score, plain.score);
  assert.equal(wrapped.verdict, plain.verdict);
  assert.deepEqual(wrapped.url, plain.url, 'the enrichment describes the wrapped link');
  const why = wrapped.reasons.find((r) => r.code === 'WRAPPED_LINK');
  assert.ok(why !== undefined, JSON.stringify(wrapped.reasons));
  assert.match(why.message, gateway);
  assert.ok(why.message.includes(plain.indicator), why.message);
  assert.deepEqual(
    wrapped.reasons.filter((r) => r !== why),
    plain.reasons,
    'the wrapped link keeps its own reasons',
  );
}

describe('PredictUrls with gateway-wrapped links', () => {
  it('scores a wrapped phishing link as that link: still raised, the gateway named', async () => {
    const res = await predictUrls([PHISH, ...WRAPPED_PHISH]);
    const [plain, ...wrapped] = res.results;
    assert.notEqual(plain?.verdict, Verdict.VERDICT_BENIGN, `the plain link is raised (${plain?.score})`);
    const gateways = [
      /^a Proofpoint URL Defense link to /,
      /^a Proofpoint URL Defense link to /,
      /^a Microsoft Safe Links link to /,
      /^a Microsoft Safe Links link around a Proofpoint URL Defense link to /,
    ];
    for (const [k, w] of wrapped.entries()) assertAnsweredAs(w, plain, gateways[k]!);
  });

  it('answers a wrapped link on an allow-listed site by the rule, not as the gateway', async () => {
    const plain = 'https://github.com/lme4/lme4/blob/master/inst/NEWS.Rd';
    const res = await predictUrls([
      plain,
      'https://urldefense.com/v3/__https://github.com/lme4/lme4/blob/master/inst/NEWS.Rd*L17-L22__;Iw!!AbCdEf!Gh-Ij_Kl$',
      'https://www.google.com/url?q=https://numpy.org/doc/stable/&sa=D&source=editors',
      'https://numpy.org/doc/stable/',
    ]);
    const [p, w, g, n] = res.results;
    assert.equal(w?.verdict, Verdict.VERDICT_BENIGN);
    assert.deepEqual(
      w?.reasons.map((r) => r.code),
      ['WRAPPED_LINK', 'ALLOW_LISTED'],
    );
    assertAnsweredAs(w, p, /^a Proofpoint URL Defense link to https:\/\/github\.com\//);
    assert.equal(g?.verdict, Verdict.VERDICT_BENIGN, `numpy.org through Google's redirector (${g?.score})`);
    assertAnsweredAs(g, n, /^a Google redirect link to https:\/\/numpy\.org\//);
  });

  it('scores a wrapper whose target cannot be read as itself, saying why', async () => {
    const values = [
      'https://protect-eu.mimecast.com/s/AbCdEfGhIjK?domain=example.org',
      'https://urldefense.com/v3/__https://example.org/a*b__;JSM!!x!y$',
    ];
    const res = await predictUrls(values);
    for (const [k, r] of res.results.entries()) {
      assert.equal(r.error, undefined);
      assert.equal(typeof r.score, 'number');
      assert.equal(r.url?.host, new URL(values[k]!).host);
      const why = r.reasons.find((x) => x.code === 'WRAPPED_LINK_UNDECODED');
      assert.ok(why !== undefined, JSON.stringify(r.reasons));
      assert.ok(why.message.includes(r.indicator), why.message);
    }
  });

  it('gives the same answer for the same wrapper on and off the event loop, and from the cache', async () => {
    const small = await predictUrls(WRAPPED_PHISH);
    // 40 items go to the scoring worker (more than OFF_THREAD_MIN_ROWS); the repeats come from the cache.
    const many = Array.from({ length: 10 }, () => WRAPPED_PHISH).flat();
    const big = await predictUrls(many);
    const again = await predictUrls(many);
    for (const res of [big, again]) {
      for (const [i, r] of res.results.entries()) {
        const want = small.results[i % WRAPPED_PHISH.length]!;
        assert.deepEqual({ ...r, id: want.id }, want, `item ${i}`);
      }
    }
  });
});

describe('PredictEmails with gateway-wrapped links', () => {
  it('answers each wrapped link found in the message as the link it wraps', async () => {
    const github =
      'https://urldefense.com/v3/__https://github.com/lme4/lme4/blob/master/inst/NEWS.Rd*L17-L22__;Iw!!AbCdEf!Gh-Ij_Kl$';
    const raw = [
      'From: Helpdesk <helpdesk@example.edu>',
      'To: someone@example.edu',
      'Subject: Re: lme4 question',
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      '',
      `<p>See <a href="${WRAPPED_PHISH[2]!.replace(/&/g, '&amp;')}">your account</a>`,
      `and the NEWS entry ${github} for the change.</p>`,
      '',
    ].join('\r\n');
    const res = await call<PredictEmailsRequest, PredictEmailsResponse>((r, cb) => t.predictions.predictEmails(r, cb), {
      items: [{ id: 'm', value: Buffer.from(raw) }],
      view: ResultView.RESULT_VIEW_UNSPECIFIED,
    });
    const [plain] = (await predictUrls([PHISH])).results;
    const urls = new Map(res.results[0]!.indicators.map((i) => [i.prediction!.indicator, i]));
    const phish = urls.get(PHISH);
    assert.ok(phish !== undefined, [...urls.keys()].join(', '));
    assert.deepEqual(phish.foundIn, ['html:href']);
    assertAnsweredAs(phish.prediction, plain, /^a Microsoft Safe Links link to /);
    const lme4 = urls.get('https://github.com/lme4/lme4/blob/master/inst/NEWS.Rd')?.prediction;
    assert.equal(lme4?.verdict, Verdict.VERDICT_BENIGN);
    assert.deepEqual(
      lme4?.reasons.map((r) => r.code),
      ['WRAPPED_LINK', 'ALLOW_LISTED'],
    );
    // No URL is answered as a gateway's.
    const answered = res.results[0]!.indicators.filter((i) => i.prediction!.type === IndicatorType.INDICATOR_TYPE_URL);
    assert.ok(!answered.some((i) => /^https:\/\/[^/]*(urldefense|safelinks)/.test(i.prediction!.indicator)));
    assert.ok(answered.length >= 2);
    // The domains reported are where the links go, not the gateways; one URL per wrapped link.
    const domains = res.results[0]!.indicators.filter((i) => i.prediction!.type === IndicatorType.INDICATOR_TYPE_DOMAIN)
      .map((i) => i.prediction!.indicator)
      .sort();
    assert.deepEqual(domains, ['example.edu', 'github.com', 'paypal-secure-login.example.xyz']);
    assert.equal(answered.length, 2, answered.map((i) => i.prediction!.indicator).join(', '));
  });
});
