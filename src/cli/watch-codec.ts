/**
 * The wire format of `watch --server`'s StreamPredict calls, written by hand for the two messages it
 * sends and reads, because the generated codec cost the watcher more CPU than the server spends on a
 * repeat: a request is encoded straight from the window's items into one Buffer (no message objects),
 * and an answer is decoded straight into the watcher's Answer, reading only the fields it uses and
 * skipping the enrichment sub-messages of the full view. Indicator, model and reasons are decoded
 * when first read (only answers that are written out are), and the never-alert judgement is made
 * from the reason codes' bytes.
 *
 * The result is the Answer that decoding with the generated StreamPredictResponse and mapping it with
 * answerOfPrediction gives (test/watch/codec.test.ts checks both ways on encoded messages): reasons are
 * {code, message, weight} objects in that key order, as the generated decoder makes them, because
 * they are written out with JSON.stringify.
 */
import { IndicatorType, Verdict } from '../gen/threatpredict/v1/prediction';
import { TYPE_TO_KIND } from '../server/convert';
import { type Answer, NEVER_ALERT_CODES, type VerdictName } from '../watch/answer';
import type { WatchType } from '../watch/record';
import type { WireItem } from '../watch/transport';

/** IndicatorType numbers, for the types a reader asserts. */
const TYPE_NUMBERS: Record<WatchType, number> = {
  domain: IndicatorType.INDICATOR_TYPE_DOMAIN,
  url: IndicatorType.INDICATOR_TYPE_URL,
  ip: IndicatorType.INDICATOR_TYPE_IP,
  email_address: IndicatorType.INDICATOR_TYPE_EMAIL_ADDRESS,
  file_hash: IndicatorType.INDICATOR_TYPE_FILE_HASH,
};

/** IndicatorType number -> kind name, from the service's own table (src/server/convert.ts). */
const KINDS: (string | undefined)[] = [];
for (const [n, k] of TYPE_TO_KIND) KINDS[n] = k;
/** Verdict number -> name. */
const VERDICT_NAMES: (VerdictName | undefined)[] = [];
VERDICT_NAMES[Verdict.VERDICT_BENIGN] = 'benign';
VERDICT_NAMES[Verdict.VERDICT_SUSPICIOUS] = 'suspicious';
VERDICT_NAMES[Verdict.VERDICT_MALICIOUS] = 'malicious';

const ERROR_INFO_URL = 'type.googleapis.com/google.rpc.ErrorInfo';

function varintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

function writeVarint(buf: Buffer, pos: number, n: number): number {
  while (n >= 0x80) {
    buf[pos++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  buf[pos++] = n;
  return pos;
}

let lengths = new Int32Array(1024);

/**
 * StreamPredictRequest {items: [{id: "0", "1", ..., value, type}], view}: what the generated encoder
 * writes for the same message (ids are the item's place in its batch, as before).
 */
export function encodeStreamRequest(items: readonly WireItem[], view: number): Buffer {
  const n = items.length;
  if (lengths.length < n) lengths = new Int32Array(n);
  let total = view === 0 ? 0 : 2;
  for (let i = 0; i < n; i++) {
    const it = items[i] as WireItem;
    const vlen = Buffer.byteLength(it.value, 'utf8');
    lengths[i] = vlen;
    const idLen = i < 10 ? 1 : i < 100 ? 2 : i < 1000 ? 3 : String(i).length;
    const inner = 2 + idLen + (vlen === 0 ? 0 : 1 + varintSize(vlen) + vlen) + (it.type === undefined ? 0 : 2);
    total += 1 + varintSize(inner) + inner;
  }
  const buf = Buffer.allocUnsafe(total);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const it = items[i] as WireItem;
    const vlen = lengths[i] as number;
    const id = String(i);
    const inner = 2 + id.length + (vlen === 0 ? 0 : 1 + varintSize(vlen) + vlen) + (it.type === undefined ? 0 : 2);
    buf[pos++] = 0x0a; // items, length-delimited
    pos = writeVarint(buf, pos, inner);
    buf[pos++] = 0x0a; // id
    buf[pos++] = id.length;
    pos += buf.write(id, pos, 'latin1');
    if (vlen > 0) {
      buf[pos++] = 0x12; // value
      pos = writeVarint(buf, pos, vlen);
      pos += buf.write(it.value, pos, vlen, 'utf8');
    }
    if (it.type !== undefined) {
      buf[pos++] = 0x18; // type
      buf[pos++] = TYPE_NUMBERS[it.type];
    }
  }
  if (view !== 0) {
    buf[pos++] = 0x10;
    buf[pos++] = view;
  }
  if (pos !== total) throw new Error(`request encoding wrote ${pos} bytes of ${total}`);
  return buf;
}

type Reason = { code: string; message: string; weight: number };

/** A reader over one message's bytes: varints, lengths and skips, with bounds checked. */
class Reader {
  pos: number;
  constructor(
    public buf: Buffer,
    start: number,
    public end: number,
  ) {
    this.pos = start;
  }

  /** This reader over another span: the readers of the per-answer path are reused, not made per answer. */
  over(buf: Buffer, start: number, end: number): this {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    return this;
  }

  /** A varint's low 32 bits (unsigned); longer varints (negative int32) are read to their end. */
  varint(): number {
    const buf = this.buf;
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error('truncated varint in the server answer');
      const b = buf[this.pos++] as number;
      if (shift < 32) result |= (b & 0x7f) << shift;
      shift += 7;
      if (b < 0x80) return result >>> 0;
    }
    throw new Error('overlong varint in the server answer');
  }

  /** The end of a length-delimited field that starts here. */
  delimited(): number {
    const len = this.varint();
    const end = this.pos + len;
    if (end > this.end) throw new Error('a field runs past the end of the server answer');
    return end;
  }

  string(): string {
    const end = this.delimited();
    const s = this.buf.toString('utf8', this.pos, end);
    this.pos = end;
    return s;
  }

  float(): number {
    if (this.pos + 4 > this.end) throw new Error('truncated float in the server answer');
    const v = this.buf.readFloatLE(this.pos);
    this.pos += 4;
    return v;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.pos += 8;
        break;
      case 2:
        this.pos = this.delimited();
        return;
      case 5:
        this.pos += 4;
        break;
      default:
        throw new Error(`wire type ${wireType} in the server answer`);
    }
    if (this.pos > this.end) throw new Error('a field runs past the end of the server answer');
  }
}

