/**
 * Bidirectional streams with the two guarantees sensors rely on: every request message gets exactly
 * one response message, in order; and HTTP/2 flow control is respected both ways: when the client
 * reads slowly, we stop writing, then stop reading, so the server never buffers without bound.
 */
import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';

/** Requests read ahead while one is being answered; beyond this we stop reading from the socket. */
const READ_AHEAD = 4;

export function serveStream<Req, Res>(
  call: ServerDuplexStream<Req, Res>,
  handle: (req: Req) => Promise<Res>,
  logger: Logger,
): void {
  const queue: Req[] = [];
  let ended = false;
  let closed = false;
  let busy = false;
  let paused = false;
  let wake: (() => void) | undefined;

  const stop = () => {
    closed = true;
    queue.length = 0;
    wake?.();
  };
  call.on('cancelled', stop);
  call.on('error', (err) => {
    logger.debug({ err: err.message }, 'stream error');
    stop();
  });
  call.on('close', stop);
  call.on('drain', () => wake?.());
  call.on('data', (req: Req) => {
    if (closed) return;
    queue.push(req);
    if (queue.length >= READ_AHEAD && !paused) {
      paused = true;
      call.pause();
    }
    void pump();
  });
  call.on('end', () => {
    ended = true;
    void pump();
  });

  async function pump(): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      while (queue.length > 0 && !closed) {
        const req = queue.shift() as Req;
        if (paused && queue.length < READ_AHEAD / 2) {
          paused = false;
          call.resume();
        }
        const res = await handle(req);
        if (closed) return;
        if (!call.write(res)) {
          // The client is not reading: wait for the transport to drain before doing more work.
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
      }
      if (ended && queue.length === 0 && !closed) {
        closed = true;
        call.end();
      }
    } finally {
      busy = false;
    }
    // Data may have arrived while the last write drained.
    if (!closed && (queue.length > 0 || ended)) void pump();
  }
}
