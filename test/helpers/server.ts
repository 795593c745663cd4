/**
 * Starts the real server in-process on an ephemeral loopback port, with a generated client, and checks
 * on teardown that no call was left open.
 */

import { Writable } from 'node:stream';
import { type Client, credentials } from '@grpc/grpc-js';
import pino from 'pino';
import { type App, type AppOptions, createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { ModelServiceClient } from '../../src/gen/threatpredict/v1/model_service';
import { PredictionServiceClient } from '../../src/gen/threatpredict/v1/prediction_service';
import { trackHealth } from '../../src/server/health';
import { createSecurity } from '../../src/server/security';
import { type RunningServer, startServer } from '../../src/server/server';

export interface TestServer {
  app: App;
  server: RunningServer;
  address: string;
  predictions: PredictionServiceClient;
  models: ModelServiceClient;
  /** Parsed JSON log lines the server wrote. */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startTestServer(extraArgs: string[] = [], opts: AppOptions = {}): Promise<TestServer> {
  // Admin RPCs on: tests reload and pin models.
  const config = loadConfig(
    ['--listen', '127.0.0.1:0', '--shutdown-grace-ms', '2000', '--admin-rpc', 'true', ...extraArgs],
    {},
  );
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line));
      cb();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const security = createSecurity({ config: config.security, listen: config.listen, logger });
  const app = await createApp(config, logger, opts);
  const server = await startServer(app, { security });
  trackHealth(server.health, app, logger, { requireNewest: config.healthRequiresNewest });
  const address = `127.0.0.1:${server.port}`;
  const predictions = new PredictionServiceClient(address, credentials.createInsecure());
  const models = new ModelServiceClient(address, credentials.createInsecure());
  return {
    app,
    server,
    address,
    predictions,
    models,
    logs,
    async close() {
      predictions.close();
      models.close();
      await server.shutdown();
      await app.close();
      security.close();
    },
  };
}

/** Promise form of a unary client call. */
export function call<Req, Res>(
  fn: (req: Req, cb: (err: Error | null, res: Res) => void) => unknown,
  req: Req,
): Promise<Res> {
  return new Promise((resolve, reject) => fn(req, (err, res) => (err ? reject(err) : resolve(res))));
}

/** A PredictionService unary call with the request and the reply as bytes, as they go over the wire. */
export function rawPredictionCall(client: Client, method: string, request: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(
      `/threatpredict.v1.PredictionService/${method}`,
      (b: Buffer) => b,
      (b: Buffer) => b,
      request,
      (err, res) => (err ? reject(err) : resolve(res as Buffer)),
    ),
  );
}
