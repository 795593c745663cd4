/**
 * Per-RPC metrics, named and labelled as go-grpc-prometheus and java-grpc-prometheus name them, so
 * existing gRPC dashboards and alerts work on them: calls started, calls handled per status code,
 * handling time per status code, and calls in progress. Counted once per call, not per item.
 *
 * The JSON-over-HTTP listener counts its calls in the same metrics, under the gRPC method each route
 * calls (`POST /v1/domains:predict` and the seed's `GET /domain/` are PredictDomains), with the label
 * `protocol` = `http` where gRPC calls have `grpc`: a dashboard that sums by method sees every call,
 * and one that splits by protocol sees each listener. Static files (page, OpenAPI document) are not
 * RPCs and are not counted.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** gRPC status code names by number (grpc_code label values, as go-grpc-prometheus writes them). */
export const GRPC_CODES = [
  'OK',
  'Canceled',
  'Unknown',
  'InvalidArgument',
  'DeadlineExceeded',
  'NotFound',
  'AlreadyExists',
  'PermissionDenied',
  'ResourceExhausted',
  'FailedPrecondition',
  'Aborted',
  'OutOfRange',
  'Unimplemented',
  'Internal',
  'Unavailable',
  'DataLoss',
  'Unauthenticated',
] as const;

/** One method's labels, made once per method rather than once per call. */
export interface RpcLabels {
  readonly grpc_service: string;
  readonly grpc_method: string;
  readonly grpc_type: string;
  /** `grpc` or `http`: the listener the call came in on. */
  readonly protocol: string;
}

export interface RpcMetrics {
  /** The labels of a method path (`/pkg.Service/Method`) on a protocol, cached. */
  labels(path: string, type: string, protocol?: 'grpc' | 'http'): RpcLabels;
  started(labels: RpcLabels): void;
  /** The call ended with `code` after `seconds`. */
  handled(labels: RpcLabels, code: number, seconds: number): void;
}

/** Handling-time buckets (seconds): from a cached unary answer (~100 us) to a long stream. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export function createRpcMetrics(registry: Registry): RpcMetrics {
  const names = ['grpc_service', 'grpc_method', 'grpc_type', 'protocol'] as const;
  const started = new Counter({
    name: 'grpc_server_started_total',
    help: 'RPCs started on the server.',
    labelNames: names,
    registers: [registry],
  });
  const handled = new Counter({
    name: 'grpc_server_handled_total',
    help: 'RPCs completed on the server, whatever their status code.',
    labelNames: [...names, 'grpc_code'],
    registers: [registry],
  });
  const seconds = new Histogram({
    name: 'grpc_server_handling_seconds',
    help: 'Time from the start of an RPC to its status, per status code.',
    labelNames: [...names, 'grpc_code'],
    buckets: BUCKETS,
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'grpc_server_in_flight',
    help: 'RPCs in progress (streams count while open).',
    labelNames: names,
    registers: [registry],
  });
  const byPath = new Map<string, RpcLabels>();
  return {
    labels(path, type, protocol = 'grpc') {
      const key = `${protocol} ${type} ${path}`;
      let l = byPath.get(key);
      if (l === undefined) {
        const slash = path.lastIndexOf('/');
        l = Object.freeze({
          grpc_service: path.slice(1, slash),
          grpc_method: path.slice(slash + 1),
          grpc_type: type,
          protocol,
        });
        byPath.set(key, l);
      }
      return l;
    },
    started(l) {
      started.inc(l);
      inFlight.inc(l);
    },
    handled(l, code, s) {
      const withCode = { ...l, grpc_code: GRPC_CODES[code] ?? String(code) };
      handled.inc(withCode);
      seconds.observe(withCode, s);
      inFlight.dec(l);
    },
  };
}
