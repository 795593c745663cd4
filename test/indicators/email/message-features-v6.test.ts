/**
 * Features email/6's correction of `brand_shown_not_linked`: an email address (the addressee a
 * footer prints, a reply-to line) is not a brand shown, while a brand the words name still is; and
 * email/3 keeps its fact as its models learned it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  EMAIL_V3_FEATURE_COUNT,
  EMAIL_V3_FEATURE_NAMES,
  emailFeaturesV3,
} from '../../../src/indicators/email/message-features-v3';
import {
  EMAIL_V6_FEATURE_COUNT,
  EMAIL_V6_FEATURE_NAMES,
  emailFeaturesV6,
  withoutAddresses,
  withoutArchivedAddresses,
} from '../../../src/indicators/email/message-features-v6';
import { parseEmail } from '../../../src/indicators/email/parse-email';
import type { ParsedEmail } from '../../../src/indicators/email/types';

async function parse(raw: Buffer | string): Promise<ParsedEmail> {
  const r = await parseEmail(Buffer.isBuffer(raw) ? raw : Buffer.from(raw));
  assert.ok(r.ok);
  return r.value;
}
const fixture = (name: string) => parse(readFileSync(join(__dirname, '../../fixtures/email', name)));

function brandFact(email: ParsedEmail, version: 3 | 6): number | undefined {
  if (version === 3) {
    const out = new Float32Array(EMAIL_V3_FEATURE_COUNT);
    emailFeaturesV3(email, out, 0, null);
    return out[EMAIL_V3_FEATURE_NAMES.indexOf('brand_shown_not_linked')];
  }
  const out = new Float32Array(EMAIL_V6_FEATURE_COUNT);
  emailFeaturesV6(email, out, 0, null);
  return out[EMAIL_V6_FEATURE_NAMES.indexOf('brand_shown_not_linked')];
}

/** A newsletter's confirmation as Ghost writes it: one site linked throughout, the addressee in the footer. */
const GHOST_LIKE = [
  'From: "Solace Post" <noreply@solace-post.com>',
  'To: anna.berg@outlook.com',
  'Subject: Confirm your subscription to Solace Post',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<p>Hey there,</p><p>Tap the button below to confirm your subscription to Solace Post.</p>',
  '<p><a href="https://solace-post.com/members/?token=abc&action=signup">Confirm subscription</a></p>',
  '<p>For your security, the link will expire in 24 hours.</p>',
  '<p>Sent to anna.berg@outlook.com. Questions? Reply to <a href="https://solace-post.com/contact">us</a>.</p>',
  '',
].join('\r\n');

/** A lure naming the brand it imitates in its words, sent to a mailbox at that brand, linking elsewhere. */
const OUTLOOK_LURE = [
  'From: "Mail Admin" <admin@mailbox-service.example>',
  'To: anna.berg@outlook.com',
  'Subject: Action required: mailbox storage full',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<p>Dear anna.berg@outlook.com,</p><p>Your Outlook mailbox is full and incoming mail is on hold.</p>',
  '<p><a href="https://storage-verify.example.net/owa/login">Restore your mailbox</a></p>',
  '',
].join('\r\n');

describe('withoutAddresses', () => {
  const cases: [string, string][] = [
    ['Sent to anna.berg@outlook.com', 'Sent to  '],
    ['Sent to anna.berg@outlook.com.', 'Sent to  .'],
    ['reply to support@mail.paypal.co.uk or call', 'reply to   or call'],
    ['two: a@icloud.com, b@gmail.com!', 'two:  ,  !'],
    ['no address: twitter @apple or user@localhost', 'no address: twitter @apple or user@localhost'],
    ['Your Outlook mailbox', 'Your Outlook mailbox'],
    ['ünïcode.näme@müller.de ok', '  ok'],
  ];
  for (const [text, want] of cases) it(JSON.stringify(text), () => assert.equal(withoutAddresses(text), want));

  it('is linear in a long run without an address', () => {
    const long = `${'a'.repeat(200_000)}@`;
    const t0 = performance.now();
    assert.equal(withoutAddresses(long), long);
    assert.ok(performance.now() - t0 < 1000);
  });
});

