/**
 * The gRPC server: prediction and model services, the standard health service (NOT_SERVING until
 * models are loaded) and server reflection, so `grpcurl list/describe` work without the proto files.
 */
import { resolve } from 'node:path';
import { Server } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import type { App } from '../app';
import type { PredictError } from '../errors';
import { ModelServiceService } from '../gen/threatpredict/v1/model_service';
import { PredictionServiceService } from '../gen/threatpredict/v1/prediction_service';
import { toServiceError } from './call-errors';
import { failedCallLog } from './call-log';
import { emailHandlers } from './email-handlers';
import { instanceInterceptor } from './instance';
import { listen } from './listener';
import { BATCH_REQUEST_FIELDS, guardUnary, withCheckedRequests } from './malformed';
import { metricsInterceptor } from './metrics-interceptor';
import { localModelControl, type ModelControl } from './model-control';
import { createModelService } from './model-service';
import { createPredictionService } from './prediction-service';
import { withRawPredictionBatches } from './raw-batch';
import { addReflection } from './reflection';
import type { Security } from './security';
import { withEncodedResponses } from './wire';

// Written by `npm run generate` (buf build): every file of the contract with its imports.
const DESCRIPTOR_SET = resolve(__dirname, '..', '..', 'src', 'gen', 'threatpredict.binpb');
export const SERVICE_NAMES = ['threatpredict.v1.PredictionService', 'threatpredict.v1.ModelService'] as const;

export interface RunningServer {
  readonly port: number;
  readonly health: HealthImplementation;
  /** Stops accepting calls, lets in-flight ones finish within the grace period, then cancels the rest. */
  shutdown(): Promise<void>;
}

export interface ServerOptions {
  /**
   * TLS, identities and quotas: the same object as the HTTP listener's (src/main.ts makes one per
   * process), so an identity has one quota bucket whichever protocol it calls with.
   */
  security: Security;
  /** What ModelService reports and reloads; this process's repository by default (see src/cluster). */
  models?: ModelControl;
}

/** Serves `app` (config, logger, scoring core, model repository) on `app.config.listen`. */
export async function startServer(app: App, opts: ServerOptions): Promise<RunningServer> {
  const { config, logger } = app;
  const { security } = opts;
  const server = new Server({
    // Nearest the wire first: metrics, the instance header and the failed-call log also see the calls
    // security refuses.
    interceptors: [
      ...(app.metrics === undefined ? [] : [metricsInterceptor(app.metrics.rpc)]),
      instanceInterceptor(config.instanceId),
      failedCallLog({ logger }),
      ...security.interceptors,
    ],
    'grpc.max_receive_message_length': config.maxMessageBytes,
    'grpc.max_send_message_length': config.maxMessageBytes,
    // A connection with no call for this long gets a GOAWAY (clients reconnect on their next call).
    'grpc.max_connection_idle_ms': config.maxConnectionIdleMs,
    // Pings every so often find peers that vanished without closing; no answer in time closes them.
    'grpc.keepalive_time_ms': config.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': config.keepaliveTimeoutMs,
    'grpc.max_concurrent_streams': config.maxStreamsPerConnection,
    // Long-lived connections pin a client to one backend behind an L7 balancer (or in client-side
    // round robin): a GOAWAY at this age makes it reconnect and be spread again. Calls open then get
    // the grace to finish; a stream still open after it is cut and its client resends (README, fleet).
    ...(config.maxConnectionAgeMs > 0
      ? {
          'grpc.max_connection_age_ms': config.maxConnectionAgeMs,
          'grpc.max_connection_age_grace_ms': config.maxConnectionAgeGraceMs,
        }
      : {}),
  });
  const rawBatches = withRawPredictionBatches(withEncodedResponses(PredictionServiceService));
  const predictionService = withCheckedRequests(
    rawBatches,
    Object.fromEntries(Object.keys(rawBatches).map((name) => [name, BATCH_REQUEST_FIELDS])),
  );
  const rejectMalformed = (err: PredictError, callback: (err: unknown) => void) =>
    callback(toServiceError(err, logger));
  const stopping = new AbortController();
  const shutdown = { signal: stopping.signal, drainMs: Math.floor(config.shutdownGraceMs / 2) };
  server.addService(
    predictionService,
    guardUnary(
      predictionService,
      {
        ...createPredictionService({ config, logger, scorer: app.scorer, shutdown, recordStoredAnswers: false }),
        ...emailHandlers(app, shutdown),
      },
      rejectMalformed,
    ),
  );
  // Every ModelService request has at most one field, number 1, length-delimited.
  const modelService = withCheckedRequests(
    ModelServiceService,
    Object.fromEntries(Object.keys(ModelServiceService).map((name) => [name, { 1: 2 }])),
  );
  server.addService(
    modelService,
    guardUnary(
      modelService,
      createModelService({
        control: opts.models ?? localModelControl(app.repository),
        logger,
        adminRpc: config.adminRpc,
        limits: config,
        instanceId: config.instanceId,
      }),
      rejectMalformed,
    ),
  );
  const health = new HealthImplementation({
    '': 'NOT_SERVING',
    ...Object.fromEntries(SERVICE_NAMES.map((s) => [s, 'NOT_SERVING'])),
  });
  health.addToServer(server);
  addReflection(server, DESCRIPTOR_SET, [...SERVICE_NAMES, 'grpc.health.v1.Health']);

  const listener = await listen({
    server,
    credentials: security.credentials,
    listen: config.listen,
    limits: { maxConnections: config.maxConnections, handshakeTimeoutMs: config.handshakeTimeoutMs },
    logger,
  });
  const port = listener.port;
  logger.info({ listen: config.listen, port }, 'listening');

  return {
    port,
    health,
    async shutdown() {
      for (const s of ['', ...SERVICE_NAMES]) health.setStatus(s, 'NOT_SERVING');
      listener.close();
      stopping.abort();
      await new Promise<void>((res) => {
        const timer = setTimeout(() => {
          logger.warn({ graceMs: config.shutdownGraceMs }, 'grace period over: cancelling remaining calls');
          server.forceShutdown();
          res();
        }, config.shutdownGraceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          res();
        });
      });
    },
  };
}
