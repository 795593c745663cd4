/**
 * A server interceptor that counts every RPC in the metrics registry (src/metrics/rpc.ts): started,
 * handled per status code, handling time, in flight. It sees the status as it is sent, so calls
 * refused before their handler runs (malformed requests, and the security interceptors added beside
 * this one) are counted with their code; a call the client cancels ends through onCancel instead.
 */
import { ServerInterceptingCall, type ServerInterceptor, status as Status } from '@grpc/grpc-js';
import type { RpcMetrics } from '../metrics/rpc';

function typeOf(m: { requestStream: boolean; responseStream: boolean }): string {
  if (m.requestStream) return m.responseStream ? 'bidi_stream' : 'client_stream';
  return m.responseStream ? 'server_stream' : 'unary';
}

export function metricsInterceptor(metrics: RpcMetrics): ServerInterceptor {
  return (method, call) => {
    const labels = metrics.labels(method.path, typeOf(method));
    const started = process.hrtime.bigint();
    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      metrics.handled(labels, code, Number(process.hrtime.bigint() - started) / 1e9);
    };
    metrics.started(labels);
    return new ServerInterceptingCall(call, {
      start(next) {
        next({ onCancel: () => finish(Status.CANCELLED) });
      },
      sendStatus(status, next) {
        // The status the handler ended with. (grpc-js reports onCancel after every call, cancelled or
        // not, so the first of the two wins; a client that resets a stream its handler then ends
        // normally counts as that status.)
        finish(status.code);
        next(status);
      },
    });
  };
}
