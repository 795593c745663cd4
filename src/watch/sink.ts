/**
 * Where answer lines go: buffered into chunks (one write per chunk, not per line) and marked with
 * the read position they complete. A mark is handed back only once the stream has taken every byte
 * written before it, so a position saved from it never claims answers that were not written out.
 * Lines are written as bytes into the chunk itself (`bytes`, then `endLine()`), or given as text.
 */
import type { Writable } from 'node:stream';
import { JsonBytes } from './json-bytes';

export interface Sink<M> {
  write(line: string): void;
  /** The chunk being filled: write one line's bytes into it, then call endLine(). */
  readonly bytes: JsonBytes;
  endLine(): void;
  /** Everything written so far completes `mark`; onWritten(mark) follows once it is out. */
  mark(mark: M): void;
  /** Resolves when the stream can take more (its buffer is under its high-water mark). */
  ready(): Promise<void>;
  /** Writes what is buffered and resolves once the stream took it and every mark was handed back. */
  flush(): Promise<void>;
}

export function createSink<M>(opts: {
  stream: Writable;
  onWritten(mark: M): void;
  chunkBytes?: number;
  flushMs?: number;
}): Sink<M> {
  const limit = opts.chunkBytes ?? 64 * 1024;
  const chunk = new JsonBytes(limit + 16 * 1024);
  let pendingMark: { mark: M } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let last: Promise<void> = Promise.resolve();

  function out(): void {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (chunk.pos === 0 && pendingMark === undefined) return;
    const bytes = chunk.take();
    const m = pendingMark;
    pendingMark = undefined;
    const prev = last;
    last = new Promise<void>((resolve, reject) => {
      const done = (err?: Error | null) => {
        if (err) return reject(err);
        if (m !== undefined) opts.onWritten(m.mark);
        resolve();
      };
      if (bytes.length === 0) prev.then(() => done(), reject);
      else opts.stream.write(bytes, done);
    });
    last.catch(() => {}); // surfaced by flush()
  }

  function later(): void {
    if (timer === undefined) timer = setTimeout(out, opts.flushMs ?? 100);
  }

  function endLine(): void {
    chunk.byte(10);
    if (chunk.pos >= limit) out();
    else later();
  }

  return {
    write(line) {
      chunk.text(line);
      endLine();
    },
    bytes: chunk,
    endLine,
    mark(mark) {
      pendingMark = { mark };
      later();
    },
    ready() {
      if (!opts.stream.writableNeedDrain) return Promise.resolve();
      return new Promise((resolve) => opts.stream.once('drain', resolve));
    },
    async flush() {
      out();
      await last;
    },
  };
}
