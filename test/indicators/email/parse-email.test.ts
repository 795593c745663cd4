import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseEmail } from '../../../src/indicators/email/parse-email';
import type { ExtractedIndicator, ParsedEmail } from '../../../src/indicators/email/types';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'email');

async function parseFixture(name: string): Promise<ParsedEmail> {
  const result = await parseEmail(readFileSync(join(FIXTURES, name)));
  if (!result.ok) assert.fail(`${name}: ${result.error.reason} ${result.error.message}`);
  return result.value;
}

/** `kind value found_in,...` per indicator, sorted, so a table can list the exact expectation. */
function lines(indicators: ExtractedIndicator[]): string[] {
  return indicators.map((i) => `${i.kind} ${i.value} ${[...i.foundIn].sort().join(',')}`).sort();
}

describe('parseEmail on fixtures', () => {
  it('single part: headers, Received chain, Authentication-Results, every indicator kind, defanged URL re-fanged', async () => {
    const email = await parseFixture('single-part.eml');
    assert.equal(email.messages.length, 1);
    const [message] = email.messages;
    assert.ok(message);
    assert.deepEqual(message.from, { name: 'Billing Team', address: 'billing@sender.example.net' });
    assert.deepEqual(message.to, [
      { name: 'Alice', address: 'alice@example.org' },
      { name: '', address: 'bob@example.org' },
    ]);
    assert.deepEqual(message.cc, [{ name: '', address: 'carol@example.org' }]);
    assert.deepEqual(message.replyTo, [{ name: '', address: 'refunds@payout.example.com' }]);
    assert.equal(message.returnPath, 'bounce@sender.example.net');
    assert.equal(message.messageId, 'inv-1@sender.example.net');
    assert.equal(message.date?.toISOString(), '2024-07-01T10:00:00.000Z');
    assert.deepEqual(message.received, [
      {
        fromHost: 'mail.sender.example.net',
        fromIp: '203.0.113.25',
        byHost: 'mx.example.org',
        time: new Date('2024-07-01T10:00:05Z'),
      },
      {
        fromHost: '192.168.1.7',
        fromIp: '198.51.100.77',
        byHost: 'mail.sender.example.net',
        time: new Date('2024-07-01T10:00:01Z'),
      },
    ]);
    assert.deepEqual(
      message.authenticationResults.map((r) => `${r.method}=${r.result}`),
      ['spf=pass', 'dkim=fail', 'dmarc=fail'],
    );
    assert.deepEqual(lines(email.indicators), [
      'crypto_wallet 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 text',
      'crypto_wallet bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq text',
      'domain example.org header:cc,header:to',
      'domain helpdesk.example.co.uk text',
      'domain mirror.example.net text',
      'domain pay.example.com text',
      'domain payout.example.com header:reply-to',
      'domain sender.example.net header:from,header:return-path',
      'domain support.example.com text',
      'email_address alice@example.org header:to',
      'email_address billing@sender.example.net header:from',
      'email_address bob@example.org header:to',
      'email_address bounce@sender.example.net header:return-path',
      'email_address carol@example.org header:cc',
      'email_address help@support.example.com text',
      'email_address refunds@payout.example.com header:reply-to',
      'ip 198.51.100.10 text',
      'ip 198.51.100.77 header:received',
      'ip 2001:db8::5 text',
      'ip 203.0.113.25 header:received',
      'ip 203.0.113.80 text',
      'url http://[2001:db8::5]:8443/x text',
      'url http://admin:secret@203.0.113.80:8080/panel text',
      'url http://mirror.example.net/pay text',
      'url https://pay.example.com/invoice?id=42 text',
    ]);
    assert.deepEqual(email.warnings, []);
    assert.equal(email.facts.htmlOnly, false);
  });

  it('multipart/alternative: RFC 2047 latin-1 and UTF-8 headers, quoted-printable latin-1 text, base64 UTF-8 HTML', async () => {
    const email = await parseFixture('alternative.eml');
    const [message] = email.messages;
    assert.ok(message);
    assert.deepEqual(message.from, { name: 'Élodie Müller', address: 'elodie@example.de' });
    assert.deepEqual(message.to, [{ name: 'André', address: 'andre@example.fr' }]);
    assert.equal(message.subject, 'Café crème € 10');
    assert.equal(message.messageId, 'alt-1@example.de');
    assert.equal(message.date?.toISOString(), '2024-07-02T07:30:00.000Z');
    assert.equal(
      message.textBody,
      'Café crème: voir https://menu.example.fr/carte?x=1 et le site boulangerie.example.fr',
    );
    assert.equal(
      message.htmlBody,
      '<html><body><p>Café <a href="https://menu.example.fr/carte">la carte</a></p><img src="https://cdn.example.net/logo.png"></body></html>',
    );
    assert.deepEqual(lines(email.indicators), [
      'domain boulangerie.example.fr text',
      'domain cdn.example.net html:src',
      'domain example.de header:from',
      'domain example.fr header:to',
      'domain menu.example.fr html:href,text',
      'email_address andre@example.fr header:to',
      'email_address elodie@example.de header:from',
      'url https://cdn.example.net/logo.png html:src',
      'url https://menu.example.fr/carte html:href',
      'url https://menu.example.fr/carte?x=1 text',
    ]);
  });

  it('mixed with attachments: exe in zip, docm, double extension, HTML attachment scanned for links', async () => {
    const email = await parseFixture('attachments.eml');
    const summary = email.attachments.map((a) => ({
      filename: a.filename,
      declared: a.declaredContentType,
      sniffed: a.sniffedContentType,
      flags: (
        ['executable', 'macroEnabled', 'archive', 'doubleExtension', 'html', 'archiveHasExecutable'] as const
      ).filter((f) => a[f]),
    }));
    assert.deepEqual(summary, [
      {
        filename: 'payload.zip',
        declared: 'application/zip',
        sniffed: 'application/zip',
        flags: ['archive', 'archiveHasExecutable'],
      },
      {
        filename: 'report.docm',
        declared: 'application/octet-stream',
        sniffed: 'application/vnd.ms-word.document.macroEnabled.12',
        flags: ['macroEnabled'],
      },
      {
        filename: 'invoice.pdf.exe',
        declared: 'application/pdf',
        sniffed: 'application/vnd.microsoft.portable-executable',
        flags: ['executable', 'doubleExtension'],
      },
      { filename: 'login.html', declared: 'text/html', sniffed: 'text/html', flags: ['html'] },
    ]);
    assert.deepEqual(email.attachments[0]?.archiveEntries, ['readme.txt', 'setup.exe']);
    assert.equal(email.attachments[2]?.size, 68);
    assert.equal(email.attachments[2]?.sha256, '559b0349b000ba863b3a5012b3979bb4a6c262ec06ff34e94d47741bf9b9e323');
    assert.equal(email.messages[0]?.textBody, 'Please review the attached files — ask ops@company.example.com.\n');
    assert.deepEqual(lines(email.indicators), [
      'domain collect.example.net attachment:html',
      'domain company.example.com header:from,header:to,text',
      'email_address hr@company.example.com header:from',
      'email_address ops@company.example.com text',
      'email_address staff@company.example.com header:to',
      'url https://collect.example.net/post.php attachment:html',
    ]);
    assert.equal(email.facts.forms, 1);
  });

  it('nested message/rfc822 two levels deep: one ParsedMessage each, depth-first', async () => {
    const email = await parseFixture('nested.eml');
    assert.deepEqual(
      email.messages.map((m) => [m.depth, m.subject, m.from?.address, m.messageId]),
      [
        [0, 'Fwd: suspicious', 'soc@example.org', 'top@example.org'],
        [1, 'Level one', 'forwarder@middle.example.com', 'level1@middle.example.com'],
        [2, 'Level two', 'attacker@evil.example.com', 'level2@evil.example.com'],
      ],
    );
    assert.equal(email.messages[2]?.textBody, 'Innermost link https://deep.example.net/x\n');
    assert.deepEqual(email.attachments, []);
    assert.ok(lines(email.indicators).includes('url https://deep.example.net/x text'));
    assert.ok(lines(email.indicators).includes('email_address attacker@evil.example.com header:from'));
  });

  it('nested beyond the depth limit: the deeper message stays an attachment and a warning says so', async () => {
    const result = await parseEmail(readFileSync(join(FIXTURES, 'nested.eml')), { maxDepth: 1 });
    assert.ok(result.ok);
    assert.deepEqual(
      result.value.messages.map((m) => m.depth),
      [0, 1],
    );
    assert.deepEqual(
      result.value.attachments.map((a) => [a.messageIndex, a.declaredContentType, a.filename]),
      [[1, 'message/rfc822', 'level2.eml']],
    );
    assert.equal(result.value.facts.depthLimitHits, 1);
    assert.deepEqual(result.value.warnings, ['message 1: attached message not parsed, nesting deeper than 1']);
  });

  it('HTML-only phish: lying link, hidden text, form, every link attribute', async () => {
    const email = await parseFixture('html-phish.eml');
    assert.equal(email.facts.htmlOnly, true);
    assert.deepEqual(email.facts.linkMismatches, [
      {
        messageIndex: 0,
        text: 'https://www.paypal.com',
        href: 'http://paypal.com.account-verify.example.net/login',
        textDomain: 'paypal.com',
        hrefDomain: 'example.net',
      },
    ]);
    assert.deepEqual(email.facts.hiddenText, [
      { messageIndex: 0, reason: 'display-none', characters: 36 },
      { messageIndex: 0, reason: 'same-color-as-background', characters: 14 },
      { messageIndex: 0, reason: 'font-size-zero', characters: 4 },
    ]);
    assert.equal(email.facts.forms, 1);
    assert.deepEqual(lines(email.indicators), [
      'domain example.org header:to',
      'domain harvest.example.net html:form-action',
      'domain hidden.example.org html:hidden-text',
      'domain paypal-security.example.com header:from',
      'domain paypal.com.account-verify.example.net html:href',
      'domain track.example.net html:src',
      'domain www.paypal.com html:href,html:text',
      'email_address service@paypal-security.example.com header:from',
      'email_address victim@example.org header:to',
      'url http://paypal.com.account-verify.example.net/login html:href',
      'url http://www.paypal.com/help html:text',
      'url https://harvest.example.net/submit html:form-action',
      'url https://track.example.net/open.gif html:src',
      'url https://www.paypal.com html:text',
      'url https://www.paypal.com/help html:href',
    ]);
  });

  it('damaged MIME: best-effort parse with warnings for charset, bad base64 and missing closing boundary', async () => {
    const email = await parseFixture('damaged.eml');
    assert.equal(email.messages[0]?.date, undefined, 'an unparseable Date is absent, not "now"');
    assert.equal(email.messages[0]?.textBody, 'Body in an unknown charset, link https://still.example.com/ok');
    assert.equal(email.attachments[0]?.size, 11);
    assert.deepEqual(email.warnings, [
      "part 1: unknown or refused charset 'x-unknown-charset', decoded as UTF-8",
      'message root: closing boundary missing (truncated message?)',
      'part 2: 5 bytes outside the base64 alphabet were skipped',
    ]);
  });
});

