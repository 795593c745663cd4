/**
 * Classifies an address against the IANA IPv4 and IPv6 Special-Purpose Address Registries
 * (https://www.iana.org/assignments/iana-ipv4-special-registry, .../iana-ipv6-special-registry,
 * RFC 6890 and later updates), taking `globallyRoutable` from the registries' "Globally Reachable" column.
 *
 * ipaddr.js's range() was the starting point, but it differs from the registries in ways that matter here:
 * it has no documentation range for IPv4 (TEST-NET-1/2/3 are "reserved"), calls 2001:db8::/32 "reserved",
 * lacks the /32 anycast exceptions inside 192.0.0.0/24 and 2001::/23 (which ARE globally reachable), lacks
 * 3fff::/20, 5f00::/16, 2001:20::/28, 2001:30::/28 and 100:0:0:1::/64, and calls everything outside
 * 2000::/3 "unicast" although IANA has not allocated it. So the table is our own, matched longest-prefix-first.
 *
 * Where the registry says "N/A" the choice is ours and is marked below: Teredo and 6to4 addresses embed a
 * public IPv4 endpoint and are reachable through relays, so they count as routable; the deprecated 6to4
 * relay anycast and ORCHIDv1 blocks do not.
 */

/** One row of the classification table. */
export interface SpecialRange {
  readonly cidr: string;
  readonly name: string;
  readonly globallyRoutable: boolean;
  readonly source: string;
}

/** The outcome for one address: the range name, or 'unicast' for ordinary public space. */
export interface RangeClass {
  readonly range: string;
  readonly globallyRoutable: boolean;
}

const row = (cidr: string, name: string, globallyRoutable: boolean, source: string): SpecialRange => ({
  cidr,
  name,
  globallyRoutable,
  source,
});

export const SPECIAL_RANGES: readonly SpecialRange[] = [
  // IPv4 Special-Purpose Address Registry
  row('0.0.0.0/8', 'thisNetwork', false, 'RFC 791'),
  row('0.0.0.0/32', 'unspecified', false, 'RFC 1122'),
  row('10.0.0.0/8', 'private', false, 'RFC 1918'),
  row('100.64.0.0/10', 'carrierGradeNat', false, 'RFC 6598'),
  row('127.0.0.0/8', 'loopback', false, 'RFC 1122'),
  row('169.254.0.0/16', 'linkLocal', false, 'RFC 3927'),
  row('172.16.0.0/12', 'private', false, 'RFC 1918'),
  row('192.0.0.0/24', 'ietfProtocol', false, 'RFC 6890'),
  row('192.0.0.0/29', 'dsLite', false, 'RFC 7335'),
  row('192.0.0.8/32', 'dummy', false, 'RFC 7600'),
  row('192.0.0.9/32', 'pcpAnycast', true, 'RFC 7723'),
  row('192.0.0.10/32', 'turnAnycast', true, 'RFC 8155'),
  row('192.0.0.170/31', 'nat64Discovery', false, 'RFC 7050'),
  row('192.0.2.0/24', 'documentation', false, 'RFC 5737 TEST-NET-1'),
  row('192.31.196.0/24', 'as112', true, 'RFC 7535'),
  row('192.52.193.0/24', 'amt', true, 'RFC 7450'),
  row('192.88.99.0/24', 'deprecated6to4Relay', false, 'RFC 7526 (registry: N/A)'),
  row('192.168.0.0/16', 'private', false, 'RFC 1918'),
  row('192.175.48.0/24', 'as112', true, 'RFC 7534'),
  row('198.18.0.0/15', 'benchmarking', false, 'RFC 2544'),
  row('198.51.100.0/24', 'documentation', false, 'RFC 5737 TEST-NET-2'),
  row('203.0.113.0/24', 'documentation', false, 'RFC 5737 TEST-NET-3'),
  row('240.0.0.0/4', 'reserved', false, 'RFC 1112'),
  row('255.255.255.255/32', 'broadcast', false, 'RFC 919'),
  // Not in the special-purpose registry but never a unicast host: multicast and its documentation block.
  row('224.0.0.0/4', 'multicast', false, 'RFC 5771'),
  row('233.252.0.0/24', 'documentation', false, 'RFC 5771 MCAST-TEST-NET'),

  // IPv6 Special-Purpose Address Registry
  row('::/128', 'unspecified', false, 'RFC 4291'),
  row('::1/128', 'loopback', false, 'RFC 4291'),
  row('::ffff:0:0/96', 'ipv4Mapped', false, 'RFC 4291'),
  row('64:ff9b::/96', 'nat64', true, 'RFC 6052'),
  row('64:ff9b:1::/48', 'nat64Local', false, 'RFC 8215'),
  row('100::/64', 'discard', false, 'RFC 6666'),
  row('100:0:0:1::/64', 'dummy', false, 'RFC 9780'),
  row('2001::/23', 'ietfProtocol', false, 'RFC 2928'),
  row('2001::/32', 'teredo', true, 'RFC 4380 (registry: N/A)'),
  row('2001:1::1/128', 'pcpAnycast', true, 'RFC 7723'),
  row('2001:1::2/128', 'turnAnycast', true, 'RFC 8155'),
  row('2001:1::3/128', 'dnsSdAnycast', true, 'RFC 9665'),
  row('2001:2::/48', 'benchmarking', false, 'RFC 5180'),
  row('2001:3::/32', 'amt', true, 'RFC 7450'),
  row('2001:4:112::/48', 'as112', true, 'RFC 7535'),
  row('2001:10::/28', 'deprecatedOrchid', false, 'RFC 4843 (registry: N/A)'),
  row('2001:20::/28', 'orchidV2', true, 'RFC 7343'),
  row('2001:30::/28', 'droneRemoteId', true, 'RFC 9374'),
  row('2001:db8::/32', 'documentation', false, 'RFC 3849'),
  row('2002::/16', '6to4', true, 'RFC 3056 (registry: N/A)'),
  row('2620:4f:8000::/48', 'as112', true, 'RFC 7534'),
  row('3fff::/20', 'documentation', false, 'RFC 9637'),
  row('5f00::/16', 'srv6Sid', false, 'RFC 9602'),
  row('fc00::/7', 'uniqueLocal', false, 'RFC 4193'),
  row('fe80::/10', 'linkLocal', false, 'RFC 4291'),
  // Outside the special-purpose registry: IPv6 Address Space registry.
  row('fec0::/10', 'siteLocal', false, 'RFC 3879 (deprecated)'),
  row('ff00::/8', 'multicast', false, 'RFC 4291'),
];

