/**
 * URL canonicalisation after Google Safe Browsing ("URLs and Hashing", Canonicalization): strip
 * tab/CR/LF, trim, drop the fragment, percent-decode to a fixed point, canonicalise host and path,
 * then re-escape octets <= 0x20, >= 0x7F, `#` and `%`. The query is kept as is (re-escaped).
 *
 * Deliberate differences from Safe Browsing, each because this service must say *which* site a URL
 * points at, and a host no browser would resolve is not a site:
 * - a host with spaces, control octets or characters a DNS name cannot hold is an error, not an
 *   escaped host (`http://%01%80.com/`, `http://%20leadingspace.com/`, `http://host%23.com/`);
 * - a non-default port is kept in the URL (`:8080`), the default one (80, 443, 21) is dropped;
 * - user-info is dropped and reported (`hadUserinfo`), and `\` ends the host as in browsers.
 * Analyst forms are accepted: defanged (`hxxp`, `[.]`), no scheme (`example.com/a` is http).
 *
 * Hand-written instead of `new URL()`: WHATWG parsing does not decode to a fixed point, keeps `//`
 * and rejects inputs Safe Browsing accepts; and it is slower than this on the hot path.
 */
import { itemError } from '../../errors';
import type { DomainName } from '../domain/parse';
import { fail, ok, type Parsed } from '../types';
import { authorityEnd, parsePort, splitAuthority } from './authority';
import { refang } from './defang';
import { canonicalHost, type HostKind } from './host';
import { canonicalPath } from './path';
import { escapeBytes, shown, toByteString, unescapeFully } from './percent';

export interface CanonicalUrl {
  /** The canonical URL string, e.g. `http://195.127.0.11/blah`. */
  url: string;
  /** `http`, `https` or `ftp`. */
  scheme: string;
  /** Lower-case ASCII (punycode) name, dotted-quad IPv4, or bracketed compressed IPv6. */
  host: string;
  hostKind: HostKind;
  /** Port written in the URL, 0 when none was (a written default port is reported but not kept in `url`). */
  port: number;
  /** Canonical, escaped path; at least `/`. */
  path: string;
  /** Escaped query without the `?`; empty when there is none (the `url` keeps a bare `?`). */
  query: string;
  hadUserinfo: boolean;
  /** The input was defanged (`hxxp`, `[.]`, ...) and was refanged first. */
  defanged: boolean;
  /** The parsed host name when `hostKind` is `domain`. */
  domain: DomainName | undefined;
}

export interface CanonicalizeOptions {
  /** Longest accepted input, in UTF-16 code units. Default DEFAULT_MAX_URL_LENGTH. */
  maxLength?: number;
}

export const DEFAULT_MAX_URL_LENGTH = 8192;

const DEFAULT_PORT: Readonly<Record<string, number>> = { http: 80, https: 443, ftp: 21 };
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;
// Anything that may need cleaning: octets <= 0x20 or >= 0x7F, `#`, `%`, `\`, the openers of
// defanged forms `[ ( {`, and `hxxp` in any case. (No /i flag: with it, `ſ` would match `s`.)
const NOT_PLAIN = /[^\x21\x22\x24\x26\x27\x29-\x5a\x5d-\x7a\x7c-\x7e]|[hH][xX][xX][pP]/;
const PORT_AFTER_COLON = /^[0-9]+(?:[/?\\]|$)/;

function invalid(message: string, raw: string): Parsed<CanonicalUrl> {
  return fail(itemError('INVALID_URL', message, { value: raw.slice(0, 256) }));
}

/** Removes tab, CR and LF anywhere, then leading/trailing spaces and control characters. */
function cleanWhitespace(s: string): string {
  if (/[\t\r\n]/.test(s)) s = s.replace(/[\t\r\n]+/g, '');
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) <= 0x20) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** The scheme, and where what follows it (`//` and the scheme taken off) starts in the value. */
interface SchemeSplit {
  scheme: string;
  rest: number;
}

// The answers for most URLs, made once: a new `{ scheme, rest }` per URL was garbage.
const HTTP: SchemeSplit = Object.freeze({ scheme: 'http', rest: 7 });
const HTTPS: SchemeSplit = Object.freeze({ scheme: 'https', rest: 8 });
const SLASHES_ONLY: SchemeSplit = Object.freeze({ scheme: 'http', rest: 2 });
const NO_SCHEME: SchemeSplit = Object.freeze({ scheme: 'http', rest: 0 });

/** Finds the scheme; with none (`example.com/a`, `host:8080/a`, `//host/a`) the URL is http. */
function splitScheme(s: string): SchemeSplit | { error: string } {
  // Most URLs: what the general case below makes of them, without its match.
  if (s.startsWith('http://')) return HTTP;
  if (s.startsWith('https://')) return HTTPS;
  if (s.startsWith('//')) return SLASHES_ONLY;
  if (s.startsWith('://')) return { error: 'URL has no scheme before "://"' };
  const m = SCHEME.exec(s);
  if (m === null) return NO_SCHEME;
  const name = (m[1] as string).toLowerCase();
  const after = m[0].length;
  if (s.startsWith('//', after)) {
    if (DEFAULT_PORT[name] === undefined)
      return { error: `scheme "${shown(name)}" is not supported; only http, https and ftp are` };
    return { scheme: name, rest: after + 2 };
  }
  // `www.example.com:8080/x` and `localhost:8080` are a host and port, not a scheme.
  if (name.includes('.') || PORT_AFTER_COLON.test(s.slice(after))) return NO_SCHEME;
  if (DEFAULT_PORT[name] !== undefined) return { error: `"${name}:" must be followed by "//"` };
  return { error: `scheme "${shown(name)}" is not supported; only http, https and ftp are` };
}

