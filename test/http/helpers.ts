/**
 * The real app with both listeners in process on ephemeral loopback ports: gRPC (for comparing
 * answers) and HTTP (src/http).
 */
import { request as httpsRequest } from 'node:https';
import { Writable } from 'node:stream';
import { credentials } from '@grpc/grpc-js';
import pino from 'pino';
import { type App, createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { ModelServiceClient } from '../../src/gen/threatpredict/v1/model_service';
import { PredictionServiceClient } from '../../src/gen/threatpredict/v1/prediction_service';
import { type HttpServerOptions, type RunningHttpServer, startHttpServer } from '../../src/http/server';
import { trackHealth } from '../../src/server/health';
import { createSecurity } from '../../src/server/security';
import { type RunningServer, startServer } from '../../src/server/server';

export interface HttpTestServer {
  app: App;
  grpc: RunningServer;
  http: RunningHttpServer;
  /** `http://127.0.0.1:PORT`, or `https://` when the server has a certificate. */
  base: string;
  predictions: PredictionServiceClient;
  models: ModelServiceClient;
  /** Parsed JSON log lines the server wrote (info and above). */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startHttpTestServer(
  extraArgs: string[] = [],
  opts: Omit<HttpServerOptions, 'security'> = {},
): Promise<HttpTestServer> {
  const config = loadConfig(
    ['--listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0', '--shutdown-grace-ms', '2000', ...extraArgs],
    {},
  );
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line));
      cb();
    },
  });
  const logger = pino({ level: 'info' }, sink);
  // One for both listeners, as src/main.ts does: the shared-quota tests depend on it.
  const security = createSecurity({
    config: config.security,
    listen: config.listen,
    httpListen: config.httpListen,
    logger,
  });
  const app = await createApp(config, logger);
  const grpc = await startServer(app, { security });
  trackHealth(grpc.health, app, logger);
  const http = await startHttpServer(app, { ...opts, security });
  const predictions = new PredictionServiceClient(`127.0.0.1:${grpc.port}`, credentials.createInsecure());
  const models = new ModelServiceClient(`127.0.0.1:${grpc.port}`, credentials.createInsecure());
  return {
    app,
    grpc,
    http,
    base: `${config.security.tlsCert === '' ? 'http' : 'https'}://127.0.0.1:${http.port}`,
    predictions,
    models,
    logs,
    async close() {
      predictions.close();
      models.close();
      await Promise.all([grpc.shutdown(), http.shutdown()]);
      await app.close();
      security.close();
    },
  };
}

export interface JsonAnswer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: answers are read field by field and checked by the asserts
  json: any;
}

export async function postJson(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, json: await res.json() } as JsonAnswer;
}

export async function getJson(base: string, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, { headers });
  return { status: res.status, headers: res.headers, json: await res.json() } as JsonAnswer;
}

/** The ErrorInfo reason of a google.rpc.Status in JSON. */
export function reasonOf(status: { details?: { '@type': string; reason?: string }[] }): string | undefined {
  return status.details?.find((d) => d['@type'] === 'type.googleapis.com/google.rpc.ErrorInfo')?.reason;
}

export interface TlsClient {
  /** CA bundle the client trusts (PEM). */
  ca: Buffer;
  /** A client certificate and key (PEM), for mTLS. */
  cert?: Buffer;
  key?: Buffer;
}

/**
 * One HTTPS exchange on a new connection (no agent: each call makes its own handshake, so a rotated
 * certificate or a refused client shows at once). Rejects when the connection or handshake fails.
 */
export function httpsJson(
  url: string,
  tls: TlsClient,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<JsonAnswer & { text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: init.method ?? 'GET',
        headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
        agent: false,
        ca: tls.ca,
        ...(tls.cert === undefined ? {} : { cert: tls.cert, key: tls.key }),
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers, json, text });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(init.body);
  });
}
