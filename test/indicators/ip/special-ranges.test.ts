import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIp } from '../../../src/indicators/ip/parse';
import { SPECIAL_RANGES } from '../../../src/indicators/ip/special-ranges';

/**
 * [address, expected range, globally routable, the table row it exercises (cidr), or '' for the default].
 * Each row of SPECIAL_RANGES has an inside address and at least one edge (first/last address of the block);
 * addresses just outside a block check that the match does not leak.
 */
const TABLE: [string, string, boolean, string][] = [
  // IPv4
  ['0.0.0.1', 'thisNetwork', false, '0.0.0.0/8'],
  ['0.255.255.255', 'thisNetwork', false, '0.0.0.0/8'],
  ['0.0.0.0', 'unspecified', false, '0.0.0.0/32'],
  ['1.0.0.0', 'unicast', true, ''],
  ['10.0.0.0', 'private', false, '10.0.0.0/8'],
  ['10.123.45.6', 'private', false, '10.0.0.0/8'],
  ['10.255.255.255', 'private', false, '10.0.0.0/8'],
  ['11.0.0.0', 'unicast', true, ''],
  ['9.255.255.255', 'unicast', true, ''],
  ['100.63.255.255', 'unicast', true, ''],
  ['100.64.0.0', 'carrierGradeNat', false, '100.64.0.0/10'],
  ['100.100.1.1', 'carrierGradeNat', false, '100.64.0.0/10'],
  ['100.127.255.255', 'carrierGradeNat', false, '100.64.0.0/10'],
  ['100.128.0.0', 'unicast', true, ''],
  ['127.0.0.1', 'loopback', false, '127.0.0.0/8'],
  ['127.255.255.255', 'loopback', false, '127.0.0.0/8'],
  ['128.0.0.0', 'unicast', true, ''],
  ['169.254.0.0', 'linkLocal', false, '169.254.0.0/16'],
  ['169.254.169.254', 'linkLocal', false, '169.254.0.0/16'],
  ['169.255.0.0', 'unicast', true, ''],
  ['172.15.255.255', 'unicast', true, ''],
  ['172.16.0.0', 'private', false, '172.16.0.0/12'],
  ['172.20.1.1', 'private', false, '172.16.0.0/12'],
  ['172.31.255.255', 'private', false, '172.16.0.0/12'],
  ['172.32.0.0', 'unicast', true, ''],
  ['192.0.0.0', 'dsLite', false, '192.0.0.0/29'],
  ['192.0.0.7', 'dsLite', false, '192.0.0.0/29'],
  ['192.0.0.8', 'dummy', false, '192.0.0.8/32'],
  ['192.0.0.9', 'pcpAnycast', true, '192.0.0.9/32'],
  ['192.0.0.10', 'turnAnycast', true, '192.0.0.10/32'],
  ['192.0.0.11', 'ietfProtocol', false, '192.0.0.0/24'],
  ['192.0.0.255', 'ietfProtocol', false, '192.0.0.0/24'],
  ['192.0.0.170', 'nat64Discovery', false, '192.0.0.170/31'],
  ['192.0.0.171', 'nat64Discovery', false, '192.0.0.170/31'],
  ['192.0.0.172', 'ietfProtocol', false, '192.0.0.0/24'],
  ['192.0.1.0', 'unicast', true, ''],
  ['192.0.2.0', 'documentation', false, '192.0.2.0/24'],
  ['192.0.2.123', 'documentation', false, '192.0.2.0/24'],
  ['192.0.2.255', 'documentation', false, '192.0.2.0/24'],
  ['192.0.3.0', 'unicast', true, ''],
  ['192.31.196.0', 'as112', true, '192.31.196.0/24'],
  ['192.31.196.255', 'as112', true, '192.31.196.0/24'],
  ['192.52.193.1', 'amt', true, '192.52.193.0/24'],
  ['192.52.193.255', 'amt', true, '192.52.193.0/24'],
  ['192.88.99.1', 'deprecated6to4Relay', false, '192.88.99.0/24'],
  ['192.88.99.255', 'deprecated6to4Relay', false, '192.88.99.0/24'],
  ['192.88.100.0', 'unicast', true, ''],
  ['192.167.255.255', 'unicast', true, ''],
  ['192.168.0.0', 'private', false, '192.168.0.0/16'],
  ['192.168.1.1', 'private', false, '192.168.0.0/16'],
  ['192.168.255.255', 'private', false, '192.168.0.0/16'],
  ['192.169.0.0', 'unicast', true, ''],
  ['192.175.48.0', 'as112', true, '192.175.48.0/24'],
  ['192.175.48.42', 'as112', true, '192.175.48.0/24'],
  ['198.17.255.255', 'unicast', true, ''],
  ['198.18.0.0', 'benchmarking', false, '198.18.0.0/15'],
  ['198.19.255.255', 'benchmarking', false, '198.18.0.0/15'],
  ['198.20.0.0', 'unicast', true, ''],
  ['198.51.100.0', 'documentation', false, '198.51.100.0/24'],
  ['198.51.100.255', 'documentation', false, '198.51.100.0/24'],
  ['203.0.112.255', 'unicast', true, ''],
  ['203.0.113.0', 'documentation', false, '203.0.113.0/24'],
  ['203.0.113.255', 'documentation', false, '203.0.113.0/24'],
  ['203.0.114.0', 'unicast', true, ''],
  ['223.255.255.255', 'unicast', true, ''],
  ['224.0.0.0', 'multicast', false, '224.0.0.0/4'],
  ['239.255.255.250', 'multicast', false, '224.0.0.0/4'],
  ['233.252.0.0', 'documentation', false, '233.252.0.0/24'],
  ['233.252.0.255', 'documentation', false, '233.252.0.0/24'],
  ['233.252.1.0', 'multicast', false, '224.0.0.0/4'],
  ['239.255.255.255', 'multicast', false, '224.0.0.0/4'],
  ['240.0.0.0', 'reserved', false, '240.0.0.0/4'],
  ['255.255.255.254', 'reserved', false, '240.0.0.0/4'],
  ['255.255.255.255', 'broadcast', false, '255.255.255.255/32'],
  // IPv6
  ['::', 'unspecified', false, '::/128'],
  ['::1', 'loopback', false, '::1/128'],
  ['::2', 'reserved', false, ''],
  // A mapped address is parsed as IPv4, so only a network at /96 or shorter reaches the ipv4Mapped row.
  ['::ffff:0:0/96', 'ipv4Mapped', false, '::ffff:0:0/96'],
  ['::ffff:255.255.255.255/96', 'ipv4Mapped', false, '::ffff:0:0/96'],
  ['::ffff:1.2.3.4', 'unicast', true, ''],
  ['64:ff9b::', 'nat64', true, '64:ff9b::/96'],
  ['64:ff9b::8.8.8.8', 'nat64', true, '64:ff9b::/96'],
  ['64:ff9b::ffff:ffff', 'nat64', true, '64:ff9b::/96'],
  ['64:ff9b::1:0:0', 'reserved', false, ''],
  ['64:ff9b:1::', 'nat64Local', false, '64:ff9b:1::/48'],
  ['64:ff9b:1:ffff:ffff:ffff:ffff:ffff', 'nat64Local', false, '64:ff9b:1::/48'],
  ['100::', 'discard', false, '100::/64'],
  ['100::ffff:ffff:ffff:ffff', 'discard', false, '100::/64'],
  ['100:0:0:1::', 'dummy', false, '100:0:0:1::/64'],
  ['100:0:0:1:ffff:ffff:ffff:ffff', 'dummy', false, '100:0:0:1::/64'],
  ['100:0:0:2::', 'reserved', false, ''],
  ['1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'reserved', false, ''],
  ['2001::', 'teredo', true, '2001::/32'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'teredo', true, '2001::/32'],
  ['2001:0:ffff:ffff:ffff:ffff:ffff:ffff', 'teredo', true, '2001::/32'],
  ['2001:1::', 'ietfProtocol', false, '2001::/23'],
  ['2001:1::1', 'pcpAnycast', true, '2001:1::1/128'],
  ['2001:1::2', 'turnAnycast', true, '2001:1::2/128'],
  ['2001:1::3', 'dnsSdAnycast', true, '2001:1::3/128'],
  ['2001:1::4', 'ietfProtocol', false, '2001::/23'],
  ['2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff', 'ietfProtocol', false, '2001::/23'],
  ['2001:200::', 'unicast', true, ''],
  ['2001:2::', 'benchmarking', false, '2001:2::/48'],
  ['2001:2:0:ffff:ffff:ffff:ffff:ffff', 'benchmarking', false, '2001:2::/48'],
  ['2001:2:1::', 'ietfProtocol', false, '2001::/23'],
  ['2001:3::', 'amt', true, '2001:3::/32'],
  ['2001:3:ffff:ffff:ffff:ffff:ffff:ffff', 'amt', true, '2001:3::/32'],
  ['2001:4:112::', 'as112', true, '2001:4:112::/48'],
  ['2001:4:112:ffff:ffff:ffff:ffff:ffff', 'as112', true, '2001:4:112::/48'],
  ['2001:4:113::', 'ietfProtocol', false, '2001::/23'],
  ['2001:10::', 'deprecatedOrchid', false, '2001:10::/28'],
  ['2001:1f:ffff:ffff:ffff:ffff:ffff:ffff', 'deprecatedOrchid', false, '2001:10::/28'],
  ['2001:20::', 'orchidV2', true, '2001:20::/28'],
  ['2001:2f:ffff:ffff:ffff:ffff:ffff:ffff', 'orchidV2', true, '2001:20::/28'],
  ['2001:30::', 'droneRemoteId', true, '2001:30::/28'],
  ['2001:3f:ffff:ffff:ffff:ffff:ffff:ffff', 'droneRemoteId', true, '2001:30::/28'],
  ['2001:40::', 'ietfProtocol', false, '2001::/23'],
  ['2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', 'unicast', true, ''],
  ['2001:db8::', 'documentation', false, '2001:db8::/32'],
  ['2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', 'documentation', false, '2001:db8::/32'],
  ['2001:db9::', 'unicast', true, ''],
  ['2002::', '6to4', true, '2002::/16'],
  ['2002:c000:0204::1', '6to4', true, '2002::/16'],
  ['2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '6to4', true, '2002::/16'],
  ['2003::', 'unicast', true, ''],
  ['2620:4f:8000::', 'as112', true, '2620:4f:8000::/48'],
  ['2620:4f:8000:ffff:ffff:ffff:ffff:ffff', 'as112', true, '2620:4f:8000::/48'],
  ['2620:4f:8001::', 'unicast', true, ''],
  ['3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'unicast', true, ''],
  ['3fff::', 'documentation', false, '3fff::/20'],
  ['3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff', 'documentation', false, '3fff::/20'],
  ['3fff:1000::', 'unicast', true, ''],
  ['4000::', 'reserved', false, ''],
  ['5f00::', 'srv6Sid', false, '5f00::/16'],
  ['5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'srv6Sid', false, '5f00::/16'],
  ['fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'reserved', false, ''],
  ['fc00::', 'uniqueLocal', false, 'fc00::/7'],
  ['fd12:3456:789a::1', 'uniqueLocal', false, 'fc00::/7'],
  ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'uniqueLocal', false, 'fc00::/7'],
  ['fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'reserved', false, ''],
  ['fe80::', 'linkLocal', false, 'fe80::/10'],
  ['febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'linkLocal', false, 'fe80::/10'],
  ['fec0::', 'siteLocal', false, 'fec0::/10'],
  ['feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'siteLocal', false, 'fec0::/10'],
  ['ff00::', 'multicast', false, 'ff00::/8'],
  ['ff02::1', 'multicast', false, 'ff00::/8'],
  ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'multicast', false, 'ff00::/8'],
];

describe('special-purpose ranges', () => {
  for (const [input, range, routable] of TABLE) {
    it(`${input} is ${range}${routable ? '' : ' (not routable)'}`, () => {
      const parsed = parseIp(input);
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
      assert.deepEqual(
        { range: parsed.value.range, globallyRoutable: parsed.value.globallyRoutable },
        { range, globallyRoutable: routable },
      );
    });
  }

  it('exercises every row of the range table at least twice (inside and edge)', () => {
    const uses = new Map<string, number>();
    for (const [, , , cidr] of TABLE) if (cidr) uses.set(cidr, (uses.get(cidr) ?? 0) + 1);
    for (const row of SPECIAL_RANGES) {
      // A single-address row has one address, which is both inside and edge.
      const needed = row.cidr.endsWith('/32') || row.cidr.endsWith('/128') ? 1 : 2;
      assert.ok((uses.get(row.cidr) ?? 0) >= needed, `${row.cidr} (${row.name}) needs ${needed} test addresses`);
    }
  });

  it('names each row with the range and routability the table test expects', () => {
    const byCidr = new Map(SPECIAL_RANGES.map((r) => [r.cidr, r]));
    for (const [input, range, routable, cidr] of TABLE) {
      if (!cidr) continue;
      const row = byCidr.get(cidr);
      assert.ok(row, `${input}: no table row ${cidr}`);
      assert.equal(row.name, range, input);
      assert.equal(row.globallyRoutable, routable, input);
    }
  });
});
