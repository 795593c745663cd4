/** Composition root: config -> logger -> models -> server, and signal handling. Nothing else wires. */

import { createApp } from './app';
import { type Config, ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { trackHealth } from './server/health';
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
  const logger = createLogger(config.logLevel);
  const app = await createApp(config, logger);
  const server = await startServer(app);
  const ready = trackHealth(server.health, app, logger);
  logger.info(
    { models: app.repository.list().map((m) => `${m.name}@${m.serving?.version ?? 'none'}`) },
    ready ? 'serving' : 'not serving: a model is missing',
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight calls');
    server
      .shutdown()
      .then(() => app.close())
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      });
  };
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
    process.stderr.write(`threatpredict: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
