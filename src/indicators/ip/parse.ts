/**
 * Parses one IP indicator: an IPv4 or IPv6 address, or a CIDR network.
 *
 * Decisions (each one is a test in test/indicators/ip/parse.test.ts):
 * - IPv4 must be four dotted decimal parts of 1-3 digits. Leading zeros are DECIMAL (`010.1.1.1` is
 *   10.1.1.1), because sensors zero-pad for alignment; nobody writes octal on purpose. The other inet_aton
 *   forms (hex `0x7f.1`, fewer parts `127.1`, one integer `2130706433`) are refused: in an indicator feed
 *   they are far more often typos or evasion than intent, and guessing would score the wrong host.
 * - IPv6 in every RFC 4291 text form (compressed, full, upper case, embedded dotted quad) via ipaddr.js,
 *   printed in RFC 5952 form. Surrounding brackets (`[2001:db8::1]`, as in URLs) are accepted.
 * - A zone index (`fe80::1%eth0`) names an interface on the sensor, not a host: it is dropped from the
 *   address and kept in `zone`.
 * - IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is reported as the IPv4 address: it is the same host, and the
 *   geo/ASN/hosting data and the model know it as IPv4. ipaddr.js also reads the deprecated
 *   IPv4-compatible text form `::1.2.3.4` as mapped; we keep that (it is what a writer of that text means).
 * - A CIDR network is accepted and scored by its network address (host bits cleared) with `prefixLength`
 *   set. `/32` (IPv4) and `/128` (IPv6) are single addresses, so prefixLength is 0 like a bare address.
 *   `/0` is refused: it is the whole address space, not an indicator, and would be indistinguishable from
 *   a single address in `prefixLength`.
 */
import ipaddr from 'ipaddr.js';
import { itemError } from '../../errors';
import { fail, ok, type Parsed } from '../types';
import { classifyAddress } from './special-ranges';

export interface IpAddress {
  /** Canonical text of the (network) address: dotted decimal, or RFC 5952 for IPv6. No prefix, no zone. */
  address: string;
  version: 4 | 6;
  /** 4 or 16 bytes, network byte order. */
  bytes: Uint8Array;
  /** CIDR prefix length for a network; 0 for a single address. */
  prefixLength: number;
  /** The IPv6 zone index that was dropped, if the input had one. */
  zone?: string;
  /** Special-purpose range name from special-ranges.ts, 'unicast' for ordinary public space. */
  range: string;
  globallyRoutable: boolean;
}

/**
 * Longest accepted input. The longest address text is 45 characters
 * (`ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255`), plus `/128`, brackets and a zone of up to 27.
 */
export const MAX_IP_LENGTH = 80;

const IPV4_SHAPE = /^\d+(?:\.\d+)*$/;
const ZONE = /^[0-9a-z_.-]{1,27}$/i;
const PREFIX = /^\d{1,3}$/;
/** `1.2.3.4:443` or `[2001:db8::1]:443`: a socket address, which a sensor may send by mistake. */
const WITH_PORT = /^(?:\d+(?:\.\d+){3}|\[[^\]]*\]):\d{1,5}$/;

const invalid = (message: string, metadata: Record<string, string> = {}): Parsed<IpAddress> =>
  fail(itemError('INVALID_IP', message, metadata));

export function parseIp(raw: string): Parsed<IpAddress> {
  const text = raw.trim();
  if (text === '') return invalid('IP address is empty');
  if (text.length > MAX_IP_LENGTH) {
    return invalid(`IP address is ${text.length} characters long; the maximum is ${MAX_IP_LENGTH}`, {
      length: String(text.length),
      maximum: String(MAX_IP_LENGTH),
    });
  }

  if (WITH_PORT.test(text)) {
    return invalid('the value has a port after the address; send the address alone');
  }

  let rest = text;
  let prefix: number | undefined;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const bits = rest.slice(slash + 1);
    if (!PREFIX.test(bits)) return invalid(`CIDR prefix length "${bits}" is not a number`, { prefix: bits });
    prefix = Number(bits);
    rest = rest.slice(0, slash);
  }
  if (rest.startsWith('[') && rest.endsWith(']')) rest = rest.slice(1, -1);

  let zone: string | undefined;
  const percent = rest.indexOf('%');
  if (percent >= 0) {
    zone = rest.slice(percent + 1);
    rest = rest.slice(0, percent);
    if (!ZONE.test(zone)) return invalid(`zone index "${zone}" is not an interface name`, { zone });
  }

  if (rest.includes(':')) return parseV6(rest, prefix, zone);
  if (zone !== undefined) return invalid('a zone index (%...) is only valid on an IPv6 address', { zone });
  if (IPV4_SHAPE.test(rest)) return parseV4(rest, prefix);
  return invalid('not an IPv4 or IPv6 address');
}

