import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_IP_LENGTH, parseIp } from '../../../src/indicators/ip/parse';

type Expected = {
  address: string;
  version: 4 | 6;
  bytes: number[];
  prefixLength: number;
  range: string;
  globallyRoutable: boolean;
  zone?: string;
};

const v6 = (hex: string): number[] => hex.match(/../g)?.map((b) => Number.parseInt(b, 16)) ?? [];

const ACCEPTED: [string, Expected][] = [
  [
    '8.8.8.8',
    { address: '8.8.8.8', version: 4, bytes: [8, 8, 8, 8], prefixLength: 0, range: 'unicast', globallyRoutable: true },
  ],
  // Leading zeros are decimal, not octal: 010 is ten.
  [
    '192.168.001.001',
    {
      address: '192.168.1.1',
      version: 4,
      bytes: [192, 168, 1, 1],
      prefixLength: 0,
      range: 'private',
      globallyRoutable: false,
    },
  ],
  [
    // Leading zeros that read the same in octal and decimal are not ambiguous.
    '007.000.01.1',
    {
      address: '7.0.1.1',
      version: 4,
      bytes: [7, 0, 1, 1],
      prefixLength: 0,
      range: 'unicast',
      globallyRoutable: true,
    },
  ],
  [
    '  1.2.3.4\n',
    { address: '1.2.3.4', version: 4, bytes: [1, 2, 3, 4], prefixLength: 0, range: 'unicast', globallyRoutable: true },
  ],
  [
    '0.0.0.0',
    {
      address: '0.0.0.0',
      version: 4,
      bytes: [0, 0, 0, 0],
      prefixLength: 0,
      range: 'unspecified',
      globallyRoutable: false,
    },
  ],
  [
    '255.255.255.255',
    {
      address: '255.255.255.255',
      version: 4,
      bytes: [255, 255, 255, 255],
      prefixLength: 0,
      range: 'broadcast',
      globallyRoutable: false,
    },
  ],
  // IPv6: compressed, full, upper case, all zero, RFC 5952 output.
  [
    '2001:db8::1',
    {
      address: '2001:db8::1',
      version: 6,
      bytes: v6('20010db8000000000000000000000001'),
      prefixLength: 0,
      range: 'documentation',
      globallyRoutable: false,
    },
  ],
  [
    '2001:0DB8:0000:0000:0000:0000:0000:0001',
    {
      address: '2001:db8::1',
      version: 6,
      bytes: v6('20010db8000000000000000000000001'),
      prefixLength: 0,
      range: 'documentation',
      globallyRoutable: false,
    },
  ],
  [
    '2A00:1450:4001:82B::200E',
    {
      address: '2a00:1450:4001:82b::200e',
      version: 6,
      bytes: v6('2a0014504001082b000000000000200e'),
      prefixLength: 0,
      range: 'unicast',
      globallyRoutable: true,
    },
  ],
  [
    '2001:db8:0:0:1:0:0:1',
    {
      address: '2001:db8::1:0:0:1',
      version: 6,
      bytes: v6('20010db8000000000001000000000001'),
      prefixLength: 0,
      range: 'documentation',
      globallyRoutable: false,
    },
  ],
  [
    '::',
    {
      address: '::',
      version: 6,
      bytes: v6('00000000000000000000000000000000'),
      prefixLength: 0,
      range: 'unspecified',
      globallyRoutable: false,
    },
  ],
  [
    '::1',
    {
      address: '::1',
      version: 6,
      bytes: v6('00000000000000000000000000000001'),
      prefixLength: 0,
      range: 'loopback',
      globallyRoutable: false,
    },
  ],
  [
    '[2606:4700::1111]',
    {
      address: '2606:4700::1111',
      version: 6,
      bytes: v6('26064700000000000000000000001111'),
      prefixLength: 0,
      range: 'unicast',
      globallyRoutable: true,
    },
  ],
  // Mixed notation that is not IPv4-mapped stays IPv6 (NAT64 well-known prefix).
  [
    '64:ff9b::1.2.3.4',
    {
      address: '64:ff9b::102:304',
      version: 6,
      bytes: v6('0064ff9b000000000000000001020304'),
      prefixLength: 0,
      range: 'nat64',
      globallyRoutable: true,
    },
  ],
  // IPv4-mapped IPv6 is reported as the IPv4 address, in either spelling; so is ipaddr.js's reading of ::a.b.c.d.
  [
    '::ffff:1.2.3.4',
    { address: '1.2.3.4', version: 4, bytes: [1, 2, 3, 4], prefixLength: 0, range: 'unicast', globallyRoutable: true },
  ],
  [
    '::FFFF:c0a8:0101',
    {
      address: '192.168.1.1',
      version: 4,
      bytes: [192, 168, 1, 1],
      prefixLength: 0,
      range: 'private',
      globallyRoutable: false,
    },
  ],
  [
    '::1.2.3.4',
    { address: '1.2.3.4', version: 4, bytes: [1, 2, 3, 4], prefixLength: 0, range: 'unicast', globallyRoutable: true },
  ],
  // Zone index dropped from the address, kept in `zone`.
  [
    'fe80::1%eth0',
    {
      address: 'fe80::1',
      version: 6,
      bytes: v6('fe800000000000000000000000000001'),
      prefixLength: 0,
      range: 'linkLocal',
      globallyRoutable: false,
      zone: 'eth0',
    },
  ],
  [
    'FE80::1%en0.100',
    {
      address: 'fe80::1',
      version: 6,
      bytes: v6('fe800000000000000000000000000001'),
      prefixLength: 0,
      range: 'linkLocal',
      globallyRoutable: false,
      zone: 'en0.100',
    },
  ],
  // CIDR: network address scored, prefixLength set, host bits cleared.
  [
    '10.0.0.0/8',
    {
      address: '10.0.0.0',
      version: 4,
      bytes: [10, 0, 0, 0],
      prefixLength: 8,
      range: 'private',
      globallyRoutable: false,
    },
  ],
  [
    '10.1.2.3/8',
    {
      address: '10.0.0.0',
      version: 4,
      bytes: [10, 0, 0, 0],
      prefixLength: 8,
      range: 'private',
      globallyRoutable: false,
    },
  ],
  [
    '203.0.113.77/30',
    {
      address: '203.0.113.76',
      version: 4,
      bytes: [203, 0, 113, 76],
      prefixLength: 30,
      range: 'documentation',
      globallyRoutable: false,
    },
  ],
  [
    '2001:db8::/32',
    {
      address: '2001:db8::',
      version: 6,
      bytes: v6('20010db8000000000000000000000000'),
      prefixLength: 32,
      range: 'documentation',
      globallyRoutable: false,
    },
  ],
  [
    '2001:db8:abcd:12ff::1/60',
    {
      address: '2001:db8:abcd:12f0::',
      version: 6,
      bytes: v6('20010db8abcd12f00000000000000000'),
      prefixLength: 60,
      range: 'documentation',
      globallyRoutable: false,
    },
  ],
  // /32 and /128 are single addresses.
  [
    '1.2.3.4/32',
    { address: '1.2.3.4', version: 4, bytes: [1, 2, 3, 4], prefixLength: 0, range: 'unicast', globallyRoutable: true },
  ],
  [
    '2a00:1450::1/128',
    {
      address: '2a00:1450::1',
      version: 6,
      bytes: v6('2a001450000000000000000000000001'),
      prefixLength: 0,
      range: 'unicast',
      globallyRoutable: true,
    },
  ],
  // A mapped network longer than /96 is the IPv4 network; /96 itself stays IPv6 (it would be IPv4 /0).
  [
    '::ffff:1.2.3.0/120',
    { address: '1.2.3.0', version: 4, bytes: [1, 2, 3, 0], prefixLength: 24, range: 'unicast', globallyRoutable: true },
  ],
  [
    '::ffff:0:0/96',
    {
      address: '::ffff:0:0',
      version: 6,
      bytes: v6('00000000000000000000ffff00000000'),
      prefixLength: 96,
      range: 'ipv4Mapped',
      globallyRoutable: false,
    },
  ],
  [
    'fe80::1%eth0/64',
    {
      address: 'fe80::',
      version: 6,
      bytes: v6('fe800000000000000000000000000000'),
      prefixLength: 64,
      range: 'linkLocal',
      globallyRoutable: false,
      zone: 'eth0',
    },
  ],
];

