/** Call-level errors as gRPC statuses, with the google.rpc.Status (and its ErrorInfo) in the trailers. */
import { type status as grpcStatus, Metadata, type ServiceError } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { PredictError, toPredictError } from '../errors';
import { Status } from '../gen/google/rpc/status';
import { toStatus } from './convert';

export function toServiceError(err: unknown, logger: Logger): Partial<ServiceError> {
  const pe = toPredictError(err);
  if (!(err instanceof PredictError)) logger.error({ err }, 'internal error');
  const metadata = new Metadata();
  metadata.set('grpc-status-details-bin', Buffer.from(Status.encode(toStatus(pe)).finish()));
  return { code: pe.code as grpcStatus, details: pe.message, metadata };
}
