/**
 * Errors over HTTP: the google.rpc.Status the gRPC side sends in its trailers, as the JSON body, with
 * the HTTP status Google's APIs use for its code (google/rpc/code.proto; grpc-gateway and Envoy's
 * transcoder map the same way). The body is the Status itself, `{"code": 3, "message": ..., "details":
 * [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": ...}]}`, as the OpenAPI document's
 * default response says.
 */
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

/** Anything thrown or called back with -> the HTTP answer. Unknown causes are logged and sent as INTERNAL. */
export function errorBody(err: unknown, registry: Registry, logger: Logger): ErrorBody {
  if (err instanceof HttpError)
    return { httpStatus: err.httpStatus, headers: err.headers, json: { code: err.grpcCode, message: err.message } };
  const grpc = err as { code?: number; metadata?: { get(key: string): unknown[] } } | undefined;
  const details = grpc?.metadata?.get?.('grpc-status-details-bin')?.[0];
  if (typeof grpc?.code === 'number' && details instanceof Uint8Array) {
    return { httpStatus: httpStatusOf(grpc.code), headers: {}, json: statusJson(registry, details) };
  }
  if (!(err instanceof PredictError)) logger.error({ err }, 'internal error');
  const pe = toPredictError(err);
  return {
    httpStatus: httpStatusOf(pe.code),
    headers: {},
    json: statusJson(registry, Status.encode(toStatus(pe)).finish()),
  };
}

export const CODES = GrpcCode;
