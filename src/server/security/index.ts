/**
 * The server's security, from its configuration, made once per process and shared by both listeners:
 * the TLS files (one poller; grpc-js takes `credentials`, the HTTP listener `tls`), the identities
 * and what they may call (`authenticator`), and the quota buckets (`quotas`, one per identity
 * whichever protocol it calls with). For grpc-js it also gives the interceptors that gate every call
 * (authentication and scopes, then quotas); src/http/security.ts does the same for HTTP requests with
 * the same objects. `callIdentity` is how anything else learns who called over gRPC.
 */
import { ServerCredentials, type ServerInterceptor } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ConfigError, isLoopbackHost, type SecurityConfig, startWarnings } from '../../config';
import { type Authenticator, authInterceptor, createAuthenticator } from './auth';
import { createQuotas, type Quotas, quotaInterceptor } from './quotas';
import { createTlsCredentials, type ReloadingCredentials } from './tls';
import { createIdentityStore } from './tokens';

export { callIdentity, type Identity, type Scope } from './identity';

export interface Security {
  readonly credentials: ServerCredentials;
  /** The certificate files (reloading); undefined when the listeners speak plaintext. */
  readonly tls: ReloadingCredentials | undefined;
  /** Whether client certificates are required and verified (a client CA is configured). */
  readonly mtls: boolean;
  /** Whether callers must present credentials (an identities file or inline entries, or a client CA). */
  readonly authRequired: boolean;
  readonly authenticator: Authenticator;
  /** The per-identity buckets; undefined when no quota applies. */
  readonly quotas: Quotas | undefined;
  /** For grpc-js, in order: authentication first, so quotas charge the identity it found. */
  readonly interceptors: ServerInterceptor[];
  /** Re-reads the certificate files now (they are also polled). */
  reloadTls(): boolean;
  /** Stops watching files. */
  close(): void;
}

export interface SecurityOptions {
  config: SecurityConfig;
  /** The gRPC listen address. */
  listen: string;
  /** The HTTP listen address, when there is one. */
  httpListen?: string;
  logger: Logger;
}

/** Bad certificate files or identities entries stop the start like any bad setting (exit 2, the file named). */
export function createSecurity(opts: SecurityOptions): Security {
  try {
    return build(opts);
  } catch (err) {
    throw err instanceof ConfigError ? err : new ConfigError((err as Error).message);
  }
}

function hostOf(listen: string): string {
  return listen.slice(0, listen.lastIndexOf(':'));
}

function build(opts: SecurityOptions): Security {
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
  for (const listen of [opts.listen, opts.httpListen ?? '']) {
    if (listen !== '' && store === undefined && !mtls && !isLoopbackHost(hostOf(listen)))
      logger.warn(
        { listen },
        'authentication is off on a non-loopback address: anyone who reaches the port can call every RPC',
      );
  }
  for (const warning of startWarnings({ listen: opts.listen, httpListen: opts.httpListen ?? '', security: config }))
    logger.warn(warning);
  const authenticator = createAuthenticator({ store, mtls });
  const quotas =
    config.quotaCalls > 0 || config.quotaItems > 0 || store !== undefined
      ? createQuotas({
          limits: { calls: config.quotaCalls, items: config.quotaItems, burstSeconds: config.quotaBurstSeconds },
        })
      : undefined;
  const interceptors: ServerInterceptor[] = [authInterceptor({ authenticator, logger })];
  if (quotas !== undefined) interceptors.push(quotaInterceptor({ quotas, logger }));
  return {
    credentials: tls?.credentials ?? ServerCredentials.createInsecure(),
    tls,
    mtls,
    authRequired: store !== undefined || mtls,
    authenticator,
    quotas,
    interceptors,
    reloadTls: () => tls?.reload() ?? false,
    close() {
      tls?.close();
      store?.close();
    },
  };
}