/**
 * Whether `raw` is already the canonical URL made of these parts (most URLs sent are): it is then
 * answered as it came, a flat string, instead of a new concatenation that the encoder flattens again.
 */
function sameUrl(
  raw: string,
  scheme: string,
  host: string,
  portPart: string,
  path: string,
  query: string | undefined,
): boolean {
  const p = scheme.length + 3 + host.length + portPart.length;
  const length = p + path.length + (query === undefined ? 0 : 1 + query.length);
  return (
    raw.length === length &&
    raw.startsWith(scheme) &&
    raw.startsWith('://', scheme.length) &&
    raw.startsWith(host, scheme.length + 3) &&
    raw.startsWith(portPart, p - portPart.length) &&
    raw.startsWith(path, p) &&
    (query === undefined || (raw.charCodeAt(p + path.length) === 63 && raw.startsWith(query, p + path.length + 1)))
  );
}

/** Parses and canonicalises one URL. Bad input is a per-item error (INVALID_URL, INDICATOR_*), never a throw. */
export function canonicalizeUrl(raw: string, opts: CanonicalizeOptions = {}): Parsed<CanonicalUrl> {
  const maxLength = opts.maxLength ?? DEFAULT_MAX_URL_LENGTH;
  if (raw.length > maxLength) {
    return fail(
      itemError('INDICATOR_TOO_LONG', `URL is ${raw.length} characters; the maximum is ${maxLength}`, {
        length: String(raw.length),
        maxLength: String(maxLength),
      }),
    );
  }
  // Most URLs are printable ASCII with nothing to strip, decode, refang or escape: one scan decides.
  const plain = !NOT_PLAIN.test(raw);
  let s = raw;
  let defanged = false;
  if (!plain) {
    s = cleanWhitespace(raw);
    if (s === '') return fail(itemError('INDICATOR_EMPTY', 'URL is empty'));
    const hash = s.indexOf('#');
    if (hash >= 0) s = s.slice(0, hash);
    s = unescapeFully(toByteString(s));
    // Refang after decoding, not before: `%2ehxxp` decodes to `.hxxp`, and refanging it on a second
    // pass would make canonicalisation of a canonical URL change it again.
    const decoded = s;
    s = refang(s);
    defanged = s !== decoded;
  } else if (s === '') {
    return fail(itemError('INDICATOR_EMPTY', 'URL is empty'));
  }

  // The parts are found by their indexes in `s` and only the host, port, path and query cut out.
  const split = splitScheme(s);
  if ('error' in split) return invalid(split.error, raw);
  const scheme = split.scheme;

  const end = authorityEnd(s, split.rest);
  const auth = splitAuthority(s, split.rest, end);
  if ('error' in auth) return invalid(auth.error, raw);
  const host = canonicalHost(auth.host);
  if ('error' in host) return invalid(host.error, raw);
  const port = parsePort(auth.port);
  if ('error' in port) return invalid(port.error, raw);

  const q = s.indexOf('?', end);
  const writtenPath = q >= 0 ? s.slice(end, q) : s.slice(end);
  const path = canonicalPath(writtenPath);
  const query = q >= 0 ? s.slice(q + 1) : '';
  const escapedPath = plain ? path : escapeBytes(path);
  const escapedQuery = plain ? query : escapeBytes(query);

  const { host: h, hostKind, domain } = host;
  const portPart = port.port === DEFAULT_PORT[scheme] || auth.port === '' ? '' : `:${port.port}`;
  // A plain value is `s` itself, and the parts above were cut out of it: it is the canonical URL when
  // the scheme was written in lower case before `://`, there was no user-info, and the host, the port
  // and the path were kept as written (the query always is). That is asked of the parts' ends, not
  // of their text again as sameUrl does (~1.5% of a new URL's CPU); a value it misses is still
  // answered with the same text, a concatenation.
  const asWritten = plain
    ? split.rest === scheme.length + 3 &&
      raw.startsWith(scheme) &&
      !auth.hadUserinfo &&
      h === auth.host &&
      end === split.rest + h.length + portPart.length &&
      raw.startsWith(portPart, split.rest + h.length) &&
      path === writtenPath
    : sameUrl(raw, scheme, h, portPart, escapedPath, q >= 0 ? escapedQuery : undefined);
  const url = asWritten ? raw : `${scheme}://${h}${portPart}${escapedPath}${q >= 0 ? `?${escapedQuery}` : ''}`;
  return ok({
    url,
    scheme,
    host: h,
    hostKind,
    port: port.port,
    path: escapedPath,
    query: escapedQuery,
    hadUserinfo: auth.hadUserinfo,
    defanged,
    domain,
  });
}
