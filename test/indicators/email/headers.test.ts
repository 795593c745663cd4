import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAuthenticationResults } from '../../../src/indicators/email/auth-results';
import { parseReceived } from '../../../src/indicators/email/received';

describe('parseReceived', () => {
  const cases: Array<[string, string, { fromHost: string; fromIp: string; byHost: string; time: string | undefined }]> =
    [
      [
        'Postfix: rDNS and IP in the comment',
        'from helo.example.net (rdns.example.net [203.0.113.5]) by mx.example.org (Postfix) with ESMTPS id 4X; Mon, 1 Jul 2024 10:00:00 +0000 (UTC)',
        {
          fromHost: 'helo.example.net',
          fromIp: '203.0.113.5',
          byHost: 'mx.example.org',
          time: '2024-07-01T10:00:00.000Z',
        },
      ],
      [
        'brief example: helo with a bracketed IP',
        'from host.example.com (helo [1.2.3.4]) by mx.example.org; Tue, 2 Jul 2024 00:00:00 -0200',
        { fromHost: 'host.example.com', fromIp: '1.2.3.4', byHost: 'mx.example.org', time: '2024-07-02T02:00:00.000Z' },
      ],
      [
        'Exim: address literal as the host',
        'from [198.51.100.9] (helo=foo) by mail.example.org with esmtp (Exim 4.96); Wed, 3 Jul 2024 12:00:00 +0000',
        {
          fromHost: '198.51.100.9',
          fromIp: '198.51.100.9',
          byHost: 'mail.example.org',
          time: '2024-07-03T12:00:00.000Z',
        },
      ],
      [
        'Exchange: bare IPv6 in the comment',
        'from EX1.corp.example (2603:10b6:a03:1::1) by EX2.corp.example (2603:10b6:a03:1::2) with Microsoft SMTP Server; Thu, 4 Jul 2024 01:02:03 +0000',
        {
          fromHost: 'EX1.corp.example',
          fromIp: '2603:10b6:a03:1::1',
          byHost: 'EX2.corp.example',
          time: '2024-07-04T01:02:03.000Z',
        },
      ],
      [
        'qmail: HELO comment then a bare IP comment',
        'from unknown (HELO foo) (203.0.113.77) by mx.example.org with SMTP; 5 Jul 2024 10:00:00 -0000',
        { fromHost: 'unknown', fromIp: '203.0.113.77', byHost: 'mx.example.org', time: '2024-07-05T10:00:00.000Z' },
      ],
      [
        'IPv6 address literal with the IPv6: tag, folded header',
        'from mx.example.net (mx.example.net\r\n [IPv6:2001:db8::25]) by in.example.org; Sat, 6 Jul 2024 00:00:00 +0000',
        {
          fromHost: 'mx.example.net',
          fromIp: '2001:db8::25',
          byHost: 'in.example.org',
          time: '2024-07-06T00:00:00.000Z',
        },
      ],
      [
        'no from clause, no date',
        'by localhost with LMTP id 123',
        { fromHost: '', fromIp: '', byHost: 'localhost', time: undefined },
      ],
      [
        'garbage date and unbalanced comment',
        'from a.example (b [999.1.1.1] (unclosed by c.example; yesterday',
        { fromHost: 'a.example', fromIp: '', byHost: '', time: undefined },
      ],
    ];
  for (const [name, header, expected] of cases) {
    it(name, () => {
      const hop = parseReceived(header);
      assert.deepEqual({ ...hop, time: hop.time?.toISOString() }, expected);
    });
  }

  it('is linear on a hostile header (200k nested parentheses, 200k words)', () => {
    // CPU time, not wall time: the three take ~70 ms of CPU (quadratic parsing would take minutes), and a
    // wall-clock bound failed at load 9 with other test files beside it. Ratios of sizes were tried and are
    // no better: GC makes 4x the tokens cost 4-10x.
    const started = process.cpuUsage();
    parseReceived(`from ${'('.repeat(200_000)}x`);
    parseReceived(`from a ${'(b [1.2.3.4] '.repeat(50_000)}`);
    parseReceived(`${'by x '.repeat(200_000)};`);
    const used = process.cpuUsage(started);
    const ms = (used.user + used.system) / 1000;
    assert.ok(ms < 3000, `took ${ms} ms of CPU`);
  });
});

describe('parseAuthenticationResults', () => {
  const cases: Array<[string, string, string[]]> = [
    [
      'Gmail style',
      'mx.google.com; dkim=pass header.i=@example.com header.s=s1; spf=pass (google.com: domain of a@example.com designates 1.2.3.4 as permitted sender) smtp.mailfrom=a@example.com; dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.com',
      [
        'dkim=pass header.i=@example.com header.s=s1',
        'spf=pass (google.com: domain of a@example.com designates 1.2.3.4 as permitted sender) smtp.mailfrom=a@example.com',
        'dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.com',
      ],
    ],
    [
      'semicolon inside a comment does not split',
      'mx; spf=fail (reason; more) smtp.mailfrom=x.example',
      ['spf=fail (reason; more) smtp.mailfrom=x.example'],
    ],
    ['versioned method, upper case', 'mx; DKIM/1=FAIL header.d=x.example', ['dkim=fail header.d=x.example']],
    ['none', 'example.org; none', []],
    ['garbage', '=;=;;; ==pass', []],
  ];
  for (const [name, header, expected] of cases) {
    it(name, () => {
      assert.deepEqual(
        parseAuthenticationResults(header).map((r) => `${r.method}=${r.result}${r.detail ? ` ${r.detail}` : ''}`),
        expected,
      );
    });
  }
});
