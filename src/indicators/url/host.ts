/**
 * Canonical host of a URL, from the percent-decoded octets between `//` (minus user-info) and the
 * port. Safe Browsing rules (trim and collapse dots, lower-case, any IPv4 notation to a dotted quad,
 * IDN to punycode), then validation: names go through the domain parser so that a URL's host and
 * the same name sent as a domain are judged alike.
 */
import { domainToASCII } from 'node:url';
import { type DomainName, parseDomain } from '../domain/parse';
import { parseIpv4Host } from './ipv4';
import { showByte } from './percent';

export type HostKind = 'domain' | 'ipv4' | 'ipv6';

export interface CanonicalHost {
  host: string;
  hostKind: HostKind;
  /** The parsed name when `hostKind` is `domain`. */
  domain: DomainName | undefined;
}

/** The host, or a message for INVALID_URL (no `{ ok, value }` wrapper: one object fewer per URL). */
export type HostResult = CanonicalHost | { error: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

function bad(error: string): HostResult {
  return { error };
}

/** `[...]` hosts. node's WHATWG parser does the RFC 5952 compression; IPv6 hosts are rare enough. */
function ipv6Host(bracketed: string): HostResult {
  const inner = bracketed.slice(1, -1);
  if (inner.includes('%')) return bad(`IPv6 host ${bracketed} has a zone identifier, which URLs do not allow`);
  if (!/^[0-9a-f:.]+$/i.test(inner)) return bad(`host ${bracketed} is not a valid IPv6 address`);
  try {
    const host = new URL(`http://${bracketed}/`).hostname;
    return { host, hostKind: 'ipv6', domain: undefined };
  } catch {
    return bad(`host ${bracketed} is not a valid IPv6 address`);
  }
}

/** Leading/trailing dots removed, runs of dots collapsed (`..a...b.` -> `a.b`). */
function tidyDots(h: string): string {
  if (!h.includes('..') && h.charCodeAt(0) !== 46 && h.charCodeAt(h.length - 1) !== 46) return h;
  return h
    .split('.')
    .filter((l) => l !== '')
    .join('.');
}

/**
 * `http://localhost/`, `http://intranet/`: valid URLs, though not domains (the domain parser wants two
 * labels). The label is checked by the domain parser's own rules, under a reserved TLD (RFC 2606), so
 * that both parsers agree on which characters and lengths a label may have; `domain` stays undefined.
 */
function singleLabelHost(label: string): HostResult {
  const parsed = parseDomain(`${label}.invalid`);
  if (!parsed.ok) return bad(`host "${label.slice(0, 64)}": ${parsed.error.message}`);
  const ascii = parsed.value.ascii.slice(0, -'.invalid'.length);
  return { host: ascii, hostKind: 'domain', domain: undefined };
}

/**
 * Canonicalises `raw`, a byte string (one char per octet). Errors are messages for INVALID_URL.
 */
export function canonicalHost(raw: string): HostResult {
  if (raw === '') return bad('URL has no host');
  if (raw.charCodeAt(0) === 91 /* [ */) {
    if (raw.charCodeAt(raw.length - 1) !== 93) return bad(`IPv6 host "${raw.slice(0, 64)}" has no closing "]"`);
    return ipv6Host(raw.toLowerCase());
  }
  // One pass for what `/[\x00-\x20\x7f]/.exec(raw)` (the first such octet), `/[^\x00-\x7f]/.test(raw)`
  // and an upper-case letter would each find.
  let odd = -1;
  let nonAscii = false;
  let upper = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) {
      odd = c;
      break;
    }
    if (c >= 0x80) nonAscii = true;
    else if (c >= 65 && c <= 90) upper = true;
  }
  if (odd !== -1) {
    if (odd === 32) return bad('host contains a space');
    return bad(`host contains control character ${showByte(odd)}`);
  }
  let host: string;
  if (nonAscii) {
    // IDN: UTS #46 mapping first (full-width dots and digits, case folding, punycode), so that the
    // dot, IPv4 and label rules below see the name a browser would look up.
    let unicode: string;
    try {
      unicode = utf8.decode(Buffer.from(raw, 'latin1'));
    } catch {
      return bad('host is not valid UTF-8 after percent-decoding');
    }
    host = domainToASCII(unicode);
    if (host === '') return bad(`host "${unicode.slice(0, 64)}" is not a valid internationalised domain name`);
  } else {
    // ASCII: only A-Z change, and most hosts have none (toLowerCase was a third of this function).
    host = upper ? raw.toLowerCase() : raw;
  }
  host = tidyDots(host);
  if (host === '') return bad('host is empty (only dots)');

  const ip = parseIpv4Host(host);
  if (ip.kind === 'ipv4') return { host: ip.address, hostKind: 'ipv4', domain: undefined };
  if (ip.kind === 'invalid') return bad(ip.message);

  if (!host.includes('.')) return singleLabelHost(host);
  const parsed = parseDomain(host);
  if (!parsed.ok) return bad(`host "${host.slice(0, 64)}": ${parsed.error.message}`);
  return { host: parsed.value.ascii, hostKind: 'domain', domain: parsed.value };
}