describe('parseEmail header edge cases', () => {
  it('flattens address groups, empties a null Return-Path, keeps an undecodable Date absent', async () => {
    const raw = Buffer.from(
      'Return-Path: <>\r\nFrom: "Ops" <ops@example.com>\r\nTo: Team: a@example.com, B <b@example.com>;, c@example.com\r\n' +
        'Date: 31 Foo 2024\r\nSubject: =?utf-8?q?caf=C3=A9?=\r\n\r\nbody\r\n',
    );
    const result = await parseEmail(raw);
    assert.ok(result.ok);
    const [message] = result.value.messages;
    assert.deepEqual(
      message?.to.map((a) => a.address),
      ['a@example.com', 'b@example.com', 'c@example.com'],
    );
    assert.equal(message?.returnPath, '');
    assert.equal(message?.date, undefined);
    assert.equal(message?.subject, 'café');
  });
});

describe('parseEmail leading noise', () => {
  const cases: Array<[string, string]> = [
    ['UTF-8 byte-order mark', '\ufeffFrom: a@example.com\r\nSubject: s\r\n\r\nhi'],
    ['blank lines before the header', '\r\n\r\n  \r\nFrom: a@example.com\r\nSubject: s\r\n\r\nhi'],
    ['mbox From_ line', 'From MAILER-DAEMON Fri Jul  8 12:08:34 2011\nFrom: a@example.com\nSubject: s\n\nhi'],
  ];
  for (const [name, text] of cases) {
    it(name, async () => {
      const result = await parseEmail(Buffer.from(text));
      assert.ok(result.ok);
      assert.deepEqual(
        [result.value.messages[0]?.from?.address, result.value.messages[0]?.subject],
        ['a@example.com', 's'],
      );
    });
  }
});

