/**
 * Features email/7's `lookalike_domains` (lookalike-links.ts): a brand's own hosts (Google's fonts,
 * storage and image hosts) and a brand in a subdomain of the message's own site (Open Collective's
 * `discord.opencollective.com`) are not look-alikes, while a link to `paypal-secure-login.com`,
 * `g00gle.com` or a kit's `amazon.<someone else's domain>` still is; email/3 keeps its rule (its
 * models learned it), and every other email/3 column is the same in email/7.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imitatedBrandV7, ownDomains } from '../../../src/indicators/email/lookalike-links';
import {
  EMAIL_V3_FEATURE_COUNT,
  EMAIL_V3_FEATURE_NAMES,
  emailFeaturesV3,
} from '../../../src/indicators/email/message-features-v3';
import {
  EMAIL_V7_FEATURE_COUNT,
  EMAIL_V7_FEATURE_NAMES,
  emailFeaturesV7,
  lookalikeHosts,
} from '../../../src/indicators/email/message-features-v7';
import { parseEmail } from '../../../src/indicators/email/parse-email';
import type { ParsedEmail } from '../../../src/indicators/email/types';
import { emailPipeline } from '../../../src/scoring/pipelines/email';

async function parse(lines: string[]): Promise<ParsedEmail> {
  const r = await parseEmail(Buffer.from(lines.join('\r\n')));
  assert.ok(r.ok);
  return r.value;
}

function rows(email: ParsedEmail): { v3: Float32Array; v7: Float32Array } {
  const v3 = new Float32Array(EMAIL_V3_FEATURE_COUNT);
  emailFeaturesV3(email, v3, 0, null);
  const v7 = new Float32Array(EMAIL_V7_FEATURE_COUNT);
  emailFeaturesV7(email, v7, 0, null);
  return { v3, v7 };
}
const LOOKALIKE_3 = EMAIL_V3_FEATURE_NAMES.indexOf('lookalike_domains');
const LOOKALIKE_7 = EMAIL_V7_FEATURE_NAMES.indexOf('lookalike_domains');

function html(from: string | undefined, body: string): string[] {
  return [
    ...(from === undefined ? [] : [`From: ${from}`]),
    'To: someone@example.org',
    'Subject: Update',
    'Content-Type: text/html; charset=utf-8',
    '',
    body,
  ];
}

/** Open Collective's mail as its templates render it: its own site throughout, its Discord at a subdomain. */
const OPEN_COLLECTIVE = [
  '<html><body><p>Hi Anna, your contribution to Babel was processed.</p>',
  '<a href="https://opencollective.com/babel">View the collective</a>',
  '<a href="https://opencollective.com/babel/transactions">Your transactions</a>',
  '<a href="https://discord.opencollective.com">Join us on Discord</a>',
  '<a href="https://opencollective.com/help">Help</a></body></html>',
].join('\n');

/** Saleor's order mail: its own shop, Google Fonts in the head, an image from Google's image host. */
const SALEOR = [
  '<html><head><link href="https://fonts.googleapis.com/css?family=Inter" rel="stylesheet"></head><body>',
  '<img src="https://lh3.googleusercontent.com/a/logo.png">',
  '<p>Thank you for your order #1234.</p>',
  '<a href="https://demo.saleor.io/orders/1234">See your order</a>',
  '<a href="https://storage.googleapis.com/saleor-media/invoice.pdf">Invoice</a>',
  '<a href="https://demo.saleor.io/account">Account</a></body></html>',
].join('\n');

