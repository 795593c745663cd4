/**
 * The listening socket, owned here instead of by grpc-js, so that connections are admitted before
 * gRPC sees them: grpc-js has options for idle sessions, keepalive and streams per connection, but
 * none for a cap on connections or for a peer that connects and never speaks. 1,000 such sockets held
 * 1,000 descriptors for as long as they liked, and at the descriptor limit real clients got
 * UNAVAILABLE with nothing logged. Accepted sockets are handed to the gRPC server through its
 * connection injector (the same HTTP/2 server code as bindAsync).
 */
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import type { Server, ServerCredentials } from '@grpc/grpc-js';
import type { Logger } from 'pino';

export interface ConnectionLimits {
  /** Open connections at most; one more is closed at once (and logged, at most once a minute). */
  maxConnections: number;
  /** A connection that has sent no byte by then is closed. */
  handshakeTimeoutMs: number;
}

export interface Listener {
  readonly port: number;
  /** Open connections now. */
  connections(): number;
  /** Stops accepting; open connections are the gRPC server's to drain. */
  close(): void;
}

/** `host:port` or `[v6]:port` (validated by the config) -> parts for net.listen. */
function hostPort(listen: string): { host: string; port: number } {
  const i = listen.lastIndexOf(':');
  return { host: listen.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port: Number(listen.slice(i + 1)) };
}

const REFUSAL_LOG_INTERVAL_MS = 60_000;

export async function listen(opts: {
  server: Server;
  credentials: ServerCredentials;
  listen: string;
  limits: ConnectionLimits;
  logger: Logger;
}): Promise<Listener> {
  const { limits, logger } = opts;
  const injector = opts.server.createConnectionInjector(opts.credentials);
  const open = new Set<Socket>();
  let refused = 0;
  let silent = 0;
  let lastRefusalLog = 0;

  const net: NetServer = createServer((socket) => {
    if (open.size >= limits.maxConnections) {
      refused++;
      socket.destroy();
      const now = Date.now();
      if (now - lastRefusalLog >= REFUSAL_LOG_INTERVAL_MS) {
        lastRefusalLog = now;
        logger.warn(
          { connections: open.size, maxConnections: limits.maxConnections, refusedSoFar: refused },
          'connection refused: at the connection limit',
        );
      }
      return;
    }
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    // bytesRead counts what the HTTP/2 session read from the socket, so it tells a silent peer apart.
    const timer = setTimeout(() => {
      if (socket.bytesRead > 0 || socket.destroyed) return;
      silent++;
      // The HTTP/2 session has taken the socket's handle: destroy() alone leaves the descriptor open.
      socket.resetAndDestroy();
      logger.info(
        { remote: socket.remoteAddress, timeoutMs: limits.handshakeTimeoutMs, silentSoFar: silent },
        'connection closed: no byte received in time',
      );
    }, limits.handshakeTimeoutMs);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    injector.injectConnection(socket);
  });

  const { host, port } = hostPort(opts.listen);
  await new Promise<void>((resolve, reject) => {
    net.once('error', reject);
    net.listen({ host, port }, () => {
      net.off('error', reject);
      resolve();
    });
  });
  net.on('error', (err) => logger.error({ err }, 'listener error'));
  const address = net.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : port,
    connections: () => open.size,
    close: () => net.close(),
  };
}
