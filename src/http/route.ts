/**
 * What an interceptor of the HTTP listener sees of a request's route, and the interceptor's shape:
 * server.ts runs them around each handler; security.ts and observe.ts are two of them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface HttpRoute {
  /** `threatpredict.v1.PredictionService/PredictDomains`, `seed:/domain/`, `page`, `openapi`, ... */
  name: string;
  kind: 'rpc' | 'seed' | 'static';
  /** `POST /v1/domains:predict`, `GET /domain/`: the route's template (never the request's URL, which may hold values). */
  template: string;
  /** The RPC the route calls, which its security, metrics and logs go by; undefined for static files. */
  rpc?: { path: string; type: 'unary' | 'bidi_stream' };
}

export type HttpInterceptor = (
  route: HttpRoute,
  req: IncomingMessage,
  res: ServerResponse,
  next: () => Promise<void>,
) => Promise<void>;
