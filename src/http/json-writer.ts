/**
 * JSON text written as UTF-8 bytes into one growable buffer, reused from answer to answer (as
 * src/server/proto-writer.ts is for protobuf): a batch's JSON is copied out once instead of built as
 * a string of a thousand parts. Strings are copied from their protobuf bytes with only the escapes
 * JSON.stringify makes, so the text is JSON.stringify's, byte for byte.
 */
import { isUtf8 } from 'node:buffer';
import { GrowableBuffer } from '../growable-buffer';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const HEX = '0123456789abcdef';

/**
 * What JSON.stringify writes for each ASCII byte that needs an escape (quote, backslash and the
 * control characters; U+007F and above are written as they are): `\n` for 0x0a, `\u001f` for 0x1f.
 */
const ESCAPES: (Buffer | undefined)[] = Array.from({ length: 128 }, (_, c) => {
  const short: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };
  if (c === QUOTE) return Buffer.from('\\"');
  if (c === BACKSLASH) return Buffer.from('\\\\');
  if (c >= 0x20) return undefined;
  return Buffer.from(short[c] ?? `\\u00${HEX[c >> 4]}${HEX[c & 15]}`);
});

export class JsonWriter extends GrowableBuffer {
  /**
   * A copy of the bytes written from `start` on, in memory of its own (to keep an answer's JSON as
   * long as its cache entry): Buffer.from would cut it from Node's shared 8 KB pool, and one kept
   * answer would keep its whole slab alive.
   */
  copyFrom(start: number): Buffer {
    const out = Buffer.allocUnsafeSlow(this.pos - start);
    this.buf.copy(out, 0, start, this.pos);
    return out;
  }

  /** One ASCII character (`{`, `,`, ...). */
  byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  /** Bytes already JSON (e.g. a field's `"name":`, or what JSON.stringify gave). */
  raw(src: Uint8Array): void {
    const n = src.length;
    this.room(n);
    // Most are a few bytes: a loop costs less than a call to set().
    if (n > 64) this.buf.set(src, this.pos);
    else {
      const buf = this.buf;
      for (let i = 0; i < n; i++) buf[this.pos + i] = src[i] as number;
    }
    this.pos += n;
  }

  /** ASCII text already JSON (a number, `false`). */
  ascii(s: string): void {
    const n = s.length;
    this.room(n);
    const buf = this.buf;
    for (let i = 0; i < n; i++) buf[this.pos + i] = s.charCodeAt(i);
    this.pos += n;
  }

  /**
   * The protobuf string in `src[start, end)` as a JSON string. Returns false, having written nothing
   * that counts, when the bytes are not UTF-8: protobuf-es refuses such a proto3 string.
   */
  string(src: Uint8Array, start: number, end: number): boolean {
    // Every byte takes at most 6 (\u00XX), plus the quotes.
    this.room(2 + 6 * (end - start));
    const buf = this.buf;
    const at = this.pos;
    let pos = at;
    let ascii = true;
    buf[pos++] = QUOTE;
    for (let i = start; i < end; i++) {
      const c = src[i] as number;
      if (c >= 0x80) ascii = false;
      else {
        const escaped = ESCAPES[c];
        if (escaped !== undefined) {
          for (let k = 0; k < escaped.length; k++) buf[pos++] = escaped[k] as number;
          continue;
        }
      }
      buf[pos++] = c;
    }
    // Valid UTF-8 decodes without lone surrogates, so JSON.stringify writes its characters unescaped:
    // the same bytes.
    if (!ascii && !isUtf8(src.subarray(start, end))) return false;
    buf[pos++] = QUOTE;
    this.pos = pos;
    return true;
  }
}
