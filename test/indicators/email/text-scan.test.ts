import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isBitcoinAddress } from '../../../src/indicators/email/bitcoin';
import { scanText } from '../../../src/indicators/email/text-scan';

const hits = (text: string): string[] => scanText(text).map((h) => `${h.kind} ${h.value}`);

describe('scanText', () => {
  const cases: Array<[string, string, string[]]> = [
    [
      'plain URL, trailing full stop cut',
      'Go to https://a.example.com/x?y=1.',
      ['url https://a.example.com/x?y=1', 'domain a.example.com'],
    ],
    [
      'URL in parentheses keeps its own balanced pair',
      '(see https://a.example.com/wiki/A_(b))',
      ['url https://a.example.com/wiki/A_(b)', 'domain a.example.com'],
    ],
    [
      'defanged hxxps and [.]',
      'hxxps://evil[.]example[.]com/login',
      ['url https://evil.example.com/login', 'domain evil.example.com'],
    ],
    [
      'defanged (dot) and [:]//',
      'hxxp[:]//bad(dot)example(dot)net/p',
      ['url http://bad.example.net/p', 'domain bad.example.net'],
    ],
    [
      'user-info and port kept',
      'http://u:p@host.example.org:8443/a',
      ['url http://u:p@host.example.org:8443/a', 'domain host.example.org'],
    ],
    ['bracketed IPv6 host', 'http://[2001:db8::1]:8080/', ['url http://[2001:db8::1]:8080/', 'ip 2001:db8::1']],
    ['IPv4 host', 'ftp://192.0.2.1/file', ['url ftp://192.0.2.1/file', 'ip 192.0.2.1']],
    [
      'URL with a URL in its query gives both',
      'https://r.example.com/?u=https://t.example.net/',
      [
        'url https://r.example.com/?u=https://t.example.net/',
        'domain r.example.com',
        'url https://t.example.net/',
        'domain t.example.net',
      ],
    ],
    ['scheme glued to a word', 'link:https://a.example.com', ['url https://a.example.com', 'domain a.example.com']],
    ['unknown schemes give nothing', 'javascript://x.example.com file:///etc/passwd', []],
    [
      'www. without a scheme',
      'www.example.net/path and www.example.org',
      ['url http://www.example.net/path', 'domain www.example.net', 'domain www.example.org'],
    ],
    [
      'mailto and plain address',
      'mailto:Bob@Example.COM?subject=x, carol@sub.example.co.uk.',
      [
        'email_address Bob@example.com',
        'domain example.com',
        'email_address carol@sub.example.co.uk',
        'domain sub.example.co.uk',
      ],
    ],
    ['address with a non-public suffix is dropped', 'root@localhost admin@corp.internal', []],
    [
      'bare domains only with an ICANN suffix',
      'example.com foo.notatld index.php notes.txt a.github.io',
      ['domain example.com', 'domain a.github.io'],
    ],
    ['IDN domain in ASCII form', 'münchen.example.de', ['domain xn--mnchen-3ya.example.de']],
    [
      'IPs, port stripped; version numbers are not IPs',
      '10.0.0.1 198.51.100.7:25 1.2.3 1.2.3.4.5 ::1',
      ['ip 10.0.0.1', 'ip 198.51.100.7', 'ip ::1'],
    ],
    [
      'bitcoin: valid P2PKH, P2SH, bech32, bech32m, bitcoin: URI',
      '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq bitcoin:bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297?amount=1',
      [
        'crypto_wallet 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2',
        'crypto_wallet 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy',
        'crypto_wallet bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
        'crypto_wallet bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297',
      ],
    ],
    [
      'bitcoin look-alikes with bad checksums are not wallets',
      '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3 bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr 1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      [],
    ],
    [
      'words split on markup characters',
      '<https://a.example.com>"x@y.example.com"',
      ['url https://a.example.com', 'domain a.example.com', 'email_address x@y.example.com', 'domain y.example.com'],
    ],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => assert.deepEqual(hits(text), expected));
  }

  it('stays fast on hostile text (long words, many schemes, bracket runs)', () => {
    const started = performance.now();
    scanText(`${'https://'.repeat(20_000)} ${')'.repeat(8000)} ${'a.'.repeat(100_000)}com ${'x'.repeat(1_000_000)}`);
    scanText('hxxp[.] '.repeat(100_000));
    assert.ok(performance.now() - started < 4000, `took ${performance.now() - started} ms`);
  });
});

describe('isBitcoinAddress', () => {
  const cases: Array<[string, boolean]> = [
    ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', true],
    ['3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', true],
    ['bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', true],
    ['BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ', true],
    ['bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297', true],
    ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3', false],
    ['bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr', false],
    ['bC1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', false],
    // A witness v0 program encoded with bech32m (BIP 350 forbids it).
    ['bc1qar0srrr7xfkvy5l643lydnw9re59gtzzmzj7m0', false],
    ['tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', false],
    ['0BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', false],
    ['', false],
  ];
  for (const [address, expected] of cases) {
    it(`${address || '(empty)'} -> ${expected}`, () => assert.equal(isBitcoinAddress(address), expected));
  }
});
