/**
 * Link-rewriting gateways: a mail gateway replaces every link in a message with a link to its own
 * checker that carries the original. The gateway's host is legitimate and says nothing about the
 * link; the link it wraps is what a reader would reach, so that is what the URL model must score.
 *
 * Decoded here, each exactly as its vendor's published decoder does (anything that decoder would
 * reject, or that this one cannot follow exactly, is refused, never guessed):
 * - Proofpoint URL Defense v1 and v2 (`urldefense[.proofpoint].com/v1|v2/url?u=...`: the `u`
 *   parameter, v2 with `-` for `%` and `_` for `/`, then HTML character references undone) and v3
 *   (`urldefense.com/v3/__<url>__;<b64>!...`: `*` takes the next character of the base64url-encoded
 *   table, `**X` the next run of 2..65 of them, X one of `A-Za-z0-9-_`), after Proofpoint's
 *   URLDefenseDecode.py 3.0.1;
 * - Microsoft Defender Safe Links (`<region>.safelinks.protection.outlook.com/?url=...`);
 * - Google's redirector (`www.google.com/url?q=...`, or `url=` from search results);
 * - Barracuda Link Protection (`linkprotect.cudasvc.com/url?a=<percent-encoded>&c=...`);
 * - Cisco Secure Email, formerly IronPort (`secure-web.cisco.com/<token>/<percent-encoded>`: the
 *   target is the whole path after the token);
 * - Trend Micro click-time protection (`<instance>.trendmicro.com/wis/clicktime/v1/query?url=...`);
 * - Sophos Time-of-Click (`<region>.protection.sophos.com/?d=<domain>&u=<base64 of the URL>`: the
 *   decoded URL must be on the domain `d` names, or the link was altered).
 * Mimecast URL Protect links (`protect-<region>.mimecast.com/s/<id>`) are recognised but cannot be
 * decoded: the target is kept by Mimecast, only an id is in the link.
 *
 * Decoding works on the text as written, not on the canonical URL: canonicalisation percent-decodes
 * to a fixed point, which would merge the wrapped link's `&` and `?` with the wrapper's own.
 */
import { decodeHTML } from 'entities';
import type { Reason } from '../types';
import { type CanonicalUrl, canonicalizeUrl } from './canonicalize';
import { refang } from './defang';

/** One gateway's wrapper that was taken off: which gateway, and the wrapper as canonicalised. */
export interface WrapLayer {
  gateway: string;
  wrapper: string;
}

/** How a URL was unwrapped: the layers taken off, outermost first, and why unwrapping stopped early. */
export interface Wrapping {
  layers: WrapLayer[];
  /** Set when the URL scored is itself a gateway's wrapper whose target could not be read. */
  undecoded?: { gateway: string; why: string } | undefined;
}

/** A canonical URL to score, with how it was found inside the URL given, when it was wrapped. */
export type UnwrappedUrl = CanonicalUrl & { wrapping?: Wrapping | undefined };

/** Wrappers taken off one URL at most; a deeper nest is scored at that depth, as a wrapper. */
export const MAX_WRAP_DEPTH = 4;

type Decoded = { target: string } | { why: string };

interface Gateway {
  name: string;
  decode(written: string, u: CanonicalUrl): Decoded;
}

// urldefense.us is Proofpoint's US public-sector instance: the same v2 links (R lists, 2019-2020).
const PROOFPOINT_HOSTS = new Set(['urldefense.com', 'urldefense.proofpoint.com', 'urldefense.us']);
const GOOGLE_HOSTS = new Set(['www.google.com', 'google.com']);
const SAFE_LINKS_SUFFIX = '.safelinks.protection.outlook.com';
const MIMECAST = /^(?:protect(?:-[a-z0-9]+)?\.mimecast\.com|[a-z0-9.-]+\.mimecastprotect\.com)$/;
const BARRACUDA_HOST = 'linkprotect.cudasvc.com';
const CISCO_HOST = 'secure-web.cisco.com';
const TREND_MICRO_SUFFIX = '.trendmicro.com';
const TREND_MICRO_PATH = '/wis/clicktime/v1/query';
const SOPHOS_SUFFIX = '.protection.sophos.com';

