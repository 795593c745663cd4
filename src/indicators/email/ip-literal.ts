/**
 * Recognises an IP address written inside mail: a bare address, a `[1.2.3.4]` or `[IPv6:...]`
 * address literal (RFC 5321). Only the strict forms count: `127.1` or `0x7f.0.0.1` are valid to
 * ipaddr.js but nobody writes them in a Received header, and accepting them turns version numbers
 * into "IPs".
 */
import ipaddr from 'ipaddr.js';

const IPV4_SHAPE = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const IPV6_SHAPE = /^[0-9A-Fa-f:.]+$/;

/** The address in canonical form (IPv6 compressed, lower case), or undefined when `raw` is not one. */
export function ipLiteral(raw: string): string | undefined {
  let s = raw.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (s.length > 6 && s.slice(0, 5).toLowerCase() === 'ipv6:') s = s.slice(5);
  if (s.length < 2 || s.length > 45) return undefined;
  // Cheap shape checks first: ipaddr.js signals most failures by throwing, which costs microseconds a word.
  if (IPV4_SHAPE.test(s)) return ipaddr.IPv4.isValidFourPartDecimal(s) ? ipaddr.IPv4.parse(s).toString() : undefined;
  if (s.includes(':') && IPV6_SHAPE.test(s) && ipaddr.IPv6.isValid(s)) return ipaddr.IPv6.parse(s).toString();
  return undefined;
}
