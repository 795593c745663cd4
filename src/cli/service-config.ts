/**
 * The gRPC service config our own clients use, and the one the README gives to every client: a call
 * that fails with UNAVAILABLE (a server process killed or restarted, a connection reset, a balancer
 * with no backend for a moment) is tried again on another connection, up to five attempts with
 * backoff. Every RPC of the contract is safe to repeat: scoring reads nothing it changes, and a
 * reload with the same pins ends in the same state.
 *
 * gRPC retries a call only until the server has begun to answer it (gRFC A6), so a stream that already
 * received answers is never retried: its client resends the requests without an answer. grpc-js keeps
 * at most 256 KiB of a call's request for retries (`grpc.per_rpc_retry_buffer_size`); larger requests
 * (big email batches) fail with UNAVAILABLE and are the caller's to send again.
 */
export const RETRY_POLICY = {
  maxAttempts: 5,
  initialBackoff: '0.1s',
  maxBackoff: '2s',
  backoffMultiplier: 2,
  retryableStatusCodes: ['UNAVAILABLE'],
} as const;

export const CLIENT_SERVICE_CONFIG = {
  methodConfig: [
    {
      name: [{ service: 'threatpredict.v1.PredictionService' }, { service: 'threatpredict.v1.ModelService' }],
      retryPolicy: RETRY_POLICY,
    },
  ],
} as const;

/** Channel options for a grpc-js client of threatpredict (retries on; see above). */
export function clientChannelOptions(): Record<string, string | number> {
  return { 'grpc.service_config': JSON.stringify(CLIENT_SERVICE_CONFIG), 'grpc.enable_retries': 1 };
}
