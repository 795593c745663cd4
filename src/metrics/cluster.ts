/**
 * Metrics with `--processes N`: every server process keeps its own registry, and the primary, which
 * owns the metrics listener, asks each process for its metrics over the cluster IPC channel on every
 * scrape (prom-client's AggregatorRegistry) and combines them per metric: counters and histograms are
 * summed, gauges by the aggregator they declare (sum unless said otherwise). One scrape target per
 * service instead of N per-process ports that Prometheus would have to discover.
 */
import { AggregatorRegistry, type Registry } from 'prom-client';

/** In a server process: answer the primary's metric requests from this registry. */
export function shareWithPrimary(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry]);
  // prom-client starts answering the primary's requests when an AggregatorRegistry is made, not before.
  new AggregatorRegistry();
}

/** In the primary: every process's metrics, combined. */
export function clusterRenderer(): () => Promise<{ text: string; contentType: string }> {
  const aggregator = new AggregatorRegistry();
  return async () => ({ text: await aggregator.clusterMetrics(), contentType: aggregator.contentType });
}
