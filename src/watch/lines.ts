/**
 * Bytes -> lines with their byte offsets, so a saved position can name the exact byte after the last
 * line whose answers were written. A line is complete only with its `\n`; the bytes after the last
 * newline wait for more (a writer may be half-way through the line).
 */

export interface Line {
  text: string;
  /** 1-based line number in its file. */
  line: number;
  /** Byte offset just past this line's newline: where reading resumes after it. */
  end: number;
  /** The file's inode (0 for stdin), given to the splitter: one object per line, not a copy with it. */
  inode: number;
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
  function text(b: Buffer, from: number, to: number): string {
    const end = to > from && b[to - 1] === 13 ? to - 1 : to; // CRLF files
    return b.toString('utf8', from, end);
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
        out.push({ text: text(buf, from, nl), line: ++line, end: offset, inode });
        from = nl + 1;
      }
      rest = from < buf.length ? buf.subarray(from) : undefined;
      return out;
    },
    flush() {
      if (rest === undefined) return undefined;
      offset += rest.length;
      const l = { text: text(rest, 0, rest.length), line: ++line, end: offset, inode };
      rest = undefined;
      return l;
    },
  };
}