describe('parseEmail attached messages', () => {
  const wrap = (type: string, inner: string): Buffer =>
    Buffer.from(
      `From: a@example.com\r\nSubject: outer\r\nContent-Type: multipart/mixed; boundary="W"\r\n\r\n--W\r\nContent-Type: ${type}\r\n\r\n${inner}\r\n--W--\r\n`,
    );

  it('parses message/global like message/rfc822', async () => {
    const result = await parseEmail(wrap('message/global', 'From: b@example.net\r\nSubject: inner\r\n\r\nhi'));
    assert.ok(result.ok);
    assert.deepEqual(
      result.value.messages.map((m) => [m.depth, m.subject]),
      [
        [0, 'outer'],
        [1, 'inner'],
      ],
    );
  });

  it('keeps a message/rfc822 part without a header as an attachment, with a warning', async () => {
    const result = await parseEmail(wrap('message/rfc822', '\r\njust text, no header'));
    assert.ok(result.ok);
    assert.equal(result.value.messages.length, 1);
    assert.deepEqual(
      result.value.attachments.map((a) => a.declaredContentType),
      ['message/rfc822'],
    );
    assert.deepEqual(result.value.warnings, ['message 0: attachment declared message/rfc822 has no message header']);
  });
});

describe('parseEmail per-item errors', () => {
  const cases: Array<[string, Buffer, string]> = [
    ['empty input', Buffer.alloc(0), 'INVALID_EMAIL_MESSAGE'],
    ['white space only', Buffer.from(' \r\n\r\n '), 'INVALID_EMAIL_MESSAGE'],
    [
      'binary, not a message',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      'INVALID_EMAIL_MESSAGE',
    ],
    ['prose without a header', Buffer.from('just some words\nand more words\n'), 'INVALID_EMAIL_MESSAGE'],
  ];
  for (const [name, raw, reason] of cases) {
    it(name, async () => {
      const result = await parseEmail(raw);
      assert.equal(result.ok, false);
      if (!result.ok) assert.equal(result.error.reason, reason);
    });
  }

  it('larger than maxBytes: EMAIL_TOO_LARGE before any parsing', async () => {
    const result = await parseEmail(Buffer.alloc(2048, 0x61), { maxBytes: 1024 });
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.error.reason, 'EMAIL_TOO_LARGE');
      assert.deepEqual(result.error.metadata, { size: '2048', max: '1024' });
    }
  });
});

