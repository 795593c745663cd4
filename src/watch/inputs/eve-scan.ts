/**
 * The fast path of the EVE reader: one pass over the line's characters that checks it is JSON and
 * picks out the few fields watch uses, instead of JSON.parse building every key and value of the
 * event (a third of watch's CPU per record went there and into collecting the garbage).
 *
 * It gives up (returns `null`, and the caller reads the line with JSON.parse as before) on anything
 * unusual: a line not starting with `{`, any deviation from the JSON grammar, a repeated key among
 * those it reads, an escaped key, a number timestamp, a missing or empty event_type, nesting deeper
 * than 64. Escaped strings it needs are decoded by JSON.parse of that string alone. DNS answers and
 * queries, fileinfo, smtp and email sub-objects are handed, as their own text, to JSON.parse and the
 * same code as the slow path. So whenever it answers, the answer is the one the slow path gives
 * (test/watch/eve-scan.test.ts compares the two on fixtures, generated events and mutations).
 */
/** What the slow path's helpers need from the scan: the parts it read, and ways to finish a record. */
export interface EveParts {
  eventType: string;
  ts: string | undefined;
  /**
   * When flow_id is a JSON number: its digits as the text gives them (what the slow path's expression
   * finds), since a 64-bit id does not fit a double.
   */
  flowId: string | undefined;
  srcIp: string | undefined;
  destIp: string | undefined;
  dnsRrname: string | undefined;
  /** The dns object's text when it has queries, answers or grouped: read by the slow path's code. */
  dnsText: string | undefined;
  http: boolean;
  httpUrl: string | undefined;
  httpHostname: string | undefined;
  /** http_port when it is a number. */
  httpPort: number | undefined;
  httpRefer: string | undefined;
  tlsSni: string | undefined;
  fileinfoText: string | undefined;
  smtpText: string | undefined;
  emailText: string | undefined;
}

// The line being scanned: bytes [base, n) of b. Outside it at() reads -1, as charCodeAt read NaN
// past a string's end, so the grammar checks below stop at the line's end.
let b: Buffer = Buffer.alloc(0);
let n = 0;
const MAX_DEPTH = 64;

function at(i: number): number {
  return i < n ? (b[i] as number) : -1;
}

/** Whether the bytes at i are the ASCII `word`. */
function bytesAt(i: number, word: string): boolean {
  if (i + word.length > n) return false;
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word.charCodeAt(k)) return false;
  return true;
}

/** The bytes [from, to) as text (UTF-8; invalid bytes become U+FFFD, as reading the whole line did). */
function utf8(from: number, to: number): string {
  return b.toString('utf8', from, to);
}

