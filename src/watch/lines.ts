/**
 * Bytes -> lines with their byte offsets, so a saved position can name the exact byte after the last
 * line whose answers were written. A line is complete only with its `\n`; the bytes after the last
 * newline wait for more (a writer may be half-way through the line).
 */

export interface Line {
  /** The line's text (decoded from its bytes when first read). */
  readonly text: string;
  /** The line's bytes: [from, to) of `bytes`, without the newline (and a CR before it). */
  readonly bytes: Buffer;
  readonly from: number;
  readonly to: number;
  /** 1-based line number in its file. */
  readonly line: number;
  /** Byte offset just past this line's newline: where reading resumes after it. */
  readonly end: number;
  /** The file's inode (0 for stdin), given to the splitter: one object per line, not a copy with it. */
  readonly inode: number;
}

/**
 * A line as bytes of the chunk it was read in: a reader that reads bytes (the EVE scan) never needs
 * the line as text, which saves decoding it and a string per line for the collector.
 */
class ChunkLine implements Line {
  private decoded: string | undefined;
  constructor(
    readonly bytes: Buffer,
    readonly from: number,
    readonly to: number,
    readonly line: number,
    readonly end: number,
    readonly inode: number,
  ) {}

  get text(): string {
    if (this.decoded === undefined) this.decoded = this.bytes.toString('utf8', this.from, this.to);
    return this.decoded;
  }
}

export interface LineSplitter {
  push(chunk: Buffer): Line[];
  /** The unterminated tail as a line (at the end of a file that will not grow), if any. */
  flush(): Line | undefined;
  /** Offset of the first byte not yet returned in a line. */
  readonly offset: number;
  readonly line: number;
}

export function createLineSplitter(startOffset = 0, startLine = 0, inode = 0): LineSplitter {
  let offset = startOffset;
  let line = startLine;
  let rest: Buffer | undefined;
  function lineOf(b: Buffer, from: number, to: number): Line {
    const end = to > from && b[to - 1] === 13 ? to - 1 : to; // CRLF files
    return new ChunkLine(b, from, end, ++line, offset, inode);
  }
  return {
    get offset() {
      return offset;
    },
    get line() {
      return line;
    },
    push(chunk) {
      const buf = rest === undefined ? chunk : Buffer.concat([rest, chunk]);
      const out: Line[] = [];
      let from = 0;
      for (let nl = buf.indexOf(10, from); nl !== -1; nl = buf.indexOf(10, from)) {
        offset += nl + 1 - from;
        out.push(lineOf(buf, from, nl));
        from = nl + 1;
      }
      rest = from < buf.length ? buf.subarray(from) : undefined;
      return out;
    },
    flush() {
      if (rest === undefined) return undefined;
      offset += rest.length;
      const l = lineOf(rest, 0, rest.length);
      rest = undefined;
      return l;
    },
  };
}
