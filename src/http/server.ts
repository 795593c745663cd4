/**
 * The HTTP listener (`--http-listen`): JSON over HTTP for every RPC (gateway.ts), the OpenAPI document
 * and its reference page, the analysts' page, and csirtg-predictd's endpoints when asked for
 * (`--http-seed-compat`). It serves the same in-process App as the gRPC server; nothing goes through
 * the gRPC port.
 *
 * Every request goes through one function, `dispatch`: it finds the route, then runs the
 * interceptors (options.interceptors, outermost first) around the route's handler. That is the place
 * for authentication, metrics or access logs: an interceptor sees the route's name (the RPC's full
 * name for API calls, e.g. `threatpredict.v1.PredictionService/PredictDomains`) and may answer itself
 * instead of calling `next`.
 *
 * The gRPC port's security applies here from the same object as the gRPC listener's (`opts.security`): TLS (and mTLS) from the
 * same certificate files, swapped in by `setSecureContext` when the poller reloads them; authentication,
 * scopes and the shared quota buckets (security.ts); the metrics and failed-call log (observe.ts).
 * Those interceptors run first, outermost the observer, then any given in options.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { App } from '../app';
import { PredictError } from '../errors';
import type { ModelControl } from '../server/model-control';
import type { Security } from '../server/security';
import { type StaticAssets, staticAssets } from './assets';
import { loadContract } from './contract';
import { createGateway, type RpcMatch, sendJson } from './gateway';
import { observeCalls } from './observe';
import type { HttpInterceptor, HttpRoute } from './route';
import { httpSecurity } from './security';
import { seedRoutes } from './seed';
import { type CallContext, inProcessServices } from './services';
import { CODES, errorBody, HttpError, noteError } from './status';

export interface HttpServerOptions {
  /** TLS, identities and quotas: the gRPC listener's own object (one per process, made in src/main.ts). */
  security: Security;
  /** What ModelService reports and reloads (see src/cluster); this process's repository by default. */
  models?: ModelControl;
  /** Run around every route's handler, outermost first (auth, metrics, ...). */
  interceptors?: HttpInterceptor[];
}

export interface RunningHttpServer {
  readonly port: number;
  /** Stops accepting requests, lets in-flight ones finish within the grace period, then closes the rest. */
  shutdown(): Promise<void>;
}

