/**
 * The real app with both listeners in process on ephemeral loopback ports: gRPC (for comparing
 * answers) and HTTP (src/http).
 */
import { credentials } from '@grpc/grpc-js';
import pino from 'pino';
import { type App, createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { PredictionServiceClient } from '../../src/gen/threatpredict/v1/prediction_service';
import { type HttpServerOptions, type RunningHttpServer, startHttpServer } from '../../src/http/server';
import { trackHealth } from '../../src/server/health';
import { type RunningServer, startServer } from '../../src/server/server';

export interface HttpTestServer {
  app: App;
  grpc: RunningServer;
  http: RunningHttpServer;
  /** `http://127.0.0.1:PORT` */
  base: string;
  predictions: PredictionServiceClient;
  close(): Promise<void>;
}

export async function startHttpTestServer(
  extraArgs: string[] = [],
  opts: HttpServerOptions = {},
): Promise<HttpTestServer> {
  const config = loadConfig(
    ['--listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0', '--shutdown-grace-ms', '2000', ...extraArgs],
    {},
  );
  const logger = pino({ level: 'silent' });
  const app = await createApp(config, logger);
  const grpc = await startServer(app);
  trackHealth(grpc.health, app, logger);
  const http = await startHttpServer(app, opts);
  const predictions = new PredictionServiceClient(`127.0.0.1:${grpc.port}`, credentials.createInsecure());
  return {
    app,
    grpc,
    http,
    base: `http://127.0.0.1:${http.port}`,
    predictions,
    async close() {
      predictions.close();
      await Promise.all([grpc.shutdown(), http.shutdown()]);
      await app.close();
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

export async function getJson(base: string, path: string) {
  const res = await fetch(`${base}${path}`);
  return { status: res.status, headers: res.headers, json: await res.json() } as JsonAnswer;
}

/** The ErrorInfo reason of a google.rpc.Status in JSON. */
export function reasonOf(status: { details?: { '@type': string; reason?: string }[] }): string | undefined {
  return status.details?.find((d) => d['@type'] === 'type.googleapis.com/google.rpc.ErrorInfo')?.reason;
}
