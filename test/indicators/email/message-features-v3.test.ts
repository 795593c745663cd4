/**
 * Features email/3: the hashed text vector the text model reads (tokens, pairs, normalisation, the
 * logit's summation order), the two body link facts, and the row layout (email/2's own numbers, the
 * same as email/2 computes them).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  EMAIL_V2_FEATURE_COUNT,
  EMAIL_V2_FEATURE_NAMES,
  emailFeaturesV2,
} from '../../../src/indicators/email/message-features-v2';
import {
  brandShownNotLinked,
  EMAIL_V3_FEATURE_COUNT,
  EMAIL_V3_FEATURE_NAMES,
  emailFeaturesV3,
  messageTextVector,
  nonTextAttachments,
  quotedLines,
  topDomainShare,
} from '../../../src/indicators/email/message-features-v3';
import { parseEmail } from '../../../src/indicators/email/parse-email';
import { hashText, parseTextModel, TEXT_BUCKETS, textLogit, textTokens } from '../../../src/indicators/email/text-hash';
import type { ParsedEmail } from '../../../src/indicators/email/types';

async function parse(raw: Buffer | string): Promise<ParsedEmail> {
  const r = await parseEmail(Buffer.isBuffer(raw) ? raw : Buffer.from(raw));
  assert.ok(r.ok);
  return r.value;
}
const fixture = (name: string) => parse(readFileSync(join(__dirname, '../../fixtures/email', name)));

describe('textTokens and hashText', () => {
  it('keeps words of 3-24 letters, drops URLs, addresses, numbers and function words', () => {
    assert.deepEqual(
      textTokens('Verify YOUR account at https://paypal.example.net/login now: 482913 or mail bob@example.org'),
      ['verify', 'account', 'now', 'mail'],
    );
  });

  it('counts words and neighbouring pairs into sorted buckets of unit length', () => {
    const v = hashText('reset password reset password');
    // words reset, password and the pairs "reset password", "password reset": 4 distinct keys
    assert.equal(v.indices.length, 4);
    for (let i = 1; i < v.indices.length; i++) assert.ok(v.indices[i]! > v.indices[i - 1]!);
    for (const b of v.indices) assert.ok(b < TEXT_BUCKETS);
    const len = Math.sqrt(Array.from(v.values).reduce((s, x) => s + x * x, 0));
    assert.ok(Math.abs(len - 1) < 1e-6, `length ${len}`);
    assert.deepEqual(hashText('').indices.length, 0);
  });

  it('gives the logit as the bucket-order sum plus the bias, from the base64 asset', () => {
    const weights = new Float32Array(8);
    weights.set([0.5, -1.25, 0, 2, 0, 0, 0, 3]);
    const model = parseTextModel({
      buckets: 8,
      bias: -0.75,
      weights_f32_b64: Buffer.from(weights.buffer).toString('base64'),
    });
    const v = { indices: Uint32Array.from([1, 3, 7]), values: Float32Array.from([0.5, 0.25, 1]) };
    assert.equal(textLogit(model, v), -1.25 * 0.5 + 2 * 0.25 + 3 * 1 - 0.75);
    assert.throws(() => parseTextModel({ buckets: 9, bias: 0, weights_f32_b64: '' }), /0 weights for 9 buckets/);
    assert.throws(() => parseTextModel(undefined), /needs buckets/);
  });
});

describe('body link facts', () => {
  it('topDomainShare: the share of links on their most common registrable domain', () => {
    assert.equal(topDomainShare([]), 0);
    assert.equal(topDomainShare(['a.com', 'a.com', 'a.com', 'b.net']), 0.75);
  });

  it('brandShownNotLinked: a named brand whose domain is not where most links go', () => {
    assert.equal(brandShownNotLinked('Your PayPal account is limited', ['verify-now.example.net']), true);
    assert.equal(
      brandShownNotLinked('Your PayPal account', ['verify-now.example.net', 'verify-now.example.net', 'paypal.com']),
      true,
    );
    assert.equal(brandShownNotLinked('Your PayPal receipt', ['paypal.com', 'paypal.com', 'example.org']), false);
    assert.equal(brandShownNotLinked('PayPal mentioned, no link at all', []), false);
  });
});

describe('nonTextAttachments', () => {
  it('counts a PDF or an HTML file, not a patch sent as text', async () => {
    const raw = [
      'From: dev@example.org',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'Patch attached.',
      '--b',
      'Content-Type: text/x-patch; name="0001-fix.patch"',
      'Content-Disposition: attachment; filename="0001-fix.patch"',
      '',
      'diff --git a/x b/x',
      '--b',
      'Content-Type: application/pdf; name="invoice.pdf"',
      'Content-Disposition: attachment; filename="invoice.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      'JVBERi0xLjQKJcfsj6IK',
      '--b',
      'Content-Type: text/html; name="login.html"',
      'Content-Disposition: attachment; filename="login.html"',
      '',
      '<form action="https://x.example.net"><input type=password></form>',
      '--b--',
      '',
    ].join('\r\n');
    const e = await parse(raw);
    assert.equal(e.attachments.length, 3);
    assert.equal(nonTextAttachments(e), 2);
  });
});

describe('quotedLines', () => {
  it('counts quoted lines of a reply, and blockquotes only in an HTML-only body', async () => {
    const personal = await fixture('modern/personal.eml');
    assert.equal(quotedLines(personal, 'Hi\n> earlier\n>\n  > more\nbye'), 3);
    const html = await parse(
      'From: a@example.org\r\nContent-Type: text/html\r\n\r\n<p>ok</p><blockquote>old</blockquote><blockquote>x</blockquote>',
    );
    assert.equal(quotedLines(html, 'ok old x'), 2);
    const plain = await parse('From: a@example.org\r\n\r\nno quotes here\r\n');
    assert.equal(quotedLines(plain, 'no quotes here'), 0);
  });
});

describe('emailFeaturesV3', () => {
  it('compares no display name with a From address that is not there (an archive that obfuscated it)', async () => {
    const e = await parse(
      'From: jane at gmail.com (Jane u@er@gmail.com)\r\nSubject: lme4 question\r\n\r\nDear all, a question.\r\n',
    );
    const v2 = new Float32Array(EMAIL_V2_FEATURE_COUNT);
    emailFeaturesV2(e, v2, 0);
    const v3 = new Float32Array(EMAIL_V3_FEATURE_COUNT);
    emailFeaturesV3(e, v3, 0, null);
    const facts = ['from_name_has_address', 'from_name_domain_mismatch', 'from_name_brand'];
    assert.ok(
      facts.some((n) => v2[EMAIL_V2_FEATURE_NAMES.indexOf(n)] === 1),
      'email/2 sets them',
    );
    for (const n of facts) assert.equal(v3[EMAIL_V3_FEATURE_NAMES.indexOf(n)], 0, n);
  });

  it('writes email/2 own numbers unchanged, the link facts and the text logit', async () => {
    const e = await fixture('html-phish.eml');
    assert.equal(EMAIL_V3_FEATURE_NAMES.length, EMAIL_V3_FEATURE_COUNT);
    assert.equal(new Set(EMAIL_V3_FEATURE_NAMES).size, EMAIL_V3_FEATURE_COUNT);
    const v2 = new Float32Array(EMAIL_V2_FEATURE_COUNT);
    emailFeaturesV2(e, v2, 0);
    const own = EMAIL_V2_FEATURE_NAMES.filter((n) => !n.startsWith('tok_')).length;
    const out = new Float32Array(EMAIL_V3_FEATURE_COUNT + 2).fill(7);
    emailFeaturesV3(e, out, 1, null);
    assert.deepEqual(Array.from(out.subarray(1, 1 + own)), Array.from(v2.subarray(0, own)));
    assert.equal(out[0], 7);
    assert.equal(out[EMAIL_V3_FEATURE_COUNT + 1], 7);
    const col = (n: string) => out[1 + EMAIL_V3_FEATURE_NAMES.indexOf(n)];
    assert.equal(col('brand_shown_not_linked'), 1);
    assert.equal(col('text_score'), 0, 'no text model: 0, as the training export writes it');
    const weights = new Float32Array(TEXT_BUCKETS).fill(0.5);
    const model = { buckets: TEXT_BUCKETS, bias: 1, weights };
    emailFeaturesV3(e, out, 1, model);
    assert.equal(col('text_score'), Math.fround(textLogit(model, messageTextVector(e))));
    assert.ok((col('text_score') as number) > 1);
  });
});
