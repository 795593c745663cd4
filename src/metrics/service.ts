/**
 * The service's Prometheus registry: per-RPC metrics (fed by the gRPC interceptor), items per type
 * and verdict (fed by the scoring core), email parse time and size (fed by the parse pool), Node's
 * process metrics (event-loop lag, heap, GC, CPU), and gauges read when Prometheus scrapes: serving
 * model versions, caches, queue depths. Nothing here imports gRPC: the core reports through the
 * small interfaces below.
 *
 * With `--processes N` each server process has its own registry; the primary asks every process for
 * its metrics on each scrape and sums them (see cluster.ts), so the aggregator of each metric says
 * how per-process values combine.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { createItemCounts, type ItemCounts } from './items';
import { createRpcMetrics, type RpcMetrics } from './rpc';

/** What the registry reads from the model repository when scraped (src/scoring/model-repository.ts). */
export interface ModelSource {
  list(): readonly {
    name: string;
    serving: { version: number } | undefined;
    versions: readonly {
      version: number;
      state: string;
      model?: { cache?: { stats(): { hits: number; misses: number; entries: number }; bytes(): number } | undefined };
    }[];
  }[];
}

export interface QueueSource {
  /** Model runs waiting for their turn (coalescing queues) and runs at the inference thread now. */
  inference(): { queued: number; inFlight: number };
  /** Raw messages waiting for a parse worker, their bytes, and messages being parsed now. */
  emailParse(): { queued: number; queuedBytes: number; running: number };
}

export interface EmailParseMetrics {
  /** One message parsed (or refused, or timed out) after `seconds` on a worker. */
  parsed(bytes: number, seconds: number, outcome: 'ok' | 'error' | 'timeout'): void;
}

export interface Metrics {
  readonly registry: Registry;
  readonly rpc: RpcMetrics;
  readonly items: ItemCounts;
  readonly emailParse: EmailParseMetrics;
  /** Registers the gauges read at scrape time. */
  watch(sources: { models: ModelSource; queues: QueueSource }): void;
}

const VERSION_STATES = ['loading', 'serving', 'ready', 'failed', 'retired'] as const;

export function createMetrics(): Metrics {
  const registry = new Registry();
  // Event-loop lag (nodejs_eventloop_lag_*), heap, GC, CPU and file descriptors of this process.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const parseSeconds = new Histogram({
    name: 'threatpredict_email_parse_seconds',
    help: 'Time a raw email message spent on a parse worker, by outcome.',
    labelNames: ['outcome'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const parseBytes = new Histogram({
    name: 'threatpredict_email_message_bytes',
    help: 'Size of the raw email messages handed to the parser.',
    buckets: [1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864],
    registers: [registry],
  });
  return {
    registry,
    rpc: createRpcMetrics(registry),
    items: createItemCounts(registry),
    emailParse: {
      parsed(bytes, seconds, outcome) {
        parseSeconds.observe({ outcome }, seconds);
        parseBytes.observe(bytes);
      },
    },
    watch({ models, queues }) {
      watchModels(registry, models);
      watchQueues(registry, queues);
    },
  };
}

function watchModels(registry: Registry, source: ModelSource): void {
  new Gauge({
    name: 'threatpredict_model_serving_version',
    help: 'The version serving each model (0: none can serve). With --processes, the highest over processes.',
    labelNames: ['model'],
    registers: [registry],
    aggregator: 'max',
    collect() {
      this.reset();
      for (const m of source.list()) this.set({ model: m.name }, m.serving?.version ?? 0);
    },
  });
  new Gauge({
    name: 'threatpredict_model_versions',
    help: 'Model versions in the repository by state (failed: refused by a check, e.g. a bad signature).',
    labelNames: ['model', 'state'],
    registers: [registry],
    aggregator: 'max',
    collect() {
      this.reset();
      for (const m of source.list())
        for (const state of VERSION_STATES)
          this.set({ model: m.name, state }, m.versions.filter((v) => v.state === state).length);
    },
  });
  // Cache counters live in each version's cache (cheap plain numbers); they are read here, per version,
  // so a version released from memory takes its series with it instead of making a counter go down.
  type Cache = { stats(): { hits: number; misses: number; entries: number }; bytes(): number };
  const perVersion = (read: (c: Cache) => number) =>
    function (this: Counter | Gauge) {
      this.reset();
      for (const m of source.list())
        for (const v of m.versions) {
          const cache = v.model?.cache;
          if (cache === undefined) continue;
          const labels = { model: m.name, version: String(v.version) };
          if (this instanceof Counter) this.inc(labels, read(cache));
          else this.set(labels, read(cache));
        }
    };
  const labelNames = ['model', 'version'];
  new Counter({
    name: 'threatpredict_cache_hits_total',
    help: 'Prediction cache lookups answered from the cache, per model version.',
    labelNames,
    registers: [registry],
    collect: perVersion((c) => c.stats().hits),
  });
  new Counter({
    name: 'threatpredict_cache_misses_total',
    help: 'Prediction cache lookups that missed, per model version.',
    labelNames,
    registers: [registry],
    collect: perVersion((c) => c.stats().misses),
  });
  new Gauge({
    name: 'threatpredict_cache_bytes',
    help: 'Estimated bytes the prediction cache keeps alive, per model version (bounded by --cache-max-bytes).',
    labelNames,
    registers: [registry],
    collect: perVersion((c) => c.bytes()),
  });
  new Gauge({
    name: 'threatpredict_cache_entries',
    help: 'Answers in the prediction cache, per model version (bounded by --cache-entries).',
    labelNames,
    registers: [registry],
    collect: perVersion((c) => c.stats().entries),
  });
}

function watchQueues(registry: Registry, source: QueueSource): void {
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  gauge(
    'threatpredict_inference_queued_runs',
    'Model runs waiting to be coalesced and run.',
    () => source.inference().queued,
  );
  gauge(
    'threatpredict_inference_in_flight',
    'Requests (runs, feature batches) at the inference thread or running now.',
    () => source.inference().inFlight,
  );
  gauge(
    'threatpredict_email_parse_queued',
    'Raw email messages waiting for a parse worker.',
    () => source.emailParse().queued,
  );
  gauge(
    'threatpredict_email_parse_queued_bytes',
    'Bytes of the raw email messages waiting for a parse worker.',
    () => source.emailParse().queuedBytes,
  );
  gauge('threatpredict_email_parse_running', 'Raw email messages being parsed now.', () => source.emailParse().running);
}
