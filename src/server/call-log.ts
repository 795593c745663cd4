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

export function failedCallLog({ logger }: { logger: Logger }): ServerInterceptor {
  return (method, call) => {
    const started = performance.now();
    let metadata: Metadata | undefined;
    let ended = false;
    const log = (code: Status, reason: string | undefined, details: string | undefined) => {
      ended = true;
      const identity = metadata === undefined ? undefined : callIdentity(metadata);
      logger[levelOf(code)](
        {
          method: method.path,
          code: Status[code],
          reason,
          ...(reason === undefined && details !== undefined ? { details: details.slice(0, 200) } : {}),
          identity: identity?.name,
          peer: call.getPeer(),
          ms: Math.round((performance.now() - started) * 10) / 10,
        },
        'call failed',
      );
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
