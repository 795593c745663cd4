/**
 * One log line per failed call: method, status code, reason (the ErrorInfo reason when the status has
 * one), peer identity and address, duration. It is the innermost interceptor, so it also sees the
 * calls that authentication and quotas refuse before any handler runs.
 *
 * It never logs what was sent or answered: no message, no item value, no metadata. The status
 * message is logged only when the status has no ErrorInfo, i.e. when grpc-js itself ended the call
 * ("Received message larger than max", deadlines): those texts hold no values, while our own
 * messages may quote one (a model name, a position in a request).
 *
 * Client errors (bad input, cancelled) log at info, refusals (credentials, scopes, quotas, limits) at
 * warn, server-side failures at error.
 *
 * The HTTP listener writes the same line through `logFailedCall` (src/http/observe.ts), with
 * `protocol: "http"`, the gRPC method its route calls, and the route's template (never the URL, whose
 * path or query may hold a value).
 */
import { type Metadata, ServerInterceptingCall, type ServerInterceptor, status as Status } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { Status as RpcStatus } from '../gen/google/rpc/status';
import { errorInfoOf } from './convert';
import { callIdentity } from './security/identity';

const WARN = new Set([Status.UNAUTHENTICATED, Status.PERMISSION_DENIED, Status.RESOURCE_EXHAUSTED]);
const ERROR = new Set([
  Status.INTERNAL,
  Status.UNKNOWN,
  Status.UNAVAILABLE,
  Status.DATA_LOSS,
  Status.DEADLINE_EXCEEDED,
]);

function levelOf(code: Status): 'info' | 'warn' | 'error' {
  return ERROR.has(code) ? 'error' : WARN.has(code) ? 'warn' : 'info';
}

/** The ErrorInfo reason carried in a status's trailers, if any. */
function reasonOf(trailers: Metadata | null | undefined): string | undefined {
  const bin = trailers?.get('grpc-status-details-bin')[0];
  if (!Buffer.isBuffer(bin)) return undefined;
  try {
    return errorInfoOf(RpcStatus.decode(bin))?.reason;
  } catch {
    return undefined;
  }
}

export interface FailedCall {
  protocol: 'grpc' | 'http';
  /** `/package.Service/Method`: for HTTP, the RPC the route calls. */
  method: string;
  code: Status;
  /** The ErrorInfo reason, when the status has one. */
  reason: string | undefined;
  /** The status message: logged only without a reason (see above). */
  details: string | undefined;
  identity: string | undefined;
  peer: string;
  /** Since the call started. */
  ms: number;
  /** HTTP only: `POST /v1/domains:predict`, the route's template. */
  route?: string;
  /** HTTP only: the response status. */
  httpStatus?: number;
}

/** The one line of a failed call, whatever the protocol. */
export function logFailedCall(logger: Logger, c: FailedCall): void {
  logger[levelOf(c.code)](
    {
      protocol: c.protocol,
      method: c.method,
      ...(c.route === undefined ? {} : { route: c.route, httpStatus: c.httpStatus }),
      code: Status[c.code],
      reason: c.reason,
      ...(c.reason === undefined && c.details !== undefined ? { details: c.details.slice(0, 200) } : {}),
      identity: c.identity,
      peer: c.peer,
      ms: Math.round(c.ms * 10) / 10,
    },
    'call failed',
  );
}

export function failedCallLog({ logger }: { logger: Logger }): ServerInterceptor {
  return (method, call) => {
    const started = performance.now();
    let metadata: Metadata | undefined;
    let ended = false;
    const log = (code: Status, reason: string | undefined, details: string | undefined) => {
      ended = true;
      const identity = metadata === undefined ? undefined : callIdentity(metadata);
      logFailedCall(logger, {
        protocol: 'grpc',
        method: method.path,
        code,
        reason,
        details,
        identity: identity?.name,
        peer: call.getPeer(),
        ms: performance.now() - started,
      });
    };
    return new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (md, pass) => {
            metadata = md;
            pass(md);
          },
          // grpc-js reports every stream's close here; one that ended without a status from the chain
          // was cancelled by the client or timed out (the base call sends DEADLINE_EXCEEDED itself).
          onCancel: () => {
            if (ended) return;
            const deadline = call.getDeadline();
            const expired = deadline instanceof Date ? deadline.getTime() <= Date.now() : deadline <= Date.now();
            if (expired) log(Status.DEADLINE_EXCEEDED, undefined, 'Deadline exceeded');
            else log(Status.CANCELLED, undefined, 'cancelled by the client');
          },
        }),
      sendStatus: (s, next) => {
        if (s.code === Status.OK) ended = true;
        else if (!ended) log(s.code, reasonOf(s.metadata), s.details);
        next(s);
      },
    });
  };
}