function isMimecast(h: string): boolean {
  return (h.endsWith('.mimecast.com') || h.endsWith('.mimecastprotect.com')) && MIMECAST.test(h);
}

/** The gateway whose wrapper `u` is, or undefined (the common case: Set lookups and suffix tests). */
function gatewayOf(u: CanonicalUrl): Gateway | undefined {
  const h = u.host;
  if (PROOFPOINT_HOSTS.has(h)) return /^\/v\d+\//.test(u.path) ? proofpoint : undefined;
  if (h.endsWith(SAFE_LINKS_SUFFIX)) return u.path === '/' ? safeLinks : undefined;
  if (GOOGLE_HOSTS.has(h)) return u.path === '/url' ? googleRedirect : undefined;
  if (isMimecast(h)) return u.path.startsWith('/s/') ? mimecast : undefined;
  if (h === BARRACUDA_HOST) return u.path === '/url' ? barracuda : undefined;
  if (h === CISCO_HOST) return /^\/[A-Za-z0-9_-]+\/./.test(u.path) ? cisco : undefined;
  if (h.endsWith(TREND_MICRO_SUFFIX)) return u.path === TREND_MICRO_PATH ? trendMicro : undefined;
  if (h.endsWith(SOPHOS_SUFFIX)) return u.path === '/' ? sophos : undefined;
  return undefined;
}

/**
 * Percent-decodes `s` once, as Python's `urllib.parse.unquote` does: valid `%XX` escapes become
 * octets, anything else stays, and the octets are read as UTF-8 (invalid sequences become U+FFFD).
 */
export function unquote(s: string): string {
  if (!s.includes('%')) return s;
  const bytes = Buffer.from(s, 'utf8');
  const out = Buffer.allocUnsafe(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] as number;
    if (c === 37 && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
      out[n++] = Number.parseInt(String.fromCharCode(bytes[i + 1] as number, bytes[i + 2] as number), 16);
      i += 2;
    } else out[n++] = c;
  }
  return out.toString('utf8', 0, n);
}

function isHex(c: number | undefined): boolean {
  return c !== undefined && ((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102));
}

/** The first value of query parameter `name` as written (undecoded), or undefined. */
function rawParam(written: string, name: string): string | undefined {
  const q = written.indexOf('?');
  if (q < 0) return undefined;
  const hash = written.indexOf('#', q);
  const query = hash < 0 ? written.slice(q + 1) : written.slice(q + 1, hash);
  const prefix = `${name}=`;
  for (const pair of query.split('&')) if (pair.startsWith(prefix)) return pair.slice(prefix.length);
  return undefined;
}

/** An application/x-www-form-urlencoded value, as URLSearchParams reads it (`+` is a space). */
function formValue(raw: string): string {
  return unquote(raw.replace(/\+/g, ' '));
}

const proofpoint: Gateway = {
  name: 'Proofpoint URL Defense',
  decode(written, u) {
    const version = /^\/(v\d+)\//.exec(u.path)?.[1];
    if (version === 'v1' || version === 'v2') {
      const param = rawParam(written, 'u');
      if (param === undefined || param === '') return { why: `its ${version} link has no u= parameter` };
      // v2 writes `%` as `-` and `/` as `_` (a written `-` or `_` is `-2D`, `-5F`). Both versions
      // encode the link as it stood in the HTML, so `&amp;` comes back as written: the decoder then
      // undoes character references as Python's html.unescape does (HTML5 rules, as `entities` has them).
      return { target: decodeHTML(unquote(version === 'v2' ? param.replace(/-/g, '%').replace(/_/g, '/') : param)) };
    }
    if (version === 'v3') return decodeV3(written);
    return { why: `its version ${version} is not one of the published formats (v1, v2, v3)` };
  },
};

