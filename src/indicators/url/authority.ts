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

/** Index of the first `/`, `\` or `?` in `s` from `from` on, or its length: where the authority ends. */
export function authorityEnd(s: string, from = 0): number {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 47 || c === 92 || c === 63) return i;
  }
  return s.length;
}

/**
 * Splits the authority `s[start, end)`; the user-info ends at the last `@`, as in the WHATWG parser.
 * Read in place, so that only the host and a port are cut out of the URL.
 */
export function splitAuthority(s: string, start: number, end: number): Authority | { error: string } {
  const at = end > start ? s.lastIndexOf('@', end - 1) : -1;
  const hadUserinfo = at >= start;
  const from = hadUserinfo ? at + 1 : start;
  if (from < end && s.charCodeAt(from) === 91 /* [ */) {
    const close = s.indexOf(']', from);
    // No `]`: the host check reports it.
    if (close < 0 || close >= end) return { host: s.slice(from, end), port: '', hadUserinfo };
    if (close + 1 < end && s.charCodeAt(close + 1) !== 58 /* : */)
      return { error: `unexpected "${shown(s.slice(close + 1, end))}" after IPv6 host` };
    return { host: s.slice(from, close + 1), port: s.slice(close + 2, end), hadUserinfo };
  }
  const colon = s.indexOf(':', from);
  if (colon < 0 || colon >= end) return { host: s.slice(from, end), port: '', hadUserinfo };
  const second = s.indexOf(':', colon + 1);
  if (second >= 0 && second < end) {
    return { error: `host "${shown(s.slice(from, end))}" has several ":"; an IPv6 address must be in brackets` };
  }
  return { host: s.slice(from, colon), port: s.slice(colon + 1, end), hadUserinfo };
}

export type PortResult = { port: number } | { error: string };

const NO_PORT: PortResult = Object.freeze({ port: 0 });

/** `''` is no port (0); otherwise decimal digits up to 65535, leading zeros allowed. */
export function parsePort(p: string): PortResult {
  if (p === '') return NO_PORT;
  if (!/^[0-9]+$/.test(p)) return { error: `port "${shown(p)}" is not a number` };
  const digits = p.replace(/^0+(?=.)/, '');
  const port = digits.length > 5 ? Number.POSITIVE_INFINITY : Number(digits);
  if (port > 65535) return { error: `port ${shown(digits)} is out of range (0-65535)` };
  return { port };
}
