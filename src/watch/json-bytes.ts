/**
 * JSON text written straight into one growing byte buffer, for the answer lines: building each line
 * as a string cost more memory than anything else in watch (about 2.5 kB of intermediate strings per
 * line in the 1M-record bench, all of it for the collector), then the whole chunk was joined and
 * encoded again on its way to the file. Strings are written as JSON.stringify writes them: printable
 * ASCII byte by byte, anything else (escapes, non-ASCII, lone surrogates) through JSON.stringify.
 */
import { GrowableBuffer } from '../growable-buffer';

export class JsonBytes extends GrowableBuffer {
  byte(c: number): void {
    this.room(1);
    this.buf[this.pos++] = c;
  }

  /** Text known to be ASCII that needs no escaping: keys, punctuation, digits. */
  ascii(s: string): void {
    const n = s.length;
    this.room(n);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** Any text, as UTF-8 (text that is already JSON, such as a stringified value). */
  text(s: string): void {
    this.room(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** JSON.stringify(s). */
  string(s: string): void {
    const n = s.length;
    this.room(n + 2);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = 34;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 32 || c > 127 || c === 34 || c === 92) {
        this.text(JSON.stringify(s));
        return;
      }
      buf[p++] = c;
    }
    buf[p++] = 34;
    this.pos = p;
  }

  /** JSON.stringify(n). */
  number(n: number): void {
    if (Number.isInteger(n) && n >= 0 && n < 1e15) this.digits(n);
    else this.ascii(JSON.stringify(n));
  }

  /** A non-negative integer below 1e15 in decimal, without making its string. */
  private digits(n: number): void {
    let len = 1;
    for (let t = n; t >= 10; t = Math.floor(t / 10)) len++;
    this.room(len);
    const buf = this.buf;
    let p = this.pos + len;
    this.pos = p;
    do {
      const d = n % 10;
      buf[--p] = 48 + d;
      n = (n - d) / 10;
    } while (n > 0);
  }

  /** The bytes written so far, handed over: later writes go to a new buffer. */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafeSlow(Math.max(this.initialBytes, this.buf.length));
    this.pos = 0;
    return out;
  }

  /** The bytes written so far as text, and the buffer emptied for reuse. */
  takeText(): string {
    const s = this.buf.toString('utf8', 0, this.pos);
    this.pos = 0;
    return s;
  }
}
