/**
 * Bidirectional streams with the two guarantees sensors rely on: every request message gets exactly
 * one response message, in order; and HTTP/2 flow control is respected both ways: when the client
 * reads slowly, we stop writing, then stop reading, so the server never buffers without bound.
 *
 * Two requests of one stream are scored at once while the client keeps up: while one batch is in the
 * model (on the inference thread) the event loop parses and computes features for the next, so a
 * single sensor stream keeps both cores busy. Small requests (a sensor sending an indicator or a few
 * per message) run many at once, so that their items share model runs as concurrent unary calls do
 * (one at a time, each paid for a model run of its own). Answers are still written in request order.
 *
 * On shutdown a stream keeps working for a drain period (half the shutdown grace), so a client that is
 * about to finish does; then it stops reading, answers every request it has read, and ends with
 * UNAVAILABLE. A sensor that never ends its stream thus learns that the requests without an answer
 * were not scored and can send them to another server, instead of losing them to a cancelled stream
 * when the grace runs out.
 */
import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { INLINE_MAX_ROWS } from '../scoring/inference-pool';
import { toServiceError } from './call-errors';
import { MalformedRequest } from './malformed';

/** Requests of one stream being scored at the same time. */
const IN_FLIGHT = 2;
/** Requests read ahead while others are being answered; beyond this we stop reading from the socket. */
const READ_AHEAD = 4;
/**
 * Beyond IN_FLIGHT, more requests start while the items being scored stay within one run on the
 * event loop (INLINE_MAX_ROWS), up to MAX_IN_FLIGHT requests; reading goes on while twice that many
 * items wait, up to MAX_READ_AHEAD requests. Measured with one domain per message: 15,000 -> 21,900
 * items/s; with 100 per message, starting all four of the bench's window at once cost ~9%.
 */
const SMALL_ITEMS = INLINE_MAX_ROWS;
const MAX_IN_FLIGHT = 32;
const MAX_READ_AHEAD = 64;

/** How many items a request carries; without it every request counts as large (emails: sized in bytes). */
export type RequestSize<Req> = (req: Req) => number;
const LARGE = () => SMALL_ITEMS + 1;

type Outcome<Res> = { ok: true; res: Res } | { ok: false; err: unknown };

/** The server's shutdown as streams see it. */
export interface StreamShutdown {
  /** Aborted when the server begins to shut down. */
  signal: AbortSignal;
  /** How long a stream keeps reading after that. */
  drainMs: number;
}

export const SHUTDOWN_STATUS = {
  code: 14, // UNAVAILABLE
  details: 'the server is shutting down: requests without an answer were not scored, send them to another server',
};

export function serveStream<Req, Res>(
  call: ServerDuplexStream<Req, Res>,
  handle: (req: Req) => Promise<Res>,
  logger: Logger,
  sizeOf: RequestSize<Req> = LARGE,
  shutdown?: StreamShutdown,
): void {
  const queue: { req: Req; size: number }[] = [];
  // Started, not yet written, in request order.
  const running: { outcome: Promise<Outcome<Res>>; size: number }[] = [];
  let queuedItems = 0;
  let runningItems = 0;
  let ended = false;
  let closed = false;
  let busy = false;
  let paused = false;
  let draining = false;
  // No more requests are read (shutting down, or a malformed request came): once what was read is
  // answered, the stream ends with this status.
  let finalStatus: object | undefined;
  let wake: (() => void) | undefined;

  const stop = () => {
    closed = true;
    queue.length = 0;
    queuedItems = 0;
    wake?.();
  };
  /** Whether to stop reading: enough requests wait (many more when they are small). */
  const readAhead = () => {
    const n = queue.length + running.length;
    return n >= MAX_READ_AHEAD || (n >= READ_AHEAD && queuedItems + runningItems > 2 * SMALL_ITEMS);
  };
  call.on('cancelled', stop);
  call.on('error', (err) => {
    logger.debug({ err: err.message }, 'stream error');
    stop();
  });
  call.on('close', stop);
  call.on('drain', () => wake?.());
  if (shutdown !== undefined) {
    const refuse = () => refuseMore(SHUTDOWN_STATUS);
    const onShutdown = () => setTimeout(refuse, shutdown.drainMs).unref();
    if (shutdown.signal.aborted) onShutdown();
    else {
      shutdown.signal.addEventListener('abort', onShutdown, { once: true });
      call.on('close', () => shutdown.signal.removeEventListener('abort', onShutdown));
    }
  }
  function refuseMore(status: object): void {
    if (closed || finalStatus !== undefined) return;
    finalStatus = status;
    call.pause();
    void pump();
  }
  call.on('data', (req: Req) => {
    if (closed || finalStatus !== undefined) return;
    if (req instanceof MalformedRequest) {
      refuseMore(toServiceError(req.error, logger));
      return;
    }
    const size = Math.max(1, sizeOf(req));
    queue.push({ req, size });
    queuedItems += size;
    if (readAhead() && !paused) {
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

  /** Whether the next queued request may start now (see the limits above). */
  function mayStart(size: number): boolean {
    if (running.length === 0) return true;
    // More than one runs only while the client takes every answer as it comes (nothing waits in the
    // transport's write buffer): for a slow reader, working ahead only fills its buffers faster.
    if (call.writableLength !== 0) return false;
    return running.length < IN_FLIGHT || (running.length < MAX_IN_FLIGHT && runningItems + size <= SMALL_ITEMS);
  }

  /** Starts scoring queued requests, unless the client is not reading (then no new work begins). */
  function start(): void {
    while (!closed && !draining && queue.length > 0 && mayStart(queue[0]!.size)) {
      const { req, size } = queue.shift()!;
      queuedItems -= size;
      runningItems += size;
      const outcome = handle(req).then(
        (res): Outcome<Res> => ({ ok: true, res }),
        (err: unknown): Outcome<Res> => ({ ok: false, err }),
      );
      running.push({ outcome, size });
    }
    const waiting = queue.length + running.length;
    if (
      paused &&
      finalStatus === undefined &&
      (waiting < READ_AHEAD / 2 || (waiting < MAX_READ_AHEAD / 2 && queuedItems + runningItems <= SMALL_ITEMS))
    ) {
      paused = false;
      call.resume();
    }
  }

  async function pump(): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      while (running.length > 0 && !closed) {
        const outcome = await running[0]!.outcome;
        runningItems -= running.shift()!.size;
        if (closed) return;
        if (!outcome.ok) {
          // The handlers answer bad items with per-item errors: a request that fails whole (an answer too
          // large to send) or a bug ends the stream with its status, never silently.
          stop();
          call.emit('error', toServiceError(outcome.err, logger));
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
      if ((ended || finalStatus !== undefined) && queue.length === 0 && running.length === 0 && !closed) {
        closed = true;
        // A client that finished sending lost nothing to a shutdown: end normally then.
        if (finalStatus === undefined || (ended && finalStatus === SHUTDOWN_STATUS)) call.end();
        else call.emit('error', finalStatus);
      }
    } finally {
      busy = false;
    }
    // Data may have arrived while the last write drained.
    if (!closed && (queue.length > 0 || running.length > 0 || ended || finalStatus !== undefined)) {
      start();
      void pump();
    }
  }
}
