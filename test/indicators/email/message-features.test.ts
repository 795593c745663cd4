/**
 * The message model's inputs: the signals read off each fixture, brand imitation by host, the
 * corpus markers kept out of the word hash, and the feature row layout.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  EMAIL_FEATURE_COUNT,
  EMAIL_FEATURE_NAMES,
  emailFeatures,
  htmlText,
  TOKEN_BUCKETS,
  TOKEN_OFFSET,
} from '../../../src/indicators/email/message-features';
import { imitatedBrand, messageSignals } from '../../../src/indicators/email/message-signals';
import { parseEmail } from '../../../src/indicators/email/parse-email';
import type { ParsedEmail } from '../../../src/indicators/email/types';

async function parse(raw: Buffer | string): Promise<ParsedEmail> {
  const r = await parseEmail(Buffer.isBuffer(raw) ? raw : Buffer.from(raw));
  assert.ok(r.ok);
  return r.value;
}
const fixture = (name: string) => parse(readFileSync(join(__dirname, '../../fixtures/email', name)));

describe('messageSignals', () => {
  it('reads the sender, link and attachment facts of each fixture', async () => {
    const cases: [string, Record<string, unknown>][] = [
      [
        'html-phish.eml',
        {
          fromDomain: 'example.com',
          nameBrand: 'paypal',
          fromLookalikeBrand: 'paypal',
          replyToMismatch: false,
          bodyUrls: 6,
          lookalikeDomains: ['paypal.com.account-verify.example.net'],
          linkMismatches: 1,
          hiddenChars: 54,
          forms: 1,
          attachments: 0,
        },
      ],
      [
        'single-part.eml',
        {
          fromDomain: 'example.net',
          replyToMismatch: true,
          ipUrls: 2,
          wallets: 2,
          bodyAddresses: 1,
          returnPathMismatch: false,
        },
      ],
      [
        'attachments.eml',
        {
          attachments: 4,
          executable: 1,
          macro: 1,
          archive: 1,
          archiveExecutable: 1,
          doubleExtension: 1,
          htmlAttachment: 1,
        },
      ],
      ['nested.eml', { embeddedMessages: 2, fromDomain: 'example.org' }],
    ];
    for (const [name, expected] of cases) {
      const s = messageSignals(await fixture(name)) as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(expected)) assert.deepEqual(s[k], v, `${name} ${k}`);
    }
  });

  it('tells display-name spoofing and free mailboxes apart from plain senders', async () => {
    const table: [string, Partial<Record<string, unknown>>][] = [
      ['"support@bank.example" <x@mailer.example.org>', { nameHasAddress: true, nameDomainMismatch: true }],
      ['"Bank Support" <x@gmail.com>', { nameHasAddress: false, nameDomainMismatch: false, fromFreemail: true }],
      ['"Amazon" <no-reply@amazon.com>', { nameBrand: undefined, fromLookalikeBrand: undefined }],
      ['"Amazon" <no-reply@amaz0n-orders.example>', { nameBrand: 'amazon' }],
      ['"Netflix" <billing@netfl1x.com>', { fromLookalikeBrand: 'netflix' }],
    ];
    for (const [from, expected] of table) {
      const s = messageSignals(await parse(`From: ${from}\r\nSubject: hi\r\n\r\nhello\r\n`)) as unknown as Record<
        string,
        unknown
      >;
      for (const [k, v] of Object.entries(expected)) assert.deepEqual(s[k], v, `${from} ${k}`);
    }
  });
});

describe('imitatedBrand', () => {
  const table: [string, string | undefined][] = [
    ['paypal.com', undefined],
    ['www.paypal.com', undefined],
    ['paypa1.com', 'paypal'],
    ['paypal.com.account-verify.example.net', 'paypal'],
    ['secure-paypal-login.example', 'paypal'],
    ['groups.googlegroups.com', undefined],
    // Off the allow-list (anyone can publish there), so it counts as naming the brand, as it would for a stranger.
    ['lh3.googleusercontent.com', 'google'],
    ['example.org', undefined],
  ];
  for (const [host, brand] of table) it(`${host} -> ${brand}`, () => assert.equal(imitatedBrand(host), brand));
});

describe('emailFeatures', () => {
  it('has one name per column and writes only its own row', async () => {
    assert.equal(EMAIL_FEATURE_NAMES.length, EMAIL_FEATURE_COUNT);
    assert.equal(EMAIL_FEATURE_COUNT, TOKEN_OFFSET + TOKEN_BUCKETS);
    assert.ok(!EMAIL_FEATURE_NAMES.some((n) => /received|auth|date|dkim|spf/.test(n)), 'no receiving-side feature');
    const out = new Float32Array(EMAIL_FEATURE_COUNT * 3).fill(7);
    emailFeatures(await fixture('html-phish.eml'), out, EMAIL_FEATURE_COUNT);
    assert.ok(out.subarray(0, EMAIL_FEATURE_COUNT).every((v) => v === 7));
    assert.ok(out.subarray(2 * EMAIL_FEATURE_COUNT).every((v) => v === 7));
    const row = out.subarray(EMAIL_FEATURE_COUNT, 2 * EMAIL_FEATURE_COUNT);
    const f = (n: string) => row[EMAIL_FEATURE_NAMES.indexOf(n)];
    assert.equal(f('html_only'), 1);
    assert.equal(f('forms'), 1);
    assert.equal(f('link_mismatches'), 1);
    assert.equal(f('from_lookalike_brand'), 1);
    assert.equal(f('lookalike_domains'), 1);
  });

  it('hashes no corpus marker or number: the anonymised recipient and years leave the word buckets empty', async () => {
    const row = new Float32Array(EMAIL_FEATURE_COUNT);
    emailFeatures(await parse('From: a@b.example\r\n\r\nphishing@pot 2023 zzzz taint spamassassin\r\n'), row, 0);
    assert.ok(row.subarray(TOKEN_OFFSET).every((v) => v === 0));
    emailFeatures(await parse('From: a@b.example\r\n\r\nverify your account\r\n'), row, 0);
    assert.equal(row.subarray(TOKEN_OFFSET).filter((v) => v > 0).length, 3);
  });

  it('reads the text of HTML without styles, scripts or tags', () => {
    assert.equal(
      htmlText('<html><head><title>T</title></head><style>a{}</style><p>Hello&nbsp;<b>you</b></p><script>x()</script>')
        .replace(/\s+/g, ' ')
        .trim(),
      'Hello you',
    );
  });
});
