/**
 * A protobuf writer over one growable buffer, reused from response to response: the answers of a
 * batch are written field by field straight into it and copied out once, so encoding 1000 answers
 * allocates one Buffer instead of a message object, a writer's chunks and a byte array per answer.
 * Nested messages reserve room for their length and move their bytes if the length needs more (or
 * fewer) bytes than reserved, as protobufjs's fork/ldelim do.
 *
 * Writes what @bufbuild/protobuf's BinaryWriter writes for the same calls (test/server/wire.test.ts
 * compares whole responses with the generated encoder's).
 */

import { GrowableBuffer } from '../growable-buffer';

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Strings of this many UTF-16 units or more are written by Buffer's native UTF-8 writer, shorter
 * ones by the loop. Alone, the call costs ~60 ns and the loop ~2 ns a character of a flat string,
 * several times that of a concatenation; in a worker's miss path (src/bench/miss-path-cost.ts,
 * builds alternating) 24 slowed the domains' encoding (1.0 -> 1.6 us per item: their 24-40 unit
 * names) while it sped URLs' up (4.1 -> 2.8); from 64 on domains' encoding is unchanged and URLs'
 * 4.5 -> 3.5 us (src/bench/README.md).
 */
const NATIVE_STRING_UNITS = 64;

/**
 * Copies of at most this many bytes (ids, compact answers) are made by a loop: a typed array's set()
 * costs ~30-50 ns a call whatever the length, and the loop ~1-2 ns a byte.
 */
const LOOP_COPY_BYTES = 24;

/**
 * `String.prototype.charCodeAt`, called on the string (`charCodeAt.call(s, i)`) instead of read from it
 * (`s.charCodeAt(i)`): the strings written here come in many representations (flat, sliced,
 * concatenated, internalized, ...), each a map of its own, so the read of `charCodeAt` from the string
 * was megamorphic, a stub-cache lookup per character (`LoadIC_Megamorphic`, ~9% of a worker's time per
 * new domain, full view). A call of this one function compiles to the character read itself. Same
 * characters, same bytes (issue 17; src/bench/README.md "Where a new indicator's server CPU goes").
 */
const charCodeAt = String.prototype.charCodeAt;

export function varintLength(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

export class ProtoWriter extends GrowableBuffer {
  /** A copy of the bytes written from `start` on (e.g. to store an answer's encoding). */
  copyFrom(start: number): Uint8Array {
    return new Uint8Array(this.buf.subarray(start, this.pos));
  }

  /** An unsigned varint of at most 32 bits. */
  varint(n: number): void {
    this.room(5);
    const buf = this.buf;
    let pos = this.pos;
    while (n >= 0x80) {
      buf[pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    buf[pos++] = n;
    this.pos = pos;
  }

  /** A field of type uint32 or a non-negative int32/enum, written even when 0 (callers skip defaults). */
  uint32(field: number, n: number): void {
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`invalid uint32: ${n}`);
    this.varint(field << 3);
    this.varint(n);
  }

  bool(field: number, b: boolean): void {
    this.varint(field << 3);
    this.room(1);
    this.buf[this.pos++] = b ? 1 : 0;
  }

  float(field: number, f: number): void {
    if (Number.isFinite(f) && (f > FLOAT32_MAX || f < -FLOAT32_MAX)) throw new Error(`invalid float32: ${f}`);
    this.varint((field << 3) | 5);
    this.room(4);
    this.pos = this.buf.writeFloatLE(f, this.pos);
  }

  double(field: number, d: number): void {
    this.varint((field << 3) | 1);
    this.room(8);
    this.pos = this.buf.writeDoubleLE(d, this.pos);
  }

  string(field: number, s: string): void {
    this.varint((field << 3) | 2);
    const n = s.length;
    // Every UTF-16 code unit takes at most 3 bytes of UTF-8 (a surrogate pair 4 for 2 units).
    this.room(5 + 3 * n);
    const buf = this.buf; // room() above was the last reallocation
    const lengthAt = this.pos;
    const assumed = varintLength(n);
    if (n >= NATIVE_STRING_UNITS) {
      // One native call: it also flattens the concatenated strings that reasons' messages are, which
      // charCodeAt below reads several times slower (src/bench/README.md, the miss path).
      const written = buf.write(s, lengthAt + assumed, 'utf8');
      // UTF-8 of n units is n bytes only when every unit is ASCII; else the length may need more bytes.
      const need = varintLength(written);
      if (need !== assumed) buf.copyWithin(lengthAt + need, lengthAt + assumed, lengthAt + assumed + written);
      this.varint(written);
      this.pos = lengthAt + need + written;
      return;
    }
    let pos = lengthAt + assumed;
    for (let i = 0; i < n; i++) {
      const c = charCodeAt.call(s, i);
      if (c >= 0x80) {
        // Not ASCII: the byte length differs from the string's.
        this.pos = lengthAt;
        this.varint(Buffer.byteLength(s, 'utf8'));
        this.pos += buf.write(s, this.pos, 'utf8'); // room for 3 bytes per unit is already there
        return;
      }
      buf[pos++] = c;
    }
    this.pos = lengthAt;
    this.varint(n);
    this.pos = pos;
  }

  /** A bytes (or string) field holding `src[start, end)` as it is. */
  bytesOf(field: number, src: Uint8Array, start: number, end: number): void {
    this.varint((field << 3) | 2);
    this.varint(end - start);
    this.raw(src, start, end);
  }

  /** Bytes already encoded (e.g. a stored answer), appended as they are. */
  raw(src: Uint8Array, start = 0, end = src.length): void {
    const n = end - start;
    this.room(n);
    const buf = this.buf;
    let pos = this.pos;
    if (n <= LOOP_COPY_BYTES) for (let k = start; k < end; k++) buf[pos++] = src[k] as number;
    else {
      // A view made here, not src.subarray(): a Buffer's subarray costs ~100 ns (src/bench/README.md).
      buf.set(start === 0 && n === src.length ? src : new Uint8Array(src.buffer, src.byteOffset + start, n), pos);
      pos += n;
    }
    this.pos = pos;
  }

  /**
   * Starts a length-delimited field (a nested message), reserving `reserve` bytes for its length;
   * returns what join() needs. Reserve what the length usually takes, so that join rarely moves bytes.
   */
  fork(field: number, reserve = 1): number {
    this.varint((field << 3) | 2);
    this.room(reserve);
    const at = this.pos;
    this.pos += reserve;
    return at * 8 + reserve;
  }

  /** Ends the field fork() started: writes its length, moving its bytes if the length needs it. */
  join(forked: number): void {
    const reserve = forked & 7;
    const at = (forked - reserve) / 8;
    const start = at + reserve;
    const len = this.pos - start;
    const need = varintLength(len);
    if (need !== reserve) {
      this.room(need - reserve);
      this.buf.copyWithin(at + need, start, this.pos);
      this.pos += need - reserve;
    }
    const end = this.pos;
    this.pos = at;
    this.varint(len);
    this.pos = end;
  }
}