const V3_RUN_LENGTHS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Proofpoint v3: `/v3/__<url>__;<table>!<customer>!<signature>$`. The url is percent-decoded, then
 * each `*` takes the table's next character and each `**X` its next run (A = 2 ... _ = 65). The
 * table must be used up exactly: a shorter or longer one means the link was cut or altered.
 */
function decodeV3(written: string): Decoded {
  const start = written.indexOf('/v3/__');
  if (start < 0) return { why: 'its v3 link does not start "/v3/__"' };
  const from = start + '/v3/__'.length;
  const end = written.indexOf('__;', from + 1);
  if (end < 0) return { why: 'its v3 link has no "__;" after the wrapped URL' };
  const bang = written.indexOf('!', end + 3);
  if (bang < 0) return { why: 'its v3 link has no "!" after the character table' };
  const table = written.slice(end + 3, bang);
  if (!BASE64URL.test(table) || table.length % 4 === 1) return { why: 'its v3 character table is not base64url' };
  let chars: string[];
  try {
    chars = Array.from(STRICT_UTF8.decode(Buffer.from(table, 'base64url')));
  } catch {
    return { why: 'its v3 character table is not UTF-8' };
  }
  let next = 0;
  let bad: string | undefined;
  const target = unquote(written.slice(from, end)).replace(/\*(\*.)?/gu, (token: string) => {
    const run = token.length === 1 ? 1 : V3_RUN_LENGTHS.indexOf(token.slice(2)) + 2;
    if (run === 1 && token.length > 1) bad ??= `its v3 run "${token}" has no length code`;
    else if (next + run > chars.length) bad ??= 'its v3 character table is shorter than the URL uses';
    const out = chars.slice(next, next + run).join('');
    next += run;
    return out;
  });
  if (bad !== undefined) return { why: bad };
  if (next !== chars.length) return { why: 'its v3 character table is longer than the URL uses' };
  return { target };
}

/**
 * A gateway whose wrapper carries the link in a query parameter: the first of `names` present,
 * read by `read` (form decoding, or plain percent-decoding where `+` is not a space).
 */
function queryGateway(name: string, names: readonly string[], read: (raw: string) => string): Gateway {
  const wanted = names.map((n) => `${n}=`).join(' or ');
  return {
    name,
    decode(written) {
      let raw: string | undefined;
      for (const n of names) {
        raw = rawParam(written, n);
        if (raw !== undefined) break;
      }
      if (raw === undefined || raw === '') return { why: `it has no ${wanted} parameter` };
      return { target: read(raw) };
    },
  };
}

const safeLinks = queryGateway('Microsoft Safe Links', ['url'], formValue);
const googleRedirect = queryGateway('Google redirect', ['q', 'url'], formValue);
const barracuda = queryGateway('Barracuda Link Protection', ['a'], unquote);
const trendMicro = queryGateway('Trend Micro click-time protection', ['url'], formValue);

// The token is base64url; the target follows it, percent-encoded whole (`?`, `&`, `#` included).
const CISCO_PATH = /^\/[A-Za-z0-9_-]+\/(.+)$/s;

const cisco: Gateway = {
  name: 'Cisco Secure Email',
  decode(written) {
    const authority = written.indexOf('://') + 3;
    const m = CISCO_PATH.exec(written.slice(written.indexOf('/', authority)));
    if (m === null) return { why: 'its path is not /<token>/<link>' };
    const target = unquote(m[1] as string);
    // Cisco writes the scheme; without one the path is not a wrapped link (bare names are not guessed).
    if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) return { why: 'the path after its token is not a link with a scheme' };
    return { target };
  },
};

const STANDARD_BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

const sophos: Gateway = {
  name: 'Sophos Time-of-Click',
  decode(written) {
    const raw = rawParam(written, 'u');
    if (raw === undefined || raw === '') return { why: 'it has no u= parameter' };
    const b64 = unquote(raw);
    if (!STANDARD_BASE64.test(b64) || b64.length % 4 === 1) return { why: 'its u= parameter is not base64' };
    let target: string;
    try {
      target = STRICT_UTF8.decode(Buffer.from(b64, 'base64'));
    } catch {
      return { why: 'its u= parameter is not UTF-8' };
    }
    const d = rawParam(written, 'd');
    if (d !== undefined && d !== '') {
      const domain = unquote(d).toLowerCase();
      const host = canonicalizeUrl(browserSlashes(target));
      if (host.ok && host.value.host !== domain && !host.value.host.endsWith(`.${domain}`)) {
        return { why: `the link it wraps is on ${host.value.host}, not on ${domain} as its d= parameter says` };
      }
    }
    return { target };
  },
};

