/**
 * The authority of a URL (between `//` and the path): user-info, host and port, split the way
 * browsers split them, so that `http://paypal.com@evil.example/` is evil.example.
 */
import { shown } from './percent';

export interface Authority {
  /** Raw host octets, `[...]` kept for IPv6. */
  host: string;
  /** Digits after the `:`, or '' when there is none. */
  port: string;
  hadUserinfo: boolean;
}

/** Index of the first `/`, `\` or `?` in `s`, or its length: where the authority ends. */
export function authorityEnd(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 47 || c === 92 || c === 63) return i;
  }
  return s.length;
}

/** Splits `authority`; the user-info ends at the last `@`, as in the WHATWG parser. */
export function splitAuthority(authority: string): Authority | { error: string } {
  const at = authority.lastIndexOf('@');
  const hostPort = at >= 0 ? authority.slice(at + 1) : authority;
  const hadUserinfo = at >= 0;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    // No `]`: the host check reports it.
    if (close < 0) return { host: hostPort, port: '', hadUserinfo };
    const after = hostPort.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return { error: `unexpected "${shown(after)}" after IPv6 host` };
    return { host: hostPort.slice(0, close + 1), port: after.slice(1), hadUserinfo };
  }
  const colon = hostPort.indexOf(':');
  if (colon < 0) return { host: hostPort, port: '', hadUserinfo };
  if (hostPort.indexOf(':', colon + 1) >= 0) {
    return { error: `host "${shown(hostPort)}" has several ":"; an IPv6 address must be in brackets` };
  }
  return { host: hostPort.slice(0, colon), port: hostPort.slice(colon + 1), hadUserinfo };
}

export type PortResult = { port: number } | { error: string };

/** `''` is no port (0); otherwise decimal digits up to 65535, leading zeros allowed. */
export function parsePort(p: string): PortResult {
  if (p === '') return { port: 0 };
  if (!/^[0-9]+$/.test(p)) return { error: `port "${shown(p)}" is not a number` };
  const digits = p.replace(/^0+(?=.)/, '');
  const port = digits.length > 5 ? Number.POSITIVE_INFINITY : Number(digits);
  if (port > 65535) return { error: `port ${shown(digits)} is out of range (0-65535)` };
  return { port };
}
