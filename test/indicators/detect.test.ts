import assert from 'node:assert/strict';
import { it } from 'node:test';
import { detectKind } from '../../src/indicators/detect';

const CASES: [string, ReturnType<typeof detectKind>][] = [
  ['example.com', 'domain'],
  ['EXAMPLE.com.', 'domain'],
  ['xn--pypal-4ve.com', 'domain'],
  ['http://example.com/login', 'url'],
  ['hxxps[:]//evil[.]com/x', 'url'],
  ['hXXp://evil.com', 'url'],
  ['example.com/login.php', 'url'],
  ['evil[.]com', 'url'],
  ['1.2.3.4', 'ip'],
  ['192.168.001.001', 'ip'],
  ['10.0.0.0/8', 'ip'],
  ['1.2.3.4:80', 'ip'],
  ['::1', 'ip'],
  ['2001:db8::/32', 'ip'],
  ['[2001:db8::1]', 'ip'],
  ['fe80::1%eth0', 'ip'],
  ['alice@example.com', 'email_address'],
  ['d41d8cd98f00b204e9800998ecf8427e', 'file_hash'],
  ['da39a3ee5e6b4b0d3255bfef95601890afd80709', 'file_hash'],
  ['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'file_hash'],
  ['', undefined],
  ['   ', undefined],
  ['a..b', 'domain'],
  ['bücher.example', 'domain'],
  ['例子。测试', 'domain'],
  ['1.2.3.4:8080/admin', 'url'],
  ['example.com?q=1', 'url'],
  ['example.com#top', 'url'],
  // No kind's shape: these must say INDICATOR_TYPE_UNKNOWN, not be guessed as a URL or a domain.
  ['???', undefined],
  ['hello world', undefined],
  ['/just/a/path', undefined],
  ['!!!', undefined],
  ['...', undefined],
  ['what?', undefined],
];

it('detects the indicator type from its shape', () => {
  for (const [value, kind] of CASES) assert.equal(detectKind(value), kind, JSON.stringify(value));
});
