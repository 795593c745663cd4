/**
 * Builds the in-process application (model repository + scoring core) from a config. The server,
 * the CLI's in-process mode, the benchmark and the tests all start from here.
 */
import type { Logger } from 'pino';
import { type Config, ConfigError } from './config';
import { createParsePool, type ParsePool } from './indicators/email/parse-pool';
import type { GeoLookup } from './indicators/ip/geo';
import { openConfiguredGeo } from './indicators/ip/geo-config';
import { createMetrics, type Metrics } from './metrics/service';
import { createEmailScorer, type EmailScorer } from './scoring/email-scorer';
import { createInlineBackend, createWorkerBackend, type InferenceBackend } from './scoring/inference-pool';
import { createModelRepository, type ModelRepository } from './scoring/model-repository';
import type { AnyPipeline } from './scoring/pipeline';
import { domainPipeline } from './scoring/pipelines/domain';
import { emailPipeline } from './scoring/pipelines/email';
import { emailAddressPipeline } from './scoring/pipelines/email-address';
import { ipPipeline } from './scoring/pipelines/ip';
import { urlPipeline } from './scoring/pipelines/url';
import { createScorer, type Scorer } from './scoring/scorer';
import { watchRepository } from './scoring/watch';
import { siblingFile } from './worker-file';

/** The transport's answer encoder, which the pipeline workers load (see scoring/inference-worker.ts). */
export const ANSWER_ENCODER = siblingFile(__filename, 'server/answer-encoding');

export interface App {
  config: Config;
  logger: Logger;
  repository: ModelRepository;
  scorer: Scorer;
  /** The geo/ASN databases behind IP enrichment; `geo.reload()` re-opens them (e.g. on SIGHUP). */
  geo: GeoLookup;
  /** Worker threads that parse raw email messages with size, depth and time limits. */
  emailParser: ParsePool;
  /** Raw email messages -> parse, embedded indicators, message model (PredictEmails). */
  emails: EmailScorer;
  /** Where model runs happen; its failure() makes health NOT_SERVING. */
  inference: InferenceBackend;
  /** The Prometheus registry and what feeds it; undefined when metrics are off (no --metrics-listen). */
  metrics: Metrics | undefined;
  close(): Promise<void>;
}

export function defaultPipelines(): AnyPipeline[] {
  return [domainPipeline, emailAddressPipeline, urlPipeline];
}

export interface AppOptions {
  /** Where model runs happen, instead of the one the config describes (tests: a pool whose workers fail). */
  inference?: InferenceBackend | undefined;
}

export async function createApp(config: Config, logger: Logger, opts: AppOptions = {}): Promise<App> {
  // Opened before the repository loads, which builds its pipelines' models; the IP pipeline enriches with it.
  const geo = await openConfiguredGeo(config.geoipDir, logger).catch((err: Error) => {
    throw new ConfigError(`geoip directory: ${err.message}`);
  });
  const pipelines = [...defaultPipelines(), ipPipeline(geo)];
  if (config.modelTrust.allowUnsigned)
    logger.warn(
      { keys: config.modelTrust.keys.map((k) => k.id) },
      'UNSIGNED MODELS ALLOWED (--allow-unsigned-models): whoever can write the model repository decides the verdicts',
    );
  const engine = { engine: config.modelEngine };
  const backend =
    opts.inference ??
    (config.inference === 'worker'
      ? createWorkerBackend({ ...engine, workers: config.workers, answerEncoder: ANSWER_ENCODER })
      : createInlineBackend(engine));
  const repository = createModelRepository({
    dir: config.modelsDir,
    // The email model loads and is checked like the others, but is not in the scorer's routing: messages come as bytes.
    pipelines: [...pipelines, emailPipeline],
    logger,
    intraOpThreads: config.intraOpThreads,
    pins: config.modelVersions,
    backend,
    cache: { entries: config.cacheEntries, maxBytes: config.cacheMaxBytes },
    trust: config.modelTrust,
  });
  await repository.reload();
  // A worker without IP requests would keep the replaced databases alive until its next one.
  geo.onReload(() => backend.reshare?.());
  const stopWatching = config.watchModels ? watchRepository(config.modelsDir, repository, logger) : () => {};
  // Off unless asked for: with no metrics the hot path does not even test a counter.
  const metrics = config.metricsListen === '' ? undefined : createMetrics();
  const scorer = createScorer({ repository, pipelines, items: metrics?.items });
  const emailParser = createParsePool({
    limits: { maxBytes: config.maxEmailBytes },
    logger,
    metrics: metrics?.emailParse,
  });
  const emails = createEmailScorer({ parser: emailParser, scorer, repository, items: metrics?.items });
  metrics?.watch({
    models: repository,
    queues: {
      inference: () => backend.pending(),
      emailParse: () => ({
        queued: emailParser.queued(),
        queuedBytes: emailParser.queuedBytes(),
        running: emailParser.running(),
      }),
    },
  });
  return {
    config,
    logger,
    repository,
    scorer,
    geo,
    emailParser,
    emails,
    inference: backend,
    metrics,
    async close() {
      stopWatching();
      await emailParser.close();
      geo.close();
      await repository.close();
      await backend.close();
    },
  };
}
