/**
 * The server's security, from its configuration: the transport credentials the listener hands to
 * grpc-js (TLS/mTLS with reloading files, or plaintext) and the interceptors that gate every call
 * (authentication and scopes, then quotas). `callIdentity` is how anything else learns who called.
 */
import { ServerCredentials, type ServerInterceptor } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ConfigError, isLoopbackHost, type SecurityConfig } from '../../config';
import { authInterceptor } from './auth';
import { quotaInterceptor } from './quotas';
import { createTlsCredentials } from './tls';
import { createIdentityStore } from './tokens';

export { callIdentity, type Identity, type Scope } from './identity';

export interface Security {
  readonly credentials: ServerCredentials;
  /** In order: authentication first, so quotas charge the identity it found. */
  readonly interceptors: ServerInterceptor[];
  /** Re-reads the certificate files now (they are also polled). */
  reloadTls(): boolean;
  /** Stops watching files. */
  close(): void;
}

/** Bad certificate files or identities entries stop the start like any bad setting (exit 2, the file named). */
export function createSecurity(opts: { config: SecurityConfig; listen: string; logger: Logger }): Security {
  try {
    return build(opts);
  } catch (err) {
    throw err instanceof ConfigError ? err : new ConfigError((err as Error).message);
  }
}

function build(opts: { config: SecurityConfig; listen: string; logger: Logger }): Security {
  const { config, logger } = opts;
  const tls =
    config.tlsCert === ''
      ? undefined
      : createTlsCredentials({
          files: {
            cert: config.tlsCert,
            key: config.tlsKey,
            clientCa: config.tlsClientCa,
            minVersion: config.tlsMinVersion,
          },
          pollMs: config.credentialsPollMs,
          logger,
        });
  const store = createIdentityStore({
    file: config.authFile,
    inline: config.authInline,
    pollMs: config.credentialsPollMs,
    logger,
  });
  const mtls = config.tlsClientCa !== '';
  const host = opts.listen.slice(0, opts.listen.lastIndexOf(':'));
  if (store === undefined && !mtls && !isLoopbackHost(host))
    logger.warn(
      { listen: opts.listen },
      'authentication is off on a non-loopback address: anyone who reaches the port can call every RPC',
    );
  const interceptors: ServerInterceptor[] = [authInterceptor({ store, mtls, logger })];
  if (config.quotaCalls > 0 || config.quotaItems > 0 || store !== undefined)
    interceptors.push(
      quotaInterceptor({
        limits: { calls: config.quotaCalls, items: config.quotaItems, burstSeconds: config.quotaBurstSeconds },
        logger,
      }),
    );
  return {
    credentials: tls?.credentials ?? ServerCredentials.createInsecure(),
    interceptors,
    reloadTls: () => tls?.reload() ?? false,
    close() {
      tls?.close();
      store?.close();
    },
  };
}