describe('parseEmail: links wrapped by mail gateways', () => {
  const V3 =
    'https://urldefense.com/v3/__https://github.com/lme4/lme4/blob/master/inst/NEWS.Rd*L17-L22__;Iw!!AbCdEf!Gh-Ij_Kl$';
  const SAFE = `https://nam10.safelinks.protection.outlook.com/?url=${encodeURIComponent('http://login.example.xyz/signin.php?a=1')}&amp;data=05%7C02&amp;reserved=0`;

  async function parse(text: string, html: string): Promise<ParsedEmail> {
    const boundary = 'b1';
    const raw = [
      'From: Helpdesk <helpdesk@example.edu>',
      'Subject: links',
      'MIME-Version: 1.0',
      `Content-Type: multipart/alternative; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      text,
      `--${boundary}`,
      'Content-Type: text/html; charset=utf-8',
      '',
      html,
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const result = await parseEmail(Buffer.from(raw));
    if (!result.ok) assert.fail(result.error.message);
    return result.value;
  }

  it("reports a wrapped link's target host as its domain, one URL per link, and leaves the features' list as it was", async () => {
    const email = await parse(`See ${V3} for the change.`, `<p><a href="${SAFE}">your account</a></p>`);
    const safe = SAFE.replace(/&amp;/g, '&');
    assert.deepEqual(lines(email.reported), [
      'domain example.edu header:from',
      'domain github.com text',
      'domain login.example.xyz html:href',
      'email_address helpdesk@example.edu header:from',
      `url ${safe} html:href`,
      `url ${V3} text`,
    ]);
    // What the message model's features read is not changed by unwrapping (committed versions' rows).
    assert.deepEqual(lines(email.indicators), [
      'domain example.edu header:from',
      'domain github.com text',
      'domain nam10.safelinks.protection.outlook.com html:href',
      'domain urldefense.com text',
      'email_address helpdesk@example.edu header:from',
      'url https://github.com/lme4/lme4/blob/master/inst/NEWS.Rd*L17-L22__;Iw!!AbCdEf!Gh-Ij_Kl$ text',
      `url ${safe} html:href`,
      `url ${V3} text`,
    ]);
  });

  it('still reports a gateway host the message names on its own', async () => {
    const email = await parse(`Links are checked by urldefense.com first: ${V3}`, '<p>Checked by urldefense.com</p>');
    const reported = lines(email.reported);
    assert.ok(reported.includes('domain urldefense.com html:text,text'), reported.join('\n'));
    assert.ok(reported.includes('domain github.com text'), reported.join('\n'));
    assert.equal(email.reported.filter((i) => i.kind === 'url').length, 1, reported.join('\n'));
  });

  it('reports no gateway host for a decoded wrapper whose target host is no indicator (cut to one label)', async () => {
    const cut = 'https://na01.safelinks.protection.outlook.com/?url=https%3a%2f%2fatlas';
    const email = await parse(`see ${cut}`, '');
    assert.deepEqual(
      email.reported.filter((i) => i.kind === 'domain').map((i) => i.value),
      ['example.edu'],
    );
  });

  it('keeps the gateway host for a wrapper whose target cannot be read', async () => {
    const mimecast = 'https://protect-eu.mimecast.com/s/AbCdEfGhIjK?domain=example.org';
    const email = await parse('', `<a href="${mimecast}">doc</a>`);
    assert.ok(lines(email.reported).includes('domain protect-eu.mimecast.com html:href'));
  });
});
