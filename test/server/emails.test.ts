/**
 * PredictEmails / StreamPredictEmails over gRPC against the real server: parsed messages, scored
 * embedded indicators, attachment facts, the message score, per-item errors (not an email, too
 * large), the compact view, and streams answered one response per request in order.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EmailPrediction } from '../../src/gen/threatpredict/v1/email';
import { IndicatorType, type Prediction, ResultView, Verdict } from '../../src/gen/threatpredict/v1/prediction';
import type {
  PredictEmailsRequest,
  PredictEmailsResponse,
  StreamPredictEmailsResponse,
} from '../../src/gen/threatpredict/v1/prediction_service';
import { decodeRawEmail } from '../../src/scoring/pipelines/email';
import { errorInfoOf } from '../../src/server/convert';
import { call, startTestServer, type TestServer } from '../helpers/server';

const FIXTURES = join(__dirname, '../fixtures/email');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(() => srv.close());

function predict(req: Partial<PredictEmailsRequest>): Promise<PredictEmailsResponse> {
  return call(srv.predictions.predictEmails.bind(srv.predictions), { items: [], view: 0, ...req });
}

/**
 * An embedded indicator carries exactly what its own RPC would answer: its model's score when that model
 * serves, MODEL_UNAVAILABLE when the repository has no ready version of it, INDICATOR_TYPE_UNSUPPORTED
 * when the build has no pipeline for its type (other models are trained and wired separately; this
 * test must not depend on which are present).
 */
function scoredByItsModel(p: Prediction, model: string): void {
  if (!srv.app.scorer.pipelines().some((x) => x.modelName === model)) {
    assert.equal(errorInfoOf(p.error!)?.reason, 'INDICATOR_TYPE_UNSUPPORTED');
  } else if (srv.app.repository.serving(model) !== undefined) {
    assert.equal(p.model?.name, model);
    assert.equal(typeof p.score, 'number');
    assert.notEqual(p.verdict, Verdict.VERDICT_UNSPECIFIED);
  } else {
    assert.equal(errorInfoOf(p.error!)?.reason, 'MODEL_UNAVAILABLE');
  }
}

const byValue = (r: EmailPrediction) =>
  new Map(r.indicators.map((i) => [`${i.prediction!.type}:${i.prediction!.indicator}`, i]));