/** Only 2000::/3 is allocated for global unicast; the rest of IPv6 space is reserved by the IETF. */
const GLOBAL_UNICAST_V6: Compiled = compile(row('2000::/3', 'unicast', true, 'RFC 4291'));
const RESERVED_V6: RangeClass = { range: 'reserved', globallyRoutable: false };
const PUBLIC: RangeClass = { range: 'unicast', globallyRoutable: true };

interface Compiled {
  readonly bytes: Uint8Array;
  readonly prefixLength: number;
  readonly result: RangeClass;
}

function compile(r: SpecialRange): Compiled {
  const [text = '', bits = ''] = r.cidr.split('/');
  return {
    bytes: text.includes(':') ? ipv6Bytes(text) : Uint8Array.from(text.split('.').map(Number)),
    prefixLength: Number(bits),
    result: { range: r.name, globallyRoutable: r.globallyRoutable },
  };
}

/** Minimal parser for the table's own literals (the public parser lives in parse.ts and imports us). */
function ipv6Bytes(text: string): Uint8Array {
  const [head = '', tail] = text.split('::');
  const groups = (s: string | undefined) => (s ? s.split(':').map((g) => Number.parseInt(g, 16)) : []);
  const left = groups(head);
  const right = groups(tail);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/** True when the first `prefixLength` bits of `bytes` equal those of `network`. */
export function inPrefix(bytes: Uint8Array, network: Uint8Array, prefixLength: number): boolean {
  if (bytes.length !== network.length) return false;
  const whole = prefixLength >> 3;
  for (let i = 0; i < whole; i++) if (bytes[i] !== network[i]) return false;
  const rest = prefixLength & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((bytes[whole] ?? 0) & mask) === ((network[whole] ?? 0) & mask);
}

// Longest prefix first, so the first match is the most specific one.
const COMPILED: readonly Compiled[] = SPECIAL_RANGES.map(compile).sort((a, b) => b.prefixLength - a.prefixLength);

/** Classifies a 4- or 16-byte address (network byte order). */
export function classifyAddress(bytes: Uint8Array): RangeClass {
  for (const c of COMPILED) {
    if (inPrefix(bytes, c.bytes, c.prefixLength)) return c.result;
  }
  if (bytes.length === 16 && !inPrefix(bytes, GLOBAL_UNICAST_V6.bytes, GLOBAL_UNICAST_V6.prefixLength)) {
    return RESERVED_V6;
  }
  return PUBLIC;
}