// Readers reused by the per-answer code (each use finishes before the next starts, nothing nests in
// the same one): a Reader per answer, per reason and per model was the decoder's largest allocation.
const NESTED = new Reader(Buffer.alloc(0), 0, 0);
const REASON_CODE = new Reader(Buffer.alloc(0), 0, 0);
const PREDICTION = new Reader(Buffer.alloc(0), 0, 0);
const LAZY = new Reader(Buffer.alloc(0), 0, 0);

function reason(r: Reader, end: number): Reason {
  const o = { code: '', message: '', weight: 0 };
  const sub = NESTED.over(r.buf, r.pos, end);
  while (sub.pos < end) {
    const tag = sub.varint();
    if (tag === 10) o.code = sub.string();
    else if (tag === 18) o.message = sub.string();
    else if (tag === 29) o.weight = sub.float();
    else if ((tag & 7) === 4 || tag === 0) break;
    else sub.skip(tag & 7);
  }
  r.pos = end;
  return o;
}

function modelName(r: Reader, end: number): string {
  let name = '';
  let version = 0;
  const sub = NESTED.over(r.buf, r.pos, end);
  while (sub.pos < end) {
    const tag = sub.varint();
    if (tag === 10) name = sub.string();
    else if (tag === 16) version = sub.varint();
    else if ((tag & 7) === 4 || tag === 0) break;
    else sub.skip(tag & 7);
  }
  r.pos = end;
  return `${name}/${version}`;
}

/** google.rpc.ErrorInfo's reason (field 1) from its bytes. */
function errorInfoReason(buf: Buffer, start: number, end: number): string {
  let reason = '';
  const sub = new Reader(buf, start, end);
  while (sub.pos < end) {
    const tag = sub.varint();
    if (tag === 10) reason = sub.string();
    else if ((tag & 7) === 4 || tag === 0) break;
    else sub.skip(tag & 7);
  }
  return reason;
}

/** google.rpc.Status -> code, message and the reason of its first ErrorInfo detail. */
function status(r: Reader, end: number): NonNullable<Answer['error']> {
  let code = 0;
  let message = '';
  let reason: string | undefined;
  const sub = new Reader(r.buf, r.pos, end);
  while (sub.pos < end) {
    const tag = sub.varint();
    if (tag === 8) code = sub.varint() | 0;
    else if (tag === 18) message = sub.string();
    else if (tag === 26) {
      const dEnd = sub.delimited();
      let typeUrl = '';
      let vStart = 0;
      let vEnd = 0;
      const any = new Reader(r.buf, sub.pos, dEnd);
      while (any.pos < dEnd) {
        const t = any.varint();
        if (t === 10) typeUrl = any.string();
        else if (t === 18) {
          vEnd = any.delimited();
          vStart = any.pos;
          any.pos = vEnd;
        } else if ((t & 7) === 4 || t === 0) break;
        else any.skip(t & 7);
      }
      if (reason === undefined && typeUrl === ERROR_INFO_URL) reason = errorInfoReason(r.buf, vStart, vEnd);
      sub.pos = dEnd;
    } else if ((tag & 7) === 4 || tag === 0) break;
    else sub.skip(tag & 7);
  }
  r.pos = end;
  return { code, reason, message };
}