describe('email/7 lookalike_domains', () => {
  it("does not count a brand in a subdomain of the message's own site (Open Collective), with or without a From", async () => {
    for (const from of ['Open Collective <no-reply@opencollective.com>', undefined]) {
      const email = await parse(html(from, OPEN_COLLECTIVE));
      const { v3, v7 } = rows(email);
      assert.equal(v3[LOOKALIKE_3], 1, 'email/3 counted discord.opencollective.com');
      assert.equal(v7[LOOKALIKE_7], 0, String(from));
      assert.deepEqual(lookalikeHosts(email), []);
    }
  });

  it("does not count Google's own hosts (fonts.googleapis.com, storage.googleapis.com, googleusercontent.com)", async () => {
    const email = await parse(html('Saleor <noreply@saleor.io>', SALEOR));
    const { v3, v7 } = rows(email);
    assert.equal(v3[LOOKALIKE_3], 3, 'email/3 counted the three Google hosts');
    assert.equal(v7[LOOKALIKE_7], 0);
  });

  it('still counts look-alike links: paypal-secure-login.com and g00gle.com', async () => {
    const email = await parse(
      html(
        '"PayPal" <service@notice-mail.net>',
        [
          '<p>Your account is limited.</p>',
          '<a href="https://paypal-secure-login.com/verify?id=1">Verify now</a>',
          '<a href="https://www.g00gle.com/account">Google account</a>',
          '<img src="https://fonts.googleapis.com/logo.png">',
        ].join('\n'),
      ),
    );
    const { v7 } = rows(email);
    assert.equal(v7[LOOKALIKE_7], 2);
    assert.deepEqual(lookalikeHosts(email), ['paypal-secure-login.com', 'www.g00gle.com']);
  });

  it("counts a brand in the subdomain of a kit's own domain when every link goes there (no other host of it)", async () => {
    const email = await parse(
      html(
        'Amazon <account@mailer.net>',
        '<a href="https://amazon.superkoran.info/signin">Sign in</a> <a href="https://amazon.superkoran.info/help">Help</a>',
      ),
    );
    assert.deepEqual(lookalikeHosts(email), ['amazon.superkoran.info']);
    // The same host in mail from superkoran.info itself is that site's own subdomain.
    const own = await parse(
      html('News <news@superkoran.info>', '<a href="https://amazon.superkoran.info/signin">Sign in</a>'),
    );
    assert.deepEqual(lookalikeHosts(own), []);
  });

  it("the newest pipeline (email/7) cites the hosts it counted in LOOKALIKE_LINK, not Google's own", async () => {
    const lookalikeReason = (e: ParsedEmail) =>
      emailPipeline.explain(e, new Float32Array(0), 1, {} as never).find((r) => r.code === 'LOOKALIKE_LINK');
    assert.equal(emailPipeline.featuresVersion, 'email/7');
    assert.equal(lookalikeReason(await parse(html('Saleor <noreply@saleor.io>', SALEOR))), undefined);
    const kit = await parse(html('x <x@mailer.net>', '<a href="https://paypal-secure-login.com/verify">Verify</a>'));
    assert.match(lookalikeReason(kit)?.message ?? '', /paypal-secure-login\.com/);
  });

  it('keeps every other email/3 column as email/3 writes it', async () => {
    for (const body of [OPEN_COLLECTIVE, SALEOR]) {
      const { v3, v7 } = rows(await parse(html('X <x@example.com>', body)));
      for (const [i, name] of EMAIL_V3_FEATURE_NAMES.entries()) {
        if (i !== LOOKALIKE_3) assert.equal(v7[i], v3[i], name);
      }
    }
  });
});

describe('imitatedBrandV7 (hosts, no own domains unless named)', () => {
  const none = new Set<string>();
  const cases: [string, string | undefined][] = [
    ['fonts.googleapis.com', undefined],
    ['firebasestorage.googleapis.com', undefined],
    ['lh3.googleusercontent.com', undefined],
    ['login.microsoftonline.com', undefined],
    ['paypal-secure-login.com', 'paypal'],
    ['g00gle.com', 'google'],
    ['paypa1.com', 'paypal'],
    ['rnicrosoft.com', 'microsoft'],
    ['paypal.com.verify.example.net', 'paypal'],
    ['coinbase-cola.com', 'coinbase'],
    // A customer's own label on a platform is judged as the domain model judges it.
    ['paypal-login.web.app', 'paypal'],
    ['microsoft-update.github.io', 'microsoft'],
    // The domain model's precision rules: dictionary words, ordinary-word brands as subdomain tokens.
    ['metamusk.com', undefined],
    ['office.example.com', undefined],
    ['discord.example.com', undefined],
  ];
  for (const [host, brand] of cases) {
    it(`${host} -> ${brand}`, () => assert.equal(imitatedBrandV7(host, none), brand));
  }

  it('a brand in a subdomain of an own domain does not count, a look-alike registrable label still does', () => {
    const own = new Set(['opencollective.com', 'paypal-secure-login.com']);
    assert.equal(imitatedBrandV7('paypal.opencollective.com', none), 'paypal');
    assert.equal(imitatedBrandV7('paypal.opencollective.com', own), undefined);
    assert.equal(imitatedBrandV7('www.paypal-secure-login.com', own), 'paypal');
  });

  it("own domains: the sender's and the most-linked one reached at a host that names no brand", async () => {
    const oc = await parse(html(undefined, OPEN_COLLECTIVE));
    assert.deepEqual([...ownDomains(oc, '')], ['opencollective.com']);
    const kit = await parse(html(undefined, '<a href="https://paypal.evil-host.net/x">x</a>'));
    assert.deepEqual([...ownDomains(kit, 'sender.net')], ['sender.net']);
  });
});
