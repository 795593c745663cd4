/**
 * Issue 15, item 7: mail padded past the parser's limits (deep nesting, thousands of parts, a
 * megabyte of headers) returned INVALID_EMAIL_MESSAGE with no score, so an attacker could pad phishing
 * to pass. Now it is read from its start, scored, and the padding itself is a reason.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Verdict } from '../../src/gen/threatpredict/v1/prediction';
import type { PredictEmailsResponse } from '../../src/gen/threatpredict/v1/prediction_service';
import { call, startTestServer, type TestServer } from '../helpers/server';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

const HEAD =
  'From: PayPal <service@paypa1-secure-login.com>\r\nTo: bob@example.org\r\nSubject: verify your account\r\nMIME-Version: 1.0\r\n';
const LURE = 'Your account is limited. Sign in at https://paypa1-secure-login.com/webscr/signin to restore it.\r\n';

function nested(levels: number): Buffer {
  let body = `Content-Type: text/plain\r\n\r\n${LURE}`;
  for (let i = 0; i < levels; i++)
    body = `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n${body}\r\n--b${i}--\r\n`;
  return Buffer.from(HEAD + body);
}

function manyParts(n: number): Buffer {
  let s = `${HEAD}Content-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\n${LURE}`;
  for (let i = 0; i < n; i++)
    s += `--x\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="f${i}.bin"\r\n\r\nAAAA\r\n`;
  return Buffer.from(`${s}--x--\r\n`);
}

function bigHeaders(bytes: number): Buffer {
  const pad = `X-Pad: ${'a'.repeat(900)}\r\n`.repeat(Math.ceil(bytes / 909));
  return Buffer.from(`${HEAD}${pad}Content-Type: text/plain\r\n\r\n${LURE}`);
}

it('scores phishing padded past the parser limits, and says it was padded', async () => {
  const items = [
    { id: 'nested', value: nested(1000) },
    { id: 'parts', value: manyParts(10_000) },
    { id: 'headers', value: bigHeaders(1.2 * 1024 * 1024) },
  ];
  const res = await call<object, PredictEmailsResponse>((r, cb) => t.predictions.predictEmails(r as never, cb), {
    items,
    view: 0,
  });
  for (const r of res.results) {
    assert.equal(r.error, undefined, `${r.id}: ${r.error?.message}`);
    assert.equal(typeof r.score, 'number', `${r.id} is scored`);
    assert.ok(r.verdict === Verdict.VERDICT_SUSPICIOUS || r.verdict === Verdict.VERDICT_MALICIOUS, r.id);
    assert.ok(
      r.reasons.some((x) => x.code === 'PARSE_LIMIT_HIT'),
      `${r.id}: ${r.reasons.map((x) => x.code).join(',')}`,
    );
    assert.ok(
      r.indicators.some((i) => i.prediction?.indicator === 'paypa1-secure-login.com'),
      `${r.id}: the lure's domain is among the scored indicators`,
    );
    assert.ok(r.warnings.some((w) => /parser limit/.test(w)));
  }
});
