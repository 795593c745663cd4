/** Decoding the google.rpc.Status / ErrorInfo that the server attaches to per-item and call errors. */
import type { ServiceError } from '@grpc/grpc-js';
import { Status } from '../../src/gen/google/rpc/status';
import { errorInfoOf } from '../../src/server/convert';

export { errorInfoOf };

/** The ErrorInfo reason of a failed call, from the grpc-status-details-bin trailer. */
export function callReason(err: ServiceError): string | undefined {
  const bin = err.metadata.get('grpc-status-details-bin')[0];
  if (bin === undefined) return undefined;
  return errorInfoOf(Status.decode(bin as Buffer))?.reason;
}
