/**
 * One growable byte buffer reused from answer to answer, under the answer writers (protobuf:
 * src/server/proto-writer.ts; JSON: src/http/json-writer.ts; watch's answer lines:
 * src/watch/json-bytes.ts): the answers of a batch are written into it and copied out once, so a
 * batch allocates one Buffer instead of a part per answer. Its memory is never a slice of Node's
 * shared pool (allocUnsafeSlow), so nothing kept from it pins a pool slab.
 */

const INITIAL_BYTES = 64 * 1024;
/** A buffer grown past this for one huge answer is dropped afterwards rather than kept for good. */
const KEPT_BYTES = 8 * 1024 * 1024;

export class GrowableBuffer {
  protected buf: Buffer;
  /** Where the next byte goes. */
  pos = 0;

  constructor(protected readonly initialBytes = INITIAL_BYTES) {
    this.buf = Buffer.allocUnsafeSlow(initialBytes);
  }

  /** Starts a new message, dropping whatever an earlier (possibly failed) one left. */
  reset(): void {
    this.pos = 0;
    if (this.buf.length > KEPT_BYTES) this.buf = Buffer.allocUnsafeSlow(this.initialBytes);
  }

  /** The bytes written since reset(), in a Buffer of their own. */
  finish(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }

  /** Makes room for `n` more bytes at `pos`. */
  protected room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(2 * this.buf.length, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}