describe('PredictEmails', () => {
  it('parses, scores the message and every embedded indicator, and reports attachments', async () => {
    const res = await predict({
      items: [
        { id: 'phish', value: fixture('html-phish.eml') },
        { id: 'att', value: fixture('attachments.eml') },
        { id: 'plain', value: fixture('alternative.eml') },
      ],
    });
    assert.deepEqual(
      res.results.map((r) => r.id),
      ['phish', 'att', 'plain'],
    );
    const [phish, att, plain] = res.results as [EmailPrediction, EmailPrediction, EmailPrediction];
    for (const r of res.results) {
      assert.equal(r.error, undefined);
      assert.deepEqual(r.model, { name: 'email', version: 5 });
      assert.ok(r.score! >= 0 && r.score! <= 1);
      assert.notEqual(r.verdict, Verdict.VERDICT_UNSPECIFIED);
      assert.equal(r.reasons[0]?.code, 'MODEL_SCORE');
    }
    assert.equal(phish.messages[0]!.subject, 'Account limited');
    assert.equal(phish.messages[0]!.from!.address, 'service@paypal-security.example.com');
    assert.match(phish.messages[0]!.htmlBody, /Your account is limited/);

    const ind = byValue(phish);
    const url = ind.get(`${IndicatorType.INDICATOR_TYPE_URL}:http://paypal.com.account-verify.example.net/login`);
    assert.ok(url, 'the link target is an indicator');
    assert.deepEqual(url.foundIn, ['html:href']);
    scoredByItsModel(url.prediction!, 'url');
    const form = ind.get(`${IndicatorType.INDICATOR_TYPE_URL}:https://harvest.example.net/submit`);
    assert.deepEqual(form?.foundIn, ['html:form-action']);
    const sender = ind.get(`${IndicatorType.INDICATOR_TYPE_EMAIL_ADDRESS}:service@paypal-security.example.com`);
    assert.deepEqual(sender?.foundIn, ['header:from']);
    scoredByItsModel(sender!.prediction!, 'domain');
    assert.ok(ind.has(`${IndicatorType.INDICATOR_TYPE_DOMAIN}:hidden.example.org`));
    assert.equal(phish.indicators.length, 15);

    const codes = phish.reasons.map((r) => r.code);
    for (const c of ['LINK_TEXT_MISMATCH', 'HIDDEN_TEXT', 'HTML_FORM', 'HTML_ONLY', 'DISPLAY_NAME_BRAND'])
      assert.ok(codes.includes(c), c);

    assert.deepEqual(
      att.attachments.map((a) => [a.filename, a.executable, a.macroEnabled, a.archive, a.doubleExtension, a.html]),
      [
        ['payload.zip', false, false, true, false, false],
        ['report.docm', false, true, false, false, false],
        ['invoice.pdf.exe', true, false, false, true, false],
        ['login.html', false, false, false, false, true],
      ],
    );
    assert.ok(att.reasons.some((r) => r.code === 'RISKY_ATTACHMENT'));
    assert.ok(phish.score! > plain.score!, `phish ${phish.score} > plain ${plain.score}`);
  });

  it('answers wallets without a score and cites authentication failures', async () => {
    const res = await predict({ items: [{ id: 'w', value: fixture('single-part.eml') }] });
    const r = res.results[0]!;
    const wallets = r.indicators.filter((i) => i.prediction!.type === IndicatorType.INDICATOR_TYPE_CRYPTO_WALLET);
    assert.deepEqual(
      wallets.map((w) => [
        w.prediction!.indicator,
        w.prediction!.score,
        w.prediction!.reasons[0]?.code,
        w.prediction!.error,
      ]),
      [
        ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', undefined, 'CRYPTO_WALLET', undefined],
        ['bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', undefined, 'CRYPTO_WALLET', undefined],
      ],
    );
    const auth = r.reasons.find((x) => x.code === 'AUTHENTICATION_FAILED');
    assert.equal(auth?.message, 'the receiving server recorded dkim=fail, dmarc=fail');
    assert.ok(r.reasons.some((x) => x.code === 'REPLY_TO_MISMATCH'));
  });

  it('gives per-item errors for bytes that are not a message, and scores the others', async () => {
    const res = await predict({
      items: [
        { id: 'empty', value: Buffer.alloc(0) },
        { id: 'ok', value: fixture('alternative.eml') },
      ],
    });
    const [empty, ok] = res.results as [EmailPrediction, EmailPrediction];
    assert.equal(errorInfoOf(empty.error!)?.reason, 'INVALID_EMAIL_MESSAGE');
    assert.equal(empty.score, undefined);
    assert.equal(empty.verdict, Verdict.VERDICT_UNSPECIFIED);
    assert.equal(ok.error, undefined);
    assert.equal(typeof ok.score, 'number');
  });

  for (const version of [2, 1]) {
    it(`reproduces the golden scores of models/email/${version} through the RPC, pinned (v1 with its own features)`, async () => {
      const golden = JSON.parse(readFileSync(join(__dirname, `../../models/email/${version}/golden.json`), 'utf8')) as {
        rows: { indicator: string; probability: number }[];
      };
      const rows = golden.rows.slice(0, 12);
      await srv.app.repository.reload(new Map([['email', version]]));
      try {
        const res = await predict({
          items: rows.map((r, i) => ({ id: String(i), value: decodeRawEmail(r.indicator)! })),
        });
        res.results.forEach((r, i) => {
          assert.equal(r.error, undefined);
          assert.deepEqual(r.model, { name: 'email', version });
          assert.ok(
            Math.abs(r.score! - rows[i]!.probability) < 1e-5,
            `row ${i}: ${r.score} vs ${rows[i]!.probability}`,
          );
        });
      } finally {
        await srv.app.repository.reload(new Map([['email', 0]]));
      }
    });
  }

  it('drops bodies and reasons in the compact view', async () => {
    const res = await predict({
      items: [{ id: 'c', value: fixture('html-phish.eml') }],
      view: ResultView.RESULT_VIEW_COMPACT,
    });
    const r = res.results[0]!;
    assert.equal(r.messages[0]!.htmlBody, '');
    assert.equal(r.messages[0]!.subject, 'Account limited');
    assert.deepEqual(r.reasons, []);
    assert.equal(typeof r.score, 'number');
    assert.equal(r.indicators[0]!.prediction!.reasons.length, 0);
  });

  it('never logs message content', () => {
    const text = JSON.stringify(srv.logs);
    assert.ok(
      !text.includes('Account limited') && !text.includes('paypal-security'),
      'no subject or address in the logs',
    );
  });
});

describe('PredictEmails size limit', () => {
  let small: TestServer;
  before(async () => {
    small = await startTestServer(['--max-email-bytes', '2048']);
  });
  after(() => small.close());

  it('refuses a message over --max-email-bytes as a per-item error', async () => {
    const big = fixture('html-phish.eml');
    assert.ok(big.length > 0);
    const huge = Buffer.concat([fixture('alternative.eml'), Buffer.alloc(4096, 0x61)]);
    const res: PredictEmailsResponse = await call(small.predictions.predictEmails.bind(small.predictions), {
      items: [
        { id: 'huge', value: huge },
        { id: 'fits', value: fixture('html-phish.eml') },
      ],
      view: 0,
    });
    const [h, f] = res.results as [EmailPrediction, EmailPrediction];
    const info = errorInfoOf(h.error!);
    assert.equal(info?.reason, 'EMAIL_TOO_LARGE');
    assert.deepEqual(info?.metadata, { size: String(huge.length), max: '2048' });
    assert.equal(f.error, undefined);
    assert.equal(typeof f.score, 'number');
  });
});

describe('StreamPredictEmails', () => {
  it('answers several batches one response each, in order', async () => {
    const stream = srv.predictions.streamPredictEmails();
    const got: StreamPredictEmailsResponse[] = [];
    const done = new Promise<void>((resolve, reject) => {
      stream.on('data', (r: StreamPredictEmailsResponse) => got.push(r));
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    const names = ['html-phish.eml', 'alternative.eml', 'attachments.eml', 'nested.eml', 'damaged.eml'];
    for (let b = 0; b < 5; b++) {
      stream.write({
        items: names.slice(0, b + 1).map((n, i) => ({ id: `${b}-${i}`, value: fixture(n) })),
        view: ResultView.RESULT_VIEW_COMPACT,
      });
    }
    stream.end();
    await done;
    assert.deepEqual(
      got.map((r) => r.results.map((x) => x.id)),
      [0, 1, 2, 3, 4].map((b) => names.slice(0, b + 1).map((_, i) => `${b}-${i}`)),
    );
    for (const r of got.flatMap((g) => g.results)) assert.equal(typeof r.score, 'number');
  });
});
