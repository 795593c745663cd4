/**
 * HTTP calls in the gRPC server's metrics and failed-call log, with the same code: the outermost
 * interceptor (so refusals by authentication and quotas are seen, as on gRPC), counting each route
 * under the RPC it calls with `protocol="http"` (src/metrics/rpc.ts), and logging a failed one with
 * `logFailedCall` (src/server/call-log.ts): method, status, reason, identity, peer, duration, and the
 * route's template, never its URL (a path or `?q=` may hold a value) nor any body.
 *
 * A call ends when its response closes: finished, it has the status of its answer (the error noted
 * by whoever answered it, status.ts); closed before that, the client went away (CANCELLED).
 * Newline-delimited streams answer 200 and carry per-line errors, as a gRPC stream carries per-item
 * errors: they count as OK unless the client leaves early.
 */
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { RpcMetrics } from '../metrics/rpc';
import { logFailedCall } from '../server/call-log';
import type { Identity } from '../server/security';
import type { HttpInterceptor } from './route';
import { CODES, outcomeOf } from './status';

export function observeCalls(opts: {
  metrics: RpcMetrics | undefined;
  logger: Logger;
  /** Who called, when authentication found out. */
  identityOf: (req: IncomingMessage) => Identity | undefined;
}): HttpInterceptor {
  const { metrics, logger, identityOf } = opts;
  return async (route, req, res, next) => {
    const rpc = route.rpc;
    if (rpc === undefined) return next();
    const started = performance.now();
    const labels = metrics?.labels(rpc.path, rpc.type, 'http');
    if (labels !== undefined) metrics?.started(labels);
    res.once('close', () => {
      const outcome = res.writableFinished
        ? outcomeOf(res)
        : { code: CODES.CANCELLED, reason: undefined, message: 'the client went away' };
      const ms = performance.now() - started;
      if (labels !== undefined) metrics?.handled(labels, outcome.code, ms / 1000);
      if (outcome.code === CODES.OK) return;
      logFailedCall(logger, {
        protocol: 'http',
        method: rpc.path,
        route: route.template,
        httpStatus: res.writableFinished ? res.statusCode : undefined,
        code: outcome.code,
        reason: outcome.reason,
        details: outcome.message,
        identity: identityOf(req)?.name,
        peer: `${req.socket.remoteAddress}:${req.socket.remotePort}`,
        ms,
      });
    });
    await next();
  };
}