const NEVER_ALERT_BYTES = NEVER_ALERT_CODES.map((c) => Buffer.from(c));

function bytesAre(buf: Buffer, start: number, len: number, want: Buffer): boolean {
  if (len !== want.length) return false;
  for (let i = 0; i < len; i++) if (buf[start + i] !== want[i]) return false;
  return true;
}

/** Whether a Reason's code (its last code field, as a decoder keeps) is a never-alert one; no strings made. */
function neverAlertReason(buf: Buffer, start: number, end: number): boolean {
  let codeAt = -1;
  let codeLen = 0;
  const sub = REASON_CODE.over(buf, start, end);
  while (sub.pos < end) {
    const tag = sub.varint();
    if (tag === 10) {
      const e = sub.delimited();
      codeAt = sub.pos;
      codeLen = e - sub.pos;
      sub.pos = e;
    } else if ((tag & 7) === 4 || tag === 0) break;
    else sub.skip(tag & 7);
  }
  if (codeAt < 0) return false;
  for (const want of NEVER_ALERT_BYTES) if (bytesAre(buf, codeAt, codeLen, want)) return true;
  return false;
}

/**
 * An answer whose indicator, model and reasons stay as bytes until something reads them: only the
 * answers that are written out need them, and a recent answer kept for repeats then holds one object
 * and a share of its message's buffer instead of a dozen objects for the collector to trace.
 */
class WireAnswer implements Answer {
  readonly plainReasons = true;
  private buf: Buffer | undefined;
  private ind = '';
  private mdl: string | undefined;
  private rsn: Reason[] = [];
  constructor(
    buf: Buffer,
    private readonly start: number,
    private readonly end: number,
    readonly type: string | undefined,
    readonly verdict: VerdictName | undefined,
    readonly score: number | undefined,
    readonly error: Answer['error'],
    readonly neverAlert: boolean,
  ) {
    this.buf = buf;
  }

  get indicator(): string {
    if (this.buf !== undefined) this.decode();
    return this.ind;
  }

  get model(): string | undefined {
    if (this.buf !== undefined) this.decode();
    return this.mdl;
  }

  get reasons(): Reason[] {
    if (this.buf !== undefined) this.decode();
    return this.rsn;
  }

  private decode(): void {
    const sub = LAZY.over(this.buf as Buffer, this.start, this.end);
    this.buf = undefined;
    while (sub.pos < this.end) {
      const tag = sub.varint();
      if (tag === 18) this.ind = sub.string();
      else if (tag === 50) this.mdl = modelName(sub, sub.delimited());
      else if (tag === 58) this.rsn.push(reason(sub, sub.delimited()));
      else if ((tag & 7) === 4 || tag === 0) break;
      else sub.skip(tag & 7);
    }
  }
}

function prediction(r: Reader, end: number): Answer {
  const start = r.pos;
  let type = 0;
  let verdict = 0;
  let score: number | undefined;
  let error: Answer['error'];
  let neverAlertCode = false;
  const sub = PREDICTION.over(r.buf, start, end);
  while (sub.pos < end) {
    const tag = sub.varint();
    switch (tag) {
      case 24:
        type = sub.varint() | 0;
        continue;
      case 37:
        score = sub.float();
        continue;
      case 40:
        verdict = sub.varint() | 0;
        continue;
      case 58: {
        const e = sub.delimited();
        if (!neverAlertCode) neverAlertCode = neverAlertReason(r.buf, sub.pos, e);
        sub.pos = e;
        continue;
      }
      case 122: {
        const e = sub.delimited();
        error = status(sub, e);
        continue;
      }
    }
    if ((tag & 7) === 4 || tag === 0) break;
    sub.skip(tag & 7); // id, indicator and model (read when needed), enrichment, fields added later
  }
  r.pos = end;
  const v = VERDICT_NAMES[verdict];
  // neverAlerts() of answer.ts, worked out here.
  const never = neverAlertCode || (error === undefined && v === 'benign' && score === undefined);
  return new WireAnswer(r.buf, start, end, KINDS[type], v, score, error, never);
}

/** StreamPredictResponse bytes -> one Answer per result, in order. */
export function decodeStreamAnswers(buf: Buffer): Answer[] {
  const out: Answer[] = [];
  const r = new Reader(buf, 0, buf.length);
  while (r.pos < r.end) {
    const tag = r.varint();
    if (tag === 10) {
      const e = r.delimited();
      out.push(prediction(r, e));
    } else if ((tag & 7) === 4 || tag === 0) break;
    else r.skip(tag & 7);
  }
  return out;
}