/** Past JSON whitespace (exactly JSON.parse's: space, tab, LF, CR). */
function ws(i: number): number {
  for (;;) {
    const c = at(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) i++;
    else return i;
  }
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

let escaped = false;

/** A string starting at i (its `"`): the index past its closing quote, or -1. Sets `escaped`. */
function str(i: number): number {
  escaped = false;
  let j = i + 1;
  for (;;) {
    const c = at(j);
    if (c === 34) return j + 1;
    if (c === 92) {
      escaped = true;
      const e = at(j + 1);
      if (e === 117) {
        if (!isHex(at(j + 2)) || !isHex(at(j + 3))) return -1;
        if (!isHex(at(j + 4)) || !isHex(at(j + 5))) return -1;
        j += 6;
      } else if (e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116)
        j += 2;
      else return -1;
    } else if (c < 32)
      return -1; // a control character, or the end of the line (-1)
    else j++;
  }
}

function digits(j: number): number {
  while (at(j) >= 48 && at(j) <= 57) j++;
  return j;
}

/** A number per JSON's grammar starting at i: the index past it, or -1. */
function num(i: number): number {
  let j = i;
  if (at(j) === 45) j++;
  const c = at(j);
  if (c === 48) j++;
  else if (c >= 49 && c <= 57) j = digits(j + 1);
  else return -1;
  if (at(j) === 46) {
    const k = digits(j + 1);
    if (k === j + 1) return -1;
    j = k;
  }
  const e = at(j);
  if (e === 101 || e === 69) {
    j++;
    const sign = at(j);
    if (sign === 43 || sign === 45) j++;
    const k = digits(j);
    if (k === j) return -1;
    j = k;
  }
  return j;
}

/** Any JSON value starting at i (no whitespace before it): the index past it, or -1. */
function value(i: number, depth: number): number {
  const c = at(i);
  if (c === 34) return str(i);
  if (c === 123 || c === 91) {
    if (depth >= MAX_DEPTH) return -1;
    const close = c === 123 ? 125 : 93;
    let j = ws(i + 1);
    if (at(j) === close) return j + 1;
    for (;;) {
      if (c === 123) {
        if (at(j) !== 34) return -1;
        j = str(j);
        if (j < 0) return -1;
        j = ws(j);
        if (at(j) !== 58) return -1;
        j = ws(j + 1);
      }
      j = value(j, depth + 1);
      if (j < 0) return -1;
      j = ws(j);
      const d = at(j);
      if (d === close) return j + 1;
      if (d !== 44) return -1;
      j = ws(j + 1);
    }
  }
  if (c === 116) return bytesAt(i, 'true') ? i + 4 : -1;
  if (c === 102) return bytesAt(i, 'false') ? i + 5 : -1;
  if (c === 110) return bytesAt(i, 'null') ? i + 4 : -1;
  return num(i);
}

/** The string value spanning [from, to) (quotes included), decoded; JSON.parse only when escaped. */
function text(from: number, to: number): string {
  for (let i = from + 1; i < to - 1; i++) if (b[i] === 92) return JSON.parse(utf8(from, to)) as string;
  return utf8(from + 1, to - 1);
}

/** str() of the slow path: a non-empty string value, else undefined. */
function nonEmpty(from: number, to: number): string | undefined {
  if (at(from) !== 34 || to - from === 2) return undefined;
  return text(from, to);
}

const keyIs = (ks: number, len: number, name: string) => len === name.length && bytesAt(ks, name);

// Spans of the values read from one object: start and end per slot, -1 when absent.
const spanFrom = new Int32Array(16);
const spanTo = new Int32Array(16);

/**
 * The object starting at i: the index past it, or -1; the values of the keys `slot` names are left
 * in spanFrom/spanTo (a key seen twice gives up: JSON.parse keeps the last, and nothing here should
 * need to know that).
 */
function object(i: number, slots: number, slot: (ks: number, len: number) => number): number {
  spanFrom.fill(-1, 0, slots);
  let j = ws(i + 1);
  if (at(j) === 125) return j + 1;
  for (;;) {
    if (at(j) !== 34) return -1;
    const ks = j + 1;
    j = str(j);
    if (j < 0 || escaped) return -1;
    const k = slot(ks, j - 1 - ks);
    j = ws(j);
    if (at(j) !== 58) return -1;
    j = ws(j + 1);
    const vs = j;
    j = value(j, 1);
    if (j < 0) return -1;
    if (k >= 0) {
      if (spanFrom[k] !== -1) return -1;
      spanFrom[k] = vs;
      spanTo[k] = j;
    }
    j = ws(j);
    const d = at(j);
    if (d === 125) return j + 1;
    if (d !== 44) return -1;
    j = ws(j + 1);
  }
}

/** Slots of the top-level keys read. */
const Top = {
  Timestamp: 0,
  FlowId: 1,
  EventType: 2,
  SrcIp: 3,
  DestIp: 4,
  Dns: 5,
  Http: 6,
  Tls: 7,
  Fileinfo: 8,
  Smtp: 9,
  Email: 10,
  Count: 11,
} as const;

function topSlot(ks: number, len: number): number {
  switch (len) {
    case 3:
      return keyIs(ks, len, 'dns') ? Top.Dns : keyIs(ks, len, 'tls') ? Top.Tls : -1;
    case 4:
      return keyIs(ks, len, 'http') ? Top.Http : keyIs(ks, len, 'smtp') ? Top.Smtp : -1;
    case 5:
      return keyIs(ks, len, 'email') ? Top.Email : -1;
    case 6:
      return keyIs(ks, len, 'src_ip') ? Top.SrcIp : -1;
    case 7:
      return keyIs(ks, len, 'flow_id') ? Top.FlowId : keyIs(ks, len, 'dest_ip') ? Top.DestIp : -1;
    case 8:
      return keyIs(ks, len, 'fileinfo') ? Top.Fileinfo : -1;
    case 9:
      return keyIs(ks, len, 'timestamp') ? Top.Timestamp : -1;
    case 10:
      return keyIs(ks, len, 'event_type') ? Top.EventType : -1;
    default:
      return -1;
  }
}

function dnsSlot(ks: number, len: number): number {
  if (keyIs(ks, len, 'rrname')) return 0;
  if (keyIs(ks, len, 'queries')) return 1;
  if (keyIs(ks, len, 'answers')) return 2;
  if (keyIs(ks, len, 'grouped')) return 3;
  return -1;
}

function httpSlot(ks: number, len: number): number {
  if (keyIs(ks, len, 'hostname')) return 0;
  if (keyIs(ks, len, 'url')) return 1;
  if (keyIs(ks, len, 'http_port')) return 2;
  if (keyIs(ks, len, 'http_refer')) return 3;
  return -1;
}

function tlsSlot(ks: number, len: number): number {
  return keyIs(ks, len, 'sni') ? 0 : -1;
}

/** Copies spanFrom/spanTo of the top level, since reading a sub-object reuses them. */
const topFrom = new Int32Array(Top.Count);
const topTo = new Int32Array(Top.Count);

const isObject = (slot: number) => topFrom[slot] !== -1 && at(topFrom[slot] as number) === 123;
const sliceOf = (slot: number) => utf8(topFrom[slot] as number, topTo[slot] as number);

const FLOW_ID = /"flow_id"\s*:\s*(\d+)/;
const FLOW_ID_KEY = '"flow_id"';

/**
 * What `/"flow_id"\s*:\s*(\d+)/` finds in the line's text (the slow path's rule: the first place it
 * matches, wherever that is), read from the bytes when the first `"flow_id"` is followed by ASCII
 * whitespace, a colon and digits; anything else is left to the expression on the decoded line.
 */
function flowIdDigits(from: number): string | undefined {
  let k = -1;
  for (let i = from; i + FLOW_ID_KEY.length <= n; i++)
    if (b[i] === 34 && bytesAt(i, FLOW_ID_KEY)) {
      k = i + FLOW_ID_KEY.length;
      break;
    }
  if (k !== -1) {
    const space = (c: number) => c === 32 || (c >= 9 && c <= 13); // \s among ASCII bytes
    while (space(at(k))) k++;
    if (at(k) === 58) {
      k++;
      while (space(at(k))) k++;
      let d = k;
      while (at(d) >= 48 && at(d) <= 57) d++;
      if (d > k) return b.toString('latin1', k, d);
    }
  }
  return FLOW_ID.exec(utf8(from, n))?.[1];
}

/**
 * The parts of an EVE line held as UTF-8 bytes [from, to) of `buf` (without its newline), or null:
 * read it with JSON.parse instead. Values are made from the bytes, so no text of the whole line is
 * made, and the values kept while answers are awaited hold no share of a line's text.
 */
export function scanEveBytes(buf: Buffer, from: number, to: number): EveParts | null {
  if (buf[from] !== 123 || to <= from) return null;
  b = buf;
  n = to;
  try {
    const end = object(from, Top.Count, topSlot);
    if (end < 0 || ws(end) !== to) return null;
    for (let k = 0; k < Top.Count; k++) {
      topFrom[k] = spanFrom[k] as number;
      topTo[k] = spanTo[k] as number;
    }

    const et = topFrom[Top.EventType] as number;
    if (et === -1) return null;
    const eventType = nonEmpty(et, topTo[Top.EventType] as number);
    if (eventType === undefined) return null;
    let ts: string | undefined;
    const t = topFrom[Top.Timestamp] as number;
    if (t !== -1) {
      const c = at(t);
      if (c === 34) ts = text(t, topTo[Top.Timestamp] as number);
      else if (c === 45 || (c >= 48 && c <= 57)) return null; // a number timestamp: rare, the slow path keeps it
    }
    const f = topFrom[Top.FlowId] as number;
    const fc = f === -1 ? 0 : at(f);
    const parts: EveParts = {
      eventType,
      ts,
      flowId: fc === 45 || (fc >= 48 && fc <= 57) ? flowIdDigits(from) : undefined,
      srcIp: topFrom[Top.SrcIp] === -1 ? undefined : nonEmpty(topFrom[Top.SrcIp] as number, topTo[Top.SrcIp] as number),
      destIp:
        topFrom[Top.DestIp] === -1 ? undefined : nonEmpty(topFrom[Top.DestIp] as number, topTo[Top.DestIp] as number),
      dnsRrname: undefined,
      dnsText: undefined,
      http: false,
      httpUrl: undefined,
      httpHostname: undefined,
      httpPort: undefined,
      httpRefer: undefined,
      tlsSni: undefined,
      fileinfoText: isObject(Top.Fileinfo) ? sliceOf(Top.Fileinfo) : undefined,
      smtpText: isObject(Top.Smtp) ? sliceOf(Top.Smtp) : undefined,
      emailText: isObject(Top.Email) ? sliceOf(Top.Email) : undefined,
    };
    if (isObject(Top.Dns)) {
      if (object(topFrom[Top.Dns] as number, 4, dnsSlot) < 0) return null;
      if (spanFrom[1] !== -1 || spanFrom[2] !== -1 || spanFrom[3] !== -1) parts.dnsText = sliceOf(Top.Dns);
      else if (spanFrom[0] !== -1) parts.dnsRrname = nonEmpty(spanFrom[0] as number, spanTo[0] as number);
    }
    if (isObject(Top.Http)) {
      if (object(topFrom[Top.Http] as number, 4, httpSlot) < 0) return null;
      parts.http = true;
      if (spanFrom[0] !== -1) parts.httpHostname = nonEmpty(spanFrom[0] as number, spanTo[0] as number);
      if (spanFrom[1] !== -1) parts.httpUrl = nonEmpty(spanFrom[1] as number, spanTo[1] as number);
      const p = spanFrom[2] as number;
      if (p !== -1) {
        const c = at(p);
        if (c === 45 || (c >= 48 && c <= 57)) parts.httpPort = Number(buf.toString('latin1', p, spanTo[2]));
      }
      if (spanFrom[3] !== -1) parts.httpRefer = nonEmpty(spanFrom[3] as number, spanTo[3] as number);
    }
    if (isObject(Top.Tls)) {
      if (object(topFrom[Top.Tls] as number, 1, tlsSlot) < 0) return null;
      if (spanFrom[0] !== -1) parts.tlsSni = nonEmpty(spanFrom[0] as number, spanTo[0] as number);
    }
    return parts;
  } catch {
    return null; // a stack overflow or anything unforeseen: the slow path decides
  } finally {
    b = EMPTY;
    n = 0;
  }
}

const EMPTY = Buffer.alloc(0);
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * scanEveBytes of a line given as text. Text that is not well-formed UTF-16 (a lone surrogate, which
 * no decoded file holds) has no UTF-8 bytes of its own: JSON.parse reads it.
 */
export function scanEve(line: string): EveParts | null {
  if (line.charCodeAt(0) !== 123 || LONE_SURROGATE.test(line)) return null;
  const buf = Buffer.from(line, 'utf8');
  return scanEveBytes(buf, 0, buf.length);
}