function parseV4(text: string, prefix: number | undefined): Parsed<IpAddress> {
  // `text` is digits and dots (IPV4_SHAPE), so the parts are read in place: a part is sliced out only
  // for an error's message (the checks and their order are those of a split into parts).
  let parts = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 46) parts++;
  if (parts !== 4) {
    return invalid(`IPv4 address needs four dot-separated decimal parts, got ${parts}`, {
      parts: String(parts),
    });
  }
  const bytes = new Uint8Array(4);
  // Canonical: no part has a leading zero, so the text is what `bytes.join('.')` would print.
  let canonical = true;
  let start = 0;
  for (let i = 0; i < 4; i++) {
    let end = text.indexOf('.', start);
    if (end < 0) end = text.length;
    const length = end - start;
    if (length > 3) {
      const part = text.slice(start, end);
      return invalid(`IPv4 part "${part}" has more than 3 digits`, { part });
    }
    let value = 0;
    for (let k = start; k < end; k++) value = value * 10 + (text.charCodeAt(k) - 48);
    // 017 is 15 to inet_aton and browsers (octal) and 17 to most other software: refuse to guess
    // where the readings differ. (A URL's host follows the URL standard, octal: src/indicators/url/ipv4.ts.)
    if (length > 1 && text.charCodeAt(start) === 48) {
      canonical = false;
      const part = text.slice(start, end);
      const octal = /^[0-7]+$/.test(part) ? Number.parseInt(part, 8) : Number.NaN;
      if (octal !== value)
        return invalid(
          `IPv4 part "${part}" has a leading zero: URLs and inet_aton read it as ${Number.isNaN(octal) ? 'invalid octal' : `octal ${octal}`}, other software as decimal ${value}; send the address without leading zeros`,
          { part },
        );
    }
    if (value > 255) {
      const part = text.slice(start, end);
      return invalid(`IPv4 part "${part}" is out of range 0-255`, { part });
    }
    bytes[i] = value;
    start = end + 1;
  }
  // With host bits to clear (a prefix under 32), the address is printed from the cleared bytes.
  const same = canonical && (prefix === undefined || prefix >= 32);
  return badPrefix(prefix, 4) ?? finish(bytes, prefix, undefined, same ? text : undefined);
}

function parseV6(text: string, prefix: number | undefined, zone: string | undefined): Parsed<IpAddress> {
  // ipaddr.js reads a dotted tail with parseInt, which would take `0x..` as hex: refuse any such character.
  const bad = text.match(/[^0-9a-f:.]/i)?.[0];
  if (bad !== undefined) {
    return invalid(`IPv6 address contains "${bad}", which is not a hex digit, ":" or "."`, { character: bad });
  }
  let parsed: ipaddr.IPv6;
  try {
    parsed = ipaddr.IPv6.parse(text);
  } catch {
    return invalid('not a valid IPv6 address (group count, "::" use or embedded IPv4 is wrong)');
  }
  const tooShortOrLong = badPrefix(prefix, 6);
  if (tooShortOrLong) return tooShortOrLong;
  // ::ffff:0:0/96 itself would be IPv4 /0, so only longer mapped prefixes become IPv4 networks.
  if (parsed.isIPv4MappedAddress() && (prefix === undefined || prefix > 96)) {
    const v4 = Uint8Array.from(parsed.toIPv4Address().octets);
    return finish(v4, prefix === undefined ? undefined : prefix - 96, zone);
  }
  // Without host bits to clear, ipaddr.js's own RFC 5952 text saves rebuilding it from the bytes.
  const text5952 = prefix === undefined || prefix === 128 ? parsed.toRFC5952String() : undefined;
  return finish(Uint8Array.from(parsed.toByteArray()), prefix, zone, text5952);
}

function badPrefix(prefix: number | undefined, version: 4 | 6): Parsed<IpAddress> | undefined {
  const max = version === 4 ? 32 : 128;
  if (prefix === undefined || (prefix >= 1 && prefix <= max)) return undefined;
  return invalid(`CIDR prefix length ${prefix} is out of range 1-${max} for IPv${version}`, {
    prefix: String(prefix),
  });
}

/** Clears host bits of a (valid) prefix, classifies, and builds the result. */
function finish(
  bytes: Uint8Array,
  prefix: number | undefined,
  zone: string | undefined,
  text?: string,
): Parsed<IpAddress> {
  const version = bytes.length === 4 ? 4 : 6;
  let prefixLength = 0;
  if (prefix !== undefined && prefix < bytes.length * 8) {
    prefixLength = prefix;
    clearHostBits(bytes, prefix);
  }
  const { range, globallyRoutable } = classifyAddress(bytes);
  const value: IpAddress = {
    address: text ?? (version === 4 ? bytes.join('.') : ipaddr.fromByteArray(Array.from(bytes)).toString()),
    version,
    bytes,
    prefixLength,
    range,
    globallyRoutable,
  };
  if (zone !== undefined) value.zone = zone;
  return ok(value);
}

function clearHostBits(bytes: Uint8Array, prefix: number): void {
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.min(8, Math.max(0, prefix - i * 8));
    bytes[i] = (bytes[i] ?? 0) & ((0xff00 >> keep) & 0xff);
  }
}