const REJECTED: [string, string][] = [
  ['', 'IP address is empty'],
  ['   ', 'IP address is empty'],
  [
    '1'.repeat(MAX_IP_LENGTH + 1),
    `IP address is ${MAX_IP_LENGTH + 1} characters long; the maximum is ${MAX_IP_LENGTH}`,
  ],
  ['256.1.1.1', 'IPv4 part "256" is out of range 0-255'],
  ['1.2.3.999', 'IPv4 part "999" is out of range 0-255'],
  ['1.2.3', 'IPv4 address needs four dot-separated decimal parts, got 3'],
  ['1.2.3.4.5', 'IPv4 address needs four dot-separated decimal parts, got 5'],
  ['127.1', 'IPv4 address needs four dot-separated decimal parts, got 2'],
  ['2130706433', 'IPv4 address needs four dot-separated decimal parts, got 1'],
  ['0001.2.3.4', 'IPv4 part "0001" has more than 3 digits'],
  [
    '017.0.0.1',
    'IPv4 part "017" has a leading zero: URLs and inet_aton read it as octal 15, other software as decimal 17; send the address without leading zeros',
  ],
  [
    '010.001.002.003',
    'IPv4 part "010" has a leading zero: URLs and inet_aton read it as octal 8, other software as decimal 10; send the address without leading zeros',
  ],
  [
    '1.2.3.09',
    'IPv4 part "09" has a leading zero: URLs and inet_aton read it as invalid octal, other software as decimal 9; send the address without leading zeros',
  ],
  ['0x7f.0.0.1', 'not an IPv4 or IPv6 address'],
  ['1..2.3', 'not an IPv4 or IPv6 address'],
  ['example.com', 'not an IPv4 or IPv6 address'],
  ['::g', 'IPv6 address contains "g", which is not a hex digit, ":" or "."'],
  ['::ffff:0x1.2.3.4', 'IPv6 address contains "x", which is not a hex digit, ":" or "."'],
  ['1::2::3', 'not a valid IPv6 address (group count, "::" use or embedded IPv4 is wrong)'],
  ['1:2:3:4:5:6:7:8:9', 'not a valid IPv6 address (group count, "::" use or embedded IPv4 is wrong)'],
  ['12345::', 'not a valid IPv6 address (group count, "::" use or embedded IPv4 is wrong)'],
  ['::ffff:1.2.3.256', 'not a valid IPv6 address (group count, "::" use or embedded IPv4 is wrong)'],
  ['1.2.3.4/33', 'CIDR prefix length 33 is out of range 1-32 for IPv4'],
  ['1.2.3.4/0', 'CIDR prefix length 0 is out of range 1-32 for IPv4'],
  ['2001:db8::/129', 'CIDR prefix length 129 is out of range 1-128 for IPv6'],
  ['1.2.3.4/', 'CIDR prefix length "" is not a number'],
  ['1.2.3.4/24/8', 'CIDR prefix length "24/8" is not a number'],
  ['1.2.3.4%eth0', 'a zone index (%...) is only valid on an IPv6 address'],
  ['1.2.3.4:443', 'the value has a port after the address; send the address alone'],
  ['[2001:db8::1]:443', 'the value has a port after the address; send the address alone'],
  ['fe80::1%', 'zone index "" is not an interface name'],
  ['fe80::1%eth 0', 'zone index "eth 0" is not an interface name'],
];

