/** Composition root: config -> logger -> models -> server, and signal handling. Nothing else wires. */

import { createApp } from './app';
import { fleetPins, isMember, joinCluster } from './cluster/member';
import { runPrimary } from './cluster/primary';
import { type Config, ConfigError, loadConfig } from './config';
import { startHttpServer } from './http/server';
import { createLogger } from './logger';
import { clusterRenderer, shareWithPrimary } from './metrics/cluster';
import { type MetricsListener, registryRenderer, startMetricsListener } from './metrics/http';
import { trackHealth } from './server/health';
import { localModelControl } from './server/model-control';
import { createSecurity } from './server/security';
import { startServer } from './server/server';

export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(argv);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`threatpredict: configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const member = isMember();
  // Several processes write to one stream: each line of a server process says which one it is.
  const root = createLogger(config.logLevel);
  const logger = member ? root.child({ pid: process.pid }) : root;
  if (config.processes > 1 && !member) {
    // One scrape target for the whole fleet: the primary sums what every process reports.
    if (config.metricsListen !== '')
      await startMetricsListener({ listen: config.metricsListen, render: clusterRenderer(), logger });
    runPrimary(config, logger);
    return;
  }
  // First: bad certificate or identities files stop the start before models load. One per process,
  // shared by both listeners: one certificate poller, one quota bucket per identity across protocols.
  const security = createSecurity({
    config: config.security,
    listen: config.listen,
    httpListen: config.httpListen,
    logger,
  });
  const app = await createApp(config, logger);
  let metricsListener: MetricsListener | undefined;
  if (app.metrics !== undefined) {
    const registry = app.metrics.registry;
    if (member) shareWithPrimary(registry);
    else
      metricsListener = await startMetricsListener({
        listen: config.metricsListen,
        render: registryRenderer(registry),
        logger,
      });
  }
  // A process forked to replace another takes the fleet's pins before it listens, never after.
  const pins = member ? fleetPins() : new Map<string, number>();
  if (pins.size > 0) await app.repository.reload(pins);
  const cluster = member ? joinCluster(localModelControl(app.repository), logger) : undefined;
  const server = await startServer(app, { security, models: cluster?.control });
  // JSON over HTTP, the OpenAPI document and the analysts' page: only with --http-listen.
  const http =
    config.httpListen === '' ? undefined : await startHttpServer(app, { security, models: cluster?.control });
  const ready = trackHealth(server.health, app, logger, { requireNewest: config.healthRequiresNewest });
  const models = app.repository.list().map((m) => `${m.name}@${m.serving?.version ?? 'none'}`);
  if (cluster === undefined) logger.info({ models }, ready ? 'serving' : 'not serving: a model is missing');
  else {
    // The primary says "serving" once every process does.
    logger.info({ models, port: server.port }, 'process serving');
    cluster.ready(ready, server.port, models);
  }

  let stopping = false;
  const stop = (signal: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight calls');
    Promise.all([server.shutdown(), http?.shutdown()])
      .then(() => metricsListener?.close())
      .then(() => app.close())
      .then(() => security.close())
      .then(() => {
        logger.info('stopped');
        process.exit(code);
      });
  };
  if (cluster !== undefined) {
    // One of several processes: rather than stay up NOT_SERVING, exit and let the primary replace it.
    // (Should the primary die, Node's cluster module ends this process at once.)
    app.inference.onFailure(() => stop('inference thread gone', 1));
  }
  // SIGHUP re-reads the model repository (new versions, removed ones) under the current version policy.
  process.on('SIGHUP', () => {
    logger.info('SIGHUP: reloading models');
    app.repository.reload().catch((err) => logger.error({ err }, 'reload failed'));
    app.geo.reload().catch((err) => logger.error({ err }, 'geo database reload failed'));
  });
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

if (require.main === module) {
  main().catch((err) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`threatpredict: configuration error: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`threatpredict: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
