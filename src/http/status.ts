/**
 * Errors over HTTP: the google.rpc.Status the gRPC side sends in its trailers, as the JSON body, with
 * the HTTP status Google's APIs use for its code (google/rpc/code.proto; grpc-gateway and Envoy's
 * transcoder map the same way). The body is the Status itself, `{"code": 3, "message": ..., "details":
 * [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": ...}]}`, as the OpenAPI document's
 * default response says.
 */
import type { ServerResponse } from 'node:http';
import type { Registry } from '@bufbuild/protobuf';
import { fromBinary, toJson } from '@bufbuild/protobuf';
import type { Logger } from 'pino';
import { GrpcCode, PredictError, toPredictError } from '../errors';
import { Status } from '../gen/google/rpc/status';
import { toStatus } from '../server/convert';

/** gRPC code -> HTTP status, as in google/rpc/code.proto. */
const HTTP_STATUS: Readonly<Record<number, number>> = {
  0: 200,
  1: 499,
  2: 500,
  3: 400,
  4: 504,
  5: 404,
  6: 409,
  7: 403,
  8: 429,
  9: 400,
  10: 409,
  11: 400,
  12: 501,
  13: 500,
  14: 503,
  15: 500,
  16: 401,
};

export function httpStatusOf(grpcCode: number): number {
  return HTTP_STATUS[grpcCode] ?? 500;
}

/** An error the transport itself answers (no route, body too large): a Status without ErrorInfo, as grpc-js sends for the same. */
export class HttpError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly grpcCode: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export interface ErrorBody {
  httpStatus: number;
  headers: Readonly<Record<string, string>>;
  json: unknown;
}

/** Status bytes (a `grpc-status-details-bin` value) -> its canonical JSON. */
export function statusJson(registry: Registry, bytes: Uint8Array): unknown {
  const schema = registry.getMessage('google.rpc.Status');
  if (schema === undefined) throw new Error('the contract has no google.rpc.Status');
  return toJson(schema, fromBinary(schema, bytes), { registry });
}

/**
 * `Retry-After` (whole seconds, rounded up: RFC 9110) for a Status with a google.rpc.RetryInfo
 * detail, so an HTTP client that knows nothing of RetryInfo still backs off (quotas, a full queue).
 */
function retryAfter(json: unknown): Record<string, string> {
  const details = (json as { details?: { '@type'?: string; retryDelay?: string }[] }).details ?? [];
  const delay = details.find((d) => d['@type'] === 'type.googleapis.com/google.rpc.RetryInfo')?.retryDelay;
  const seconds = delay === undefined ? Number.NaN : Number.parseFloat(delay);
  return Number.isFinite(seconds) ? { 'retry-after': String(Math.max(1, Math.ceil(seconds))) } : {};
}

/** Anything thrown or called back with -> the HTTP answer. Unknown causes are logged and sent as INTERNAL. */
export function errorBody(err: unknown, registry: Registry, logger: Logger): ErrorBody {
  if (err instanceof HttpError)
    return { httpStatus: err.httpStatus, headers: err.headers, json: { code: err.grpcCode, message: err.message } };
  const grpc = err as { code?: number; metadata?: { get(key: string): unknown[] } } | undefined;
  const details = grpc?.metadata?.get?.('grpc-status-details-bin')?.[0];
  if (typeof grpc?.code === 'number' && details instanceof Uint8Array) {
    const json = statusJson(registry, details);
    return { httpStatus: httpStatusOf(grpc.code), headers: retryAfter(json), json };
  }
  if (!(err instanceof PredictError)) logger.error({ err }, 'internal error');
  const pe = toPredictError(err);
  const json = statusJson(registry, Status.encode(toStatus(pe)).finish());
  return { httpStatus: httpStatusOf(pe.code), headers: retryAfter(json), json };
}

export const CODES = GrpcCode;

/** What an answered error was, for the failed-call log and the metrics (observe.ts). */
export interface Outcome {
  code: number;
  reason: string | undefined;
  message: string | undefined;
}

const outcomes = new WeakMap<ServerResponse, Outcome>();

/** Records the error `body` answers on `res`; every place that answers an error calls it. */
export function noteError(res: ServerResponse, body: ErrorBody): void {
  const json = body.json as { code?: number; message?: string; details?: { '@type'?: string; reason?: string }[] };
  const info = json.details?.find((d) => d['@type'] === 'type.googleapis.com/google.rpc.ErrorInfo');
  outcomes.set(res, { code: json.code ?? CODES.UNKNOWN, reason: info?.reason, message: json.message });
}

/** HTTP status -> gRPC code, for an answer no error was noted on (google/rpc/code.proto, the other way). */
const GRPC_CODE: Readonly<Record<number, number>> = {
  400: CODES.INVALID_ARGUMENT,
  401: CODES.UNAUTHENTICATED,
  403: CODES.PERMISSION_DENIED,
  404: CODES.NOT_FOUND,
  409: 10 /* ABORTED */,
  413: CODES.RESOURCE_EXHAUSTED,
  422: CODES.INVALID_ARGUMENT,
  429: CODES.RESOURCE_EXHAUSTED,
  499: CODES.CANCELLED,
  501: CODES.UNIMPLEMENTED,
  503: CODES.UNAVAILABLE,
  504: CODES.DEADLINE_EXCEEDED,
};

/** How an answered request ended, as a gRPC status: the noted error, else what its HTTP status says. */
export function outcomeOf(res: ServerResponse): Outcome {
  const noted = outcomes.get(res);
  if (noted !== undefined) return noted;
  const s = res.statusCode;
  const code = s < 400 ? CODES.OK : (GRPC_CODE[s] ?? (s >= 500 ? CODES.INTERNAL : CODES.INVALID_ARGUMENT));
  return { code, reason: undefined, message: undefined };
}
