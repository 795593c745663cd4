/**
 * Features email/5: the link facts (link-structure.ts), where a message's links go, from the body
 * alone (a service linking its own site sets none of them; a lure that names a brand and links a free
 * host, a bare IP or another domain does, and asking for a credential only counts beside such a link),
 * after email/3's row without shortener_urls.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isRiskyHost, linkStructure, namedBrands } from '../../../src/indicators/email/link-structure';
import {
  EMAIL_V3_FEATURE_NAMES,
  emailFeaturesV3,
  messageText,
} from '../../../src/indicators/email/message-features-v3';
import {
  EMAIL_V5_FEATURE_COUNT,
  EMAIL_V5_FEATURE_NAMES,
  emailFeaturesV5,
} from '../../../src/indicators/email/message-features-v5';
import { parseEmail } from '../../../src/indicators/email/parse-email';
import { parseTextModel } from '../../../src/indicators/email/text-hash';
import type { ParsedEmail } from '../../../src/indicators/email/types';

async function html(body: string, headers = ''): Promise<ParsedEmail> {
  const r = await parseEmail(Buffer.from(`${headers}Content-Type: text/html; charset=utf-8\r\n\r\n${body}`));
  assert.ok(r.ok);
  return r.value;
}

async function fixture(name: string): Promise<ParsedEmail> {
  const r = await parseEmail(readFileSync(join(__dirname, '../../fixtures/email', name)));
  assert.ok(r.ok);
  return r.value;
}

async function facts(body: string, headers = '') {
  const e = await html(body, headers);
  return linkStructure(e, messageText(e));
}

describe('link facts', () => {
  it('a service linking its own site (and its mail platform) sets none', async () => {
    const f = await facts(
      '<p>Reset your PayPal password</p><a href="https://www.paypal.com/reset">Reset</a>' +
        '<a href="https://u123.ct.sendgrid.net/ls/click?x=1">Help</a><a href="https://paypal.com/privacy">Privacy</a>',
    );
    assert.deepEqual(f, { linkSites: 1, brandNotLinked: false, riskyHostLinks: 0, credentialLure: false });
  });

  it('a brand named in the subject with links elsewhere, on a free host, asking to verify: all set', async () => {
    const f = await facts(
      '<p>Please verify your account within 24 hours.</p><a href="https://paypal-check.web.app/login">Verify</a>',
      'Subject: PayPal: action required\r\n',
    );
    assert.deepEqual(f, { linkSites: 1, brandNotLinked: true, riskyHostLinks: 1, credentialLure: true });
  });

  it('asking to verify without a link that does not belong is not a lure (every password reset asks)', async () => {
    const f = await facts('<p>Please verify your account.</p><a href="https://login.gov/verify">Verify</a>');
    assert.equal(f.credentialLure, false);
  });

  it('a brand in the body of a message linking many sites is reporting, not a claim', async () => {
    const links = ['a.com', 'b.org', 'c.net'].map((d) => `<a href="https://${d}/x">${d}</a>`).join('');
    assert.equal((await facts(`<p>Microsoft ships a patch.</p>${links}`)).brandNotLinked, false);
    assert.equal((await facts('<p>Microsoft ships a patch.</p><a href="https://a.com/x">x</a>')).brandNotLinked, true);
  });

  it('common-word brands and mailbox providers named in passing do not count', () => {
    assert.deepEqual([...namedBrands('Visit our office; add us to your Gmail contacts; PayPal')], ['paypal']);
  });

  it('risky hosts: IP literals, shared platforms, PSL private suffixes, dynamic DNS; not ordinary sites', () => {
    for (const h of ['203.0.113.9', 'evil.github.io', 'x.web.app', 'foo.duckdns.org', 'a.b.weebly.com']) {
      assert.equal(isRiskyHost(h, h.split('.').slice(-2).join('.')), true, h);
    }
    for (const [h, s] of [
      ['www.example.com', 'example.com'],
      ['secure.login.gov', 'login.gov'],
      ['maps.app.goo.gl', 'goo.gl'],
    ] as const) {
      assert.equal(isRiskyHost(h, s), false, h);
    }
  });

  it('style sheets and fonts are not links', async () => {
    const f = await facts(
      '<link href="https://fonts.googleapis.com/css?family=Ubuntu"><a href="https://shop.example.com/">x</a>',
    );
    assert.equal(f.linkSites, 1);
    assert.equal(f.riskyHostLinks, 0);
  });
});

describe('email/5 row', () => {
  it('is email/3 without shortener_urls, then the four link facts', () => {
    assert.deepEqual(EMAIL_V5_FEATURE_NAMES, [
      ...EMAIL_V3_FEATURE_NAMES.filter((n) => n !== 'shortener_urls'),
      'link_sites',
      'brand_not_linked',
      'risky_host_links',
      'credential_lure',
    ]);
  });

  for (const f of ['modern/personal.eml', 'html-phish.eml', 'modern/receipt.eml', 'alternative.eml']) {
    it(`${f}: email/3's numbers in its columns, the link facts after them`, async () => {
      const e = await fixture(f);
      const v3 = new Float32Array(EMAIL_V3_FEATURE_NAMES.length);
      emailFeaturesV3(e, v3, 0, null);
      const v5 = new Float32Array(EMAIL_V5_FEATURE_COUNT + 2).fill(7);
      emailFeaturesV5(e, v5, 1, null);
      assert.equal(v5[0], 7, 'nothing written before the offset');
      assert.equal(v5[EMAIL_V5_FEATURE_COUNT + 1], 7, 'nothing written after the row');
      EMAIL_V5_FEATURE_NAMES.forEach((n, j) => {
        const i = EMAIL_V3_FEATURE_NAMES.indexOf(n);
        if (i >= 0) assert.equal(v5[1 + j], v3[i], n);
      });
      const l = linkStructure(e, messageText(e));
      const at = (n: string) => v5[1 + EMAIL_V5_FEATURE_NAMES.indexOf(n)];
      assert.equal(at('link_sites'), Math.fround(Math.log1p(l.linkSites)));
      assert.equal(at('risky_host_links'), Math.fround(Math.log1p(l.riskyHostLinks)));
      assert.equal(at('brand_not_linked'), l.brandNotLinked ? 1 : 0);
    });
  }

  it('html-phish.eml ("account is limited", a link whose text lies) is a credential lure; the modern receipt is not', async () => {
    const phish = await fixture('html-phish.eml');
    const receipt = await fixture('modern/receipt.eml');
    const p = linkStructure(phish, messageText(phish));
    assert.equal(p.credentialLure, true);
    // It keeps one real paypal.com help link, as kits do: email/3's brand_shown_not_linked (top domain) is the
    // fact for that, not brand_not_linked (no link at all on the brand).
    assert.equal(p.brandNotLinked, false);
    const r = linkStructure(receipt, messageText(receipt));
    assert.deepEqual([r.brandNotLinked, r.riskyHostLinks, r.credentialLure], [false, 0, false]);
  });
});

describe('email/5 text_score', () => {
  it("is email/3's hashed text logit (the same tokens, the same model)", async () => {
    const weights = Float32Array.from({ length: 1 << 17 }, (_, i) => ((i % 7) - 3) / 4);
    const tm = parseTextModel({
      buckets: 1 << 17,
      bias: 0.25,
      weights_f32_b64: Buffer.from(weights.buffer).toString('base64'),
    });
    const p = await fixture('modern/personal.eml');
    const v3 = new Float32Array(EMAIL_V3_FEATURE_NAMES.length);
    emailFeaturesV3(p, v3, 0, tm);
    const v5 = new Float32Array(EMAIL_V5_FEATURE_COUNT);
    emailFeaturesV5(p, v5, 0, tm);
    const got = v5[EMAIL_V5_FEATURE_NAMES.indexOf('text_score')];
    assert.equal(got, v3[EMAIL_V3_FEATURE_NAMES.indexOf('text_score')]);
    assert.notEqual(got, Math.fround(0.25), 'the words moved it off the bias');
  });
});
