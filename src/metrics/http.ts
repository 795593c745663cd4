/**
 * The Prometheus endpoint: `GET /metrics` on a listener of its own (`--metrics-listen`), apart from
 * the gRPC port, so it can be exposed to the monitoring network only and scraped without gRPC.
 */
import { createServer } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

export interface MetricsListener {
  readonly port: number;
  close(): Promise<void>;
}

export interface MetricsListenerOptions {
  /** HOST:PORT (an IPv6 host in brackets); port 0 picks a free one. */
  listen: string;
  /** The exposition text and its content type (one process's registry, or every process's). */
  render(): Promise<{ text: string; contentType: string }>;
  logger: Logger;
}

/** One process's registry as the listener serves it. */
export function registryRenderer(registry: Registry): MetricsListenerOptions['render'] {
  return async () => ({ text: await registry.metrics(), contentType: registry.contentType });
}

export function startMetricsListener(opts: MetricsListenerOptions): Promise<MetricsListener> {
  const colon = opts.listen.lastIndexOf(':');
  const host = opts.listen.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = Number(opts.listen.slice(colon + 1));
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at GET /metrics\n');
      return;
    }
    opts.render().then(
      ({ text, contentType }) => res.writeHead(200, { 'content-type': contentType }).end(text),
      (err: Error) => {
        opts.logger.error({ err }, 'metrics scrape failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics are unavailable, see the server log\n');
      },
    );
  });
  // A slow or idle scraper cannot keep sockets open for long.
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      opts.logger.info({ listen: opts.listen, port: bound }, 'metrics listening');
      resolve({
        port: bound,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
