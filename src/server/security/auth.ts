/**
 * Authentication and authorisation of every call, as a grpc-js server interceptor: it runs before
 * any handler sees the call (and before the request is decoded into work), so a refused call costs
 * a hash and a map lookup. As gRPC defines the codes: no credential, or one the server does not know,
 * is UNAUTHENTICATED; a known identity without the method's scope is PERMISSION_DENIED.
 *
 * Credentials: `authorization: Bearer <token>` metadata (looked up by its SHA-256 in the identities
 * file), else a client certificate the TLS layer verified against the client CA. A verified
 * certificate that the identities file does not name is the identity of its first SAN or CN with the
 * `predict` scope only: the operator's CA issuing it says it may score, nothing more. A token that is
 * sent but unknown is refused even when a certificate is there: a wrong credential is an error.
 *
 * With neither an identities file nor a client CA, authentication is off (loopback development):
 * every caller is `anonymous` with every scope, and quotas key on its address.
 *
 * `createAuthenticator` decides from credentials whatever carried them; the gRPC interceptor below and
 * the HTTP listener (src/http/security.ts) each only take the credentials off their own transport.
 */

import type { PeerCertificate } from 'node:tls';
import { type Metadata, ServerInterceptingCall, type ServerInterceptor, type status } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { PredictError } from '../../errors';
import { toServiceError } from '../call-errors';
import { type Identity, SCOPES, type Scope, setCallIdentity } from './identity';
import { carriesModelDetail, requirementOf, withoutModelDetail } from './policy';
import { certificateNames, hashToken, type IdentityStore } from './tokens';

export interface AuthOptions {
  /** The identities file or inline entries; undefined when none is configured. */
  store: IdentityStore | undefined;
  /** Whether client certificates are required and verified (a client CA is configured). */
  mtls: boolean;
}

const ALL_SCOPES: ReadonlySet<Scope> = new Set(SCOPES);
const PREDICT_ONLY: ReadonlySet<Scope> = new Set<Scope>(['predict']);

/** The host part of grpc-js's `host:port` / `[v6]:port` peer string, as `socketHost` writes it. */
export function peerHost(peer: string): string {
  const i = peer.lastIndexOf(':');
  return socketHost((i < 0 ? peer : peer.slice(0, i)).replace(/^\[(.*)\]$/, '$1'));
}

/**
 * A socket's remote address as one caller's quota key: an IPv4 client of a dual-stack listener shows
 * as `::ffff:1.2.3.4`, and the same client must charge one bucket whichever port (gRPC or HTTP, bound
 * to `::` or to `0.0.0.0`) it came in on.
 */
export function socketHost(address: string): string {
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address;
}

/** What a call carried, taken off its transport. */
export interface CallCredentials {
  /** The `authorization` header or metadata value, as sent. */
  authorization: string | undefined;
  /** A client certificate the TLS layer verified against the client CA. */
  certificate: PeerCertificate | undefined;
  /** The caller's address (quota key of anonymous callers). */
  peerHost: string;
}

/**
 * Why credentials were refused: none at all, an authorization value that is not a bearer token, or
 * a token the server does not know (RFC 6750 tells these apart in `WWW-Authenticate`).
 */
export type RefusalKind = 'missing' | 'malformed' | 'unknown';

export type Resolution = { identity: Identity } | { refused: string; kind: RefusalKind };

export interface Authenticator {
  /** Who calls, or why the credentials are refused. */
  resolve(credentials: CallCredentials): Resolution;
  /**
   * Whether `path` (`/package.Service/Method`) may be called with that resolution: undefined when it
   * may, else the error to answer (CREDENTIALS_REJECTED or SCOPE_MISSING).
   */
  check(path: string, resolution: Resolution): PredictError | undefined;
}

/** `Bearer <token>` -> the token; '' when the value is not of that form; undefined when absent. */
function bearer(value: string | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(value);
  return m === null ? '' : (m[1] as string);
}

export function createAuthenticator({ store, mtls }: AuthOptions): Authenticator {
  const enabled = store !== undefined || mtls;
  const resolve = (c: CallCredentials): Resolution => {
    if (!enabled)
      return {
        identity: {
          name: 'anonymous',
          via: 'anonymous',
          scopes: ALL_SCOPES,
          quotaKey: `peer:${c.peerHost}`,
          quota: {},
        },
      };
    const token = bearer(c.authorization);
    if (token !== undefined) {
      if (token === '') return { refused: 'the authorization header is not "Bearer <token>"', kind: 'malformed' };
      const entry = store?.current().tokens.get(hashToken(token));
      if (entry === undefined) return { refused: 'the bearer token is not known to this server', kind: 'unknown' };
      return { identity: { ...entry, via: 'token', quotaKey: `token:${entry.name}` } };
    }
    const cert = c.certificate;
    if (cert !== undefined) {
      const names = certificateNames(cert);
      const table = store?.current().certificates;
      for (const n of names) {
        const entry = table?.get(n);
        if (entry !== undefined) return { identity: { ...entry, via: 'certificate', quotaKey: `cert:${entry.name}` } };
      }
      const name = names[0] ?? `fingerprint=${cert.fingerprint256}`;
      return { identity: { name, via: 'certificate', scopes: PREDICT_ONLY, quotaKey: `cert:${name}`, quota: {} } };
    }
    return { refused: mtls ? 'no bearer token and no client certificate' : 'no bearer token', kind: 'missing' };
  };

  const check = (path: string, r: Resolution): PredictError | undefined => {
    const requirement = requirementOf(path);
    if (requirement === 'open') return undefined;
    if (!('identity' in r)) return new PredictError('CREDENTIALS_REJECTED', r.refused);
    const { identity } = r;
    if (requirement === 'identity' || identity.scopes.has(requirement)) return undefined;
    return new PredictError(
      'SCOPE_MISSING',
      `${path.slice(1).replace('/', '.')} needs the scope ${requirement}, which ${identity.name} does not have`,
      { scope: requirement, identity: identity.name },
    );
  };
  return { resolve, check };
}

export function authInterceptor({
  authenticator,
  logger,
}: {
  authenticator: Authenticator;
  logger: Logger;
}): ServerInterceptor {
  return (method, call) => {
    let identity: Identity | undefined;
    return new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, pass) => {
            const authorization = metadata.get('authorization')[0];
            // The token goes no further than this interceptor: handlers and logs never see it.
            metadata.remove('authorization');
            const r = authenticator.resolve({
              authorization: typeof authorization === 'string' ? authorization : undefined,
              certificate: call.getAuthContext().sslPeerCertificate,
              peerHost: peerHost(call.getPeer()),
            });
            if ('identity' in r) {
              identity = r.identity;
              setCallIdentity(metadata, identity);
            }
            const refusal = authenticator.check(method.path, r);
            if (refusal === undefined) return pass(metadata);
            // Metadata is never passed on: the handler does not start, messages stop here.
            const e = toServiceError(refusal, logger);
            call.sendStatus({ code: e.code as status, details: e.details as string, metadata: e.metadata as Metadata });
          },
        }),
      sendMessage: (message, next) => {
        if (carriesModelDetail(method.path) && !(identity?.scopes.has('models.read') ?? false))
          next(withoutModelDetail(method.path, message));
        else next(message);
      },
    });
  };
}