describe('parseIp', () => {
  for (const [input, expected] of ACCEPTED) {
    it(`accepts ${JSON.stringify(input)}`, () => {
      const result = parseIp(input);
      assert.ok(result.ok, result.ok ? '' : result.error.message);
      const { bytes, ...rest } = result.value;
      const { bytes: expectedBytes, ...expectedRest } = expected;
      assert.deepEqual(rest, expectedRest);
      assert.deepEqual(Array.from(bytes), expectedBytes);
      assert.equal(bytes.length, expected.version === 4 ? 4 : 16);
    });
  }

  for (const [input, message] of REJECTED) {
    it(`rejects ${JSON.stringify(input.length > 20 ? `${input.slice(0, 20)}...` : input)}`, () => {
      const result = parseIp(input);
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.error.reason, 'INVALID_IP');
      assert.equal(result.error.message, message);
    });
  }

  it('puts the offending value in the error metadata', () => {
    const result = parseIp('256.1.1.1');
    assert.equal(result.ok, false);
    if (!result.ok) assert.deepEqual(result.error.metadata, { part: '256' });
  });

  it('returns a fresh byte array per call (callers may keep it)', () => {
    const a = parseIp('10.1.2.3/8');
    const b = parseIp('10.1.2.3/8');
    assert.ok(a.ok && b.ok);
    assert.notEqual(a.value.bytes, b.value.bytes);
  });
});