/** An R-list post as the archive stores it: addresses as `user at gmail.com`, links to CRAN only. */
const R_ARCHIVE_POST = [
  'From: bbolker at gmail.com (Ben Bolker)',
  'To: r-help@r-project.org',
  'Subject: Re: [R] lme4 convergence warning',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'On 2019-03-01 Duncan Murdoch <murdoch.duncan at gmail.com> wrote:',
  '> See https://cran.r-project.org/package=lme4 for the vignette.',
  '',
  'Try a different optimizer (see ?lmerControl).',
  '',
  'From: bbolker at gmail.com (Ben Bolker)',
  'Email: pd.mes at cbs.dk  Priv: PDalgd at gmail.com',
  'R-help at r-project.org mailing list -- To UNSUBSCRIBE see https://stat.ethz.ch/mailman/listinfo/r-help',
  '',
].join('\r\n');

/** A lure that names the site it imitates in "at domain" words, and links elsewhere. */
const AT_SITE_LURE = [
  'From: "Security" <alert@notice-center.example>',
  'To: someone@example.org',
  'Subject: Unusual sign-in',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'We noticed an unusual sign in at paypal.com. Please confirm your identity:',
  'https://confirm-identity.example.net/verify',
  '',
].join('\r\n');

describe('withoutArchivedAddresses (list archives write user at domain.tld)', () => {
  const cases: [string, string][] = [
    ['From: murdoch.duncan at gmail.com (Duncan Murdoch)', 'From:   (Duncan Murdoch)'],
    ['From: bbolker at gmail.com (Ben Bolker)', 'From:   (Ben Bolker)'],
    ['Ben Bolker <bbolker at gmail.com> wrote:', 'Ben Bolker < > wrote:'],
    ['<mailto:juho.ruohonen at gmail.com>', '<mailto: >'],
    ['mailto: erinm.hodgess at gmail.com', 'mailto:  '],
    ['Email: pd.mes at cbs.dk  Priv: PDalgd at gmail.com', 'Email:    Priv:  '],
    ['mspinola10 at gmail.com', ' '],
    ['R-help at r-project.org mailing list', 'R-help at r-project.org mailing list'],
    ['Sign-in at apple.com was blocked', 'Sign-in at apple.com was blocked'],
    ['sign in at paypal.com now', 'sign in at paypal.com now'],
    ['visit us at apple.com.', 'visit us at apple.com.'],
    ['meet at 10 at the office', 'meet at 10 at the office'],
  ];
  for (const [text, want] of cases) it(JSON.stringify(text), () => assert.equal(withoutArchivedAddresses(text), want));

  it('is linear in a long run of address characters', () => {
    const long = `${'a.'.repeat(100_000)} at`;
    const t0 = performance.now();
    assert.equal(withoutArchivedAddresses(long), long);
    assert.ok(performance.now() - t0 < 1000);
  });
});

describe('email/6 brand_shown_not_linked', () => {
  it("does not read an R-list archive's `user at gmail.com` addresses (email/3 did)", async () => {
    const e = await parse(R_ARCHIVE_POST);
    assert.equal(brandFact(e, 3), 1, "email/3 counts gmail.com's 'gmail' as a brand shown");
    assert.equal(brandFact(e, 6), 0);
  });

  it('still reads a brand named as "at paypal.com" in the words', async () => {
    assert.equal(brandFact(await parse(AT_SITE_LURE), 6), 1);
  });

  it('does not read the addressee a Ghost-like footer prints (email/3 did)', async () => {
    const e = await parse(GHOST_LIKE);
    assert.equal(brandFact(e, 3), 1, "email/3 counts outlook.com's 'outlook' as a brand shown");
    assert.equal(brandFact(e, 6), 0);
  });

  it("does not read Ghost's own subscription mail to an icloud.com addressee", async () => {
    const e = await fixture('modern/ghost-subscribe-en.eml');
    assert.equal(brandFact(e, 3), 1);
    assert.equal(brandFact(e, 6), 0);
  });

  it('still sets it for a brand the words name', async () => {
    assert.equal(brandFact(await parse(OUTLOOK_LURE), 6), 1);
    assert.equal(brandFact(await fixture('html-phish.eml'), 6), 1);
  });

  it('leaves every other column as email/3 writes it', async () => {
    for (const e of [await parse(GHOST_LIKE), await fixture('html-phish.eml')]) {
      const v3 = new Float32Array(EMAIL_V3_FEATURE_COUNT);
      emailFeaturesV3(e, v3, 0, null);
      const v6 = new Float32Array(EMAIL_V6_FEATURE_COUNT);
      emailFeaturesV6(e, v6, 0, null);
      const skip = EMAIL_V6_FEATURE_NAMES.indexOf('brand_shown_not_linked');
      for (let j = 0; j < EMAIL_V6_FEATURE_COUNT; j++)
        if (j !== skip) assert.equal(v6[j], v3[j], EMAIL_V6_FEATURE_NAMES[j]);
    }
  });
});