/** Headers on every answer: no sniffing, no referrer, never framed. */
const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** `X-Server-Timeout: 2.5` (seconds, as Google's APIs take it) or the configured default; streams have none by default. */
function deadlineOf(req: IncomingMessage, defaultMs: number | undefined): number {
  const raw = req.headers['x-server-timeout'];
  if (typeof raw === 'string') {
    const s = Number(raw);
    if (!Number.isFinite(s) || s <= 0)
      throw new PredictError(
        'MALFORMED_REQUEST',
        `the request is not a valid protobuf message: X-Server-Timeout must be a positive number of seconds, got "${raw}"`,
      );
    return Date.now() + s * 1000;
  }
  return defaultMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + defaultMs;
}

interface Route extends HttpRoute {
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
}

export async function startHttpServer(app: App, opts: HttpServerOptions): Promise<RunningHttpServer> {
  const { config, logger } = app;
  const contract = loadContract();
  const stopping = new AbortController();
  const shutdownSignal = { signal: stopping.signal, drainMs: Math.floor(config.shutdownGraceMs / 2) };
  const services = inProcessServices(app, { models: opts.models, shutdown: shutdownSignal });
  const gateway = createGateway({ contract, services, config, logger });
  const assets: StaticAssets = staticAssets();
  const security = httpSecurity({ security: opts.security, registry: contract.registry, logger });
  /** What a call's handler needs to know of its caller. */
  const caller = (req: IncomingMessage, streaming: boolean, signal: AbortSignal) => ({
    identity: security.caller(req),
    admitItems: security.itemGate(req, streaming, signal),
  });
  const seed = config.httpSeedCompat ? seedRoutes({ services, contract, config, logger, caller }) : undefined;
  const interceptors = [
    observeCalls({ metrics: app.metrics?.rpc, logger, identityOf: security.identity }),
    security.interceptor,
    ...(opts.interceptors ?? []),
  ];

  /** An API call's context: cancelled when the client goes away or the deadline passes (then answered 504). */
  function callContext(req: IncomingMessage, res: ServerResponse, streaming: boolean): CallContext {
    const controller = new AbortController();
    const deadline = deadlineOf(req, streaming ? undefined : config.httpTimeoutMs);
    res.once('close', () => controller.abort());
    if (Number.isFinite(deadline)) {
      const timer = setTimeout(() => {
        if (!res.headersSent) {
          const err = new PredictError('DEADLINE_EXCEEDED', 'the call deadline passed before the answer was ready');
          const body = errorBody(err, contract.registry, logger);
          noteError(res, body);
          // A body still arriving is not drained: the connection closes with the answer.
          sendJson(res, body.httpStatus, body.json, req.complete ? {} : { connection: 'close' });
        }
        controller.abort();
      }, deadline - Date.now());
      res.once('close', () => clearTimeout(timer));
    }
    return {
      peer: `http:${req.socket.remoteAddress}:${req.socket.remotePort}`,
      deadline,
      signal: controller.signal,
      ...caller(req, streaming, controller.signal),
    };
  }

  function rpcRoute(m: RpcMatch): Route {
    const [service, method] = [
      m.binding.fullName.slice(0, m.binding.fullName.lastIndexOf('.')),
      m.binding.fullName.slice(m.binding.fullName.lastIndexOf('.') + 1),
    ];
    return {
      name: `${service}/${method}`,
      kind: 'rpc',
      template: `${m.binding.httpMethod} ${m.binding.path}`,
      rpc: { path: `/${service}/${method}`, type: m.binding.streaming ? 'bidi_stream' : 'unary' },
      handle: async (req, res, url) => {
        const ctx = callContext(req, res, m.binding.streaming);
        try {
          await gateway.serve(m, req, res, url, ctx);
        } catch (err) {
          // Past the deadline the 504 is already sent; a late answer or error is dropped.
          if (res.headersSent || res.writableEnded) return;
          throw err;
        }
      },
    };
  }

  function findRoute(method: string, url: URL): Route | undefined {
    const rpc = gateway.match(method, url.pathname);
    if (rpc !== undefined && 'binding' in rpc) return rpcRoute(rpc);
    if (rpc !== undefined)
      throw new HttpError(405, CODES.UNIMPLEMENTED, `${url.pathname} takes ${rpc.allow.join(', ')}, not ${method}`, {
        allow: rpc.allow.join(', '),
      });
    const s = seed?.match(method, url.pathname);
    if (s !== undefined)
      return {
        name: `seed:${s.name}`,
        kind: 'seed',
        template: `${method} ${s.name}`,
        rpc: { path: s.rpcPath, type: 'unary' },
        handle: s.handle,
      };
    const a = assets.match(method, url.pathname);
    if (a !== undefined)
      return { name: a.name, kind: 'static', template: `${method} ${url.pathname}`, handle: a.handle };
    return undefined;
  }

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [k, v] of Object.entries(COMMON_HEADERS)) res.setHeader(k, v);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = findRoute(req.method ?? 'GET', url);
    if (route === undefined) throw new HttpError(404, CODES.NOT_FOUND, `no route for ${req.method} ${url.pathname}`);
    const run = interceptors.reduceRight<() => Promise<void>>(
      (next, interceptor) => () => interceptor(route, req, res, next),
      () => route.handle(req, res, url),
    );
    await run();
  }

  const serverOptions = {
    // No limit on receiving a whole request from Node: a stream's body may rightly take hours. A
    // call's deadline covers its body (callContext); the seed's routes have their own (seed.ts).
    requestTimeout: 0,
    headersTimeout: Math.min(config.handshakeTimeoutMs, config.httpTimeoutMs),
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    dispatch(req, res).catch((err) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const body = errorBody(err, contract.registry, logger);
      noteError(res, body);
      // Unread body bytes (past a size limit) are not drained: `connection: close` ends the exchange.
      sendJson(res, body.httpStatus, body.json, { ...body.headers });
    });
  };
  const tls = opts.security.tls;
  let stopReloads = () => {};
  let server: Server;
  if (tls === undefined) server = createServer(serverOptions, onRequest);
  else {
    const https = createHttpsServer(
      // A TLS handshake must finish in time, as on the gRPC port.
      { ...serverOptions, ...tls.httpsOptions(), handshakeTimeout: config.handshakeTimeoutMs },
      onRequest,
    );
    // New connections get the new certificate (or client CA); open ones keep theirs, as on gRPC.
    stopReloads = tls.onReload((context) => https.setSecureContext(context));
    server = https;
  }
  server.maxConnections = config.maxConnections;
  // Longer than the usual 60 s idle timeout of clients and load balancers: a server that closes an idle
  // connection first races the client's next request on it, which then fails with ECONNRESET.
  server.keepAliveTimeout = 65_000;

  const [host, portText] = [
    config.httpListen.slice(0, config.httpListen.lastIndexOf(':')).replace(/^\[|\]$/g, ''),
    config.httpListen.slice(config.httpListen.lastIndexOf(':') + 1),
  ];
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(portText), host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  logger.info(
    {
      httpListen: config.httpListen,
      port,
      seedCompat: config.httpSeedCompat,
      tls: tls !== undefined,
      mtls: opts.security.mtls,
      auth: opts.security.authRequired,
    },
    'http listening',
  );

  return {
    port,
    async shutdown() {
      stopping.abort();
      stopReloads();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.closeAllConnections();
          resolve();
        }, config.shutdownGraceMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}
