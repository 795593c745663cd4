/**
 * Bidirectional streams with the two guarantees sensors rely on: every request message gets exactly
 * one response message, in order; and HTTP/2 flow control is respected both ways: when the client
 * reads slowly, we stop writing, then stop reading, so the server never buffers without bound.
 *
 * Up to IN_FLIGHT request messages of one stream are scored at once while the client keeps up: while
 * one batch is in the model (on the inference thread) the event loop parses and computes features
 * for the next, so a single sensor stream keeps both cores busy. Answers are still written strictly
 * in request order.
 */
import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';

/** Requests read ahead while others are being answered; beyond this we stop reading from the socket. */
const READ_AHEAD = 4;
/** Requests of one stream being scored at the same time. */
const IN_FLIGHT = 2;

type Outcome<Res> = { ok: true; res: Res } | { ok: false; err: unknown };

export function serveStream<Req, Res>(
  call: ServerDuplexStream<Req, Res>,
  handle: (req: Req) => Promise<Res>,
  logger: Logger,
): void {
  const queue: Req[] = [];
  // Started, not yet written, in request order.
  const running: Promise<Outcome<Res>>[] = [];
  let ended = false;
  let closed = false;
  let busy = false;
  let paused = false;
  let draining = false;
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
    if (queue.length + running.length >= READ_AHEAD && !paused) {
      paused = true;
      call.pause();
    }
    start();
    void pump();
  });
  call.on('end', () => {
    ended = true;
    void pump();
  });

  /**
   * Starts scoring queued requests, unless the client is not reading (then no new work begins). A
   * second one runs alongside only while the client takes every answer as it comes (nothing waits
   * in the transport's write buffer): for a slow reader, working ahead only fills its buffers faster.
   */
  function start(): void {
    while (!closed && !draining && queue.length > 0 && running.length < (call.writableLength === 0 ? IN_FLIGHT : 1)) {
      const req = queue.shift() as Req;
      running.push(
        handle(req).then(
          (res): Outcome<Res> => ({ ok: true, res }),
          (err: unknown): Outcome<Res> => ({ ok: false, err }),
        ),
      );
    }
    if (paused && queue.length + running.length < READ_AHEAD / 2) {
      paused = false;
      call.resume();
    }
  }

  async function pump(): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      while (running.length > 0 && !closed) {
        const outcome = await (running[0] as Promise<Outcome<Res>>);
        running.shift();
        if (closed) return;
        if (!outcome.ok) {
          // The handlers answer bad items with per-item errors; this is a bug, so end the call.
          logger.error({ err: outcome.err }, 'stream handler failed');
          stop();
          call.emit('error', { code: 13, details: 'internal error' });
          return;
        }
        if (!call.write(outcome.res)) {
          // The client is not reading: wait for the transport to drain before doing more work.
          draining = true;
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
          draining = false;
        }
        start();
      }
      if (ended && queue.length === 0 && running.length === 0 && !closed) {
        closed = true;
        call.end();
      }
    } finally {
      busy = false;
    }
    // Data may have arrived while the last write drained.
    if (!closed && (queue.length > 0 || running.length > 0 || ended)) {
      start();
      void pump();
    }
  }
}
