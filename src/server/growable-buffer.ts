/**
 * One growable byte buffer reused from answer to answer, under both answer writers (protobuf:
 * proto-writer.ts; JSON: src/http/json-writer.ts): the answers of a batch are written into it and
 * copied out once, so a batch allocates one Buffer instead of a part per answer.
 */

const INITIAL_BYTES = 64 * 1024;
/** A buffer grown past this for one huge answer is dropped afterwards rather than kept for good. */
const KEPT_BYTES = 8 * 1024 * 1024;

export class GrowableBuffer {
  protected buf = Buffer.allocUnsafe(INITIAL_BYTES);
  /** Where the next byte goes. */
  pos = 0;

  /** Starts a new message, dropping whatever an earlier (possibly failed) one left. */
  reset(): void {
    this.pos = 0;
    if (this.buf.length > KEPT_BYTES) this.buf = Buffer.allocUnsafe(INITIAL_BYTES);
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
    const grown = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}
