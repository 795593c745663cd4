/**
 * Request bodies with a size limit: past it the request is answered 413 at once and the rest is
 * not read (the connection closes), so a client cannot make the server buffer more than the limit.
 */
import type { IncomingMessage } from 'node:http';
import { CODES, HttpError } from './status';

export function tooLarge(limit: number, what = 'request body'): HttpError {
  return new HttpError(
    413,
    CODES.RESOURCE_EXHAUSTED,
    `the ${what} is larger than the server's limit of ${limit} bytes (see GetServerInfo; split the batch)`,
    { connection: 'close' },
  );
}

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

/** The lines of a newline-delimited body, each at most `limit` bytes, as they arrive. */
export async function* readLines(req: IncomingMessage, limit: number): AsyncGenerator<Buffer> {
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of req) {
    pending = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
    let nl = pending.indexOf(10);
    while (nl >= 0) {
      const line = pending.subarray(0, nl);
      pending = pending.subarray(nl + 1);
      if (line.length > limit) throw tooLarge(limit, 'line');
      yield line;
      nl = pending.indexOf(10);
    }
    if (pending.length > limit) throw tooLarge(limit, 'line');
  }
  if (pending.length > 0) yield pending;
}

/** `application/json; charset=utf-8` -> `application/json`. */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}