const mimecast: Gateway = {
  name: 'Mimecast URL Protect',
  decode() {
    return { why: 'Mimecast keeps the target on its side; the link holds only an id' };
  },
};

/**
 * `https:/host/...` read as browsers read it, `https://host/...` (the WHATWG URL parser ignores missing
 * slashes after a special scheme). Mail clients that re-render a message's links as text (Outlook's
 * `<https://urldefense.com/v3/__https:/github.com/...>`) collapse the `//` inside the wrapper's path,
 * so the wrapped link comes out with one slash; canonicalizeUrl refuses that form for plain input.
 */
function browserSlashes(target: string): string {
  return target.replace(/^(\s*(?:https?|ftp):)\/(?!\/)/i, '$1//');
}

/** The text as canonicalisation reads it before decoding: no tab/CR/LF, trimmed, refanged. */
function written(raw: string): string {
  return refang(raw.replace(/[\t\r\n]+/g, '').trim());
}

/**
 * The URL to score for `raw`, which canonicalised to `u`: `u` itself (the same object) unless it is a
 * gateway's wrapper; then the link it wraps, unwrapped again up to MAX_WRAP_DEPTH times, with the
 * layers taken off. A wrapper whose target cannot be read is returned as itself, with `undecoded`.
 */
export function unwrapUrl(raw: string, u: CanonicalUrl): UnwrappedUrl {
  let gateway = gatewayOf(u);
  if (gateway === undefined) return u;
  const layers: WrapLayer[] = [];
  let current = u;
  let text = written(raw);
  for (;;) {
    if (layers.length === MAX_WRAP_DEPTH) {
      const why = `it is wrapped more than ${MAX_WRAP_DEPTH} times; unwrapping stopped there`;
      return { ...current, wrapping: { layers, undecoded: { gateway: gateway.name, why } } };
    }
    const d = gateway.decode(text, current);
    if ('why' in d) return { ...current, wrapping: { layers, undecoded: { gateway: gateway.name, why: d.why } } };
    const target = canonicalizeUrl(browserSlashes(d.target));
    if (!target.ok) {
      const why = `the link it wraps is not a URL that can be scored (${target.error.message})`;
      return { ...current, wrapping: { layers, undecoded: { gateway: gateway.name, why } } };
    }
    layers.push({ gateway: gateway.name, wrapper: current.url });
    current = target.value;
    text = written(d.target);
    const inner = gatewayOf(current);
    if (inner === undefined) return { ...current, wrapping: { layers } };
    gateway = inner;
  }
}

/**
 * The reason that says what was scored, for a URL unwrapUrl() unwrapped or recognised as a wrapper:
 * WRAPPED_LINK naming the gateways and the link scored in their place, or WRAPPED_LINK_UNDECODED
 * naming the gateway whose wrapper was scored as itself, and why. Undefined for a plain URL.
 */
export function wrappingReason(u: UnwrappedUrl): Reason | undefined {
  const w = u.wrapping;
  if (w === undefined) return undefined;
  const chain = w.layers.map((l) => `a ${l.gateway} link`).join(' around ');
  if (w.undecoded === undefined) {
    return { code: 'WRAPPED_LINK', message: `${chain} to ${u.url}: scored the wrapped link`, weight: 0 };
  }
  const what = `a ${w.undecoded.gateway} link`;
  const outer = chain === '' ? what : `${chain} around ${what}`;
  return {
    code: 'WRAPPED_LINK_UNDECODED',
    message: `${outer} whose target cannot be read (${w.undecoded.why}): scored ${u.url} itself`,
    weight: 0,
  };
}
