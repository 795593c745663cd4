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
 */
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
  logger: Logger;
}

const ALL_SCOPES: ReadonlySet<Scope> = new Set(SCOPES);
const PREDICT_ONLY: ReadonlySet<Scope> = new Set<Scope>(['predict']);

/** The host part of grpc-js's `host:port` / `[v6]:port` peer string. */
export function peerHost(peer: string): string {
  const i = peer.lastIndexOf(':');
  return (i < 0 ? peer : peer.slice(0, i)).replace(/^\[(.*)\]$/, '$1');
}

type Resolution = { identity: Identity } | { refused: string };

function bearer(metadata: Metadata): string | undefined {
  const v = metadata.get('authorization')[0];
  if (typeof v !== 'string') return undefined;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(v);
  return m === null ? '' : (m[1] as string);
}

export function authInterceptor({ store, mtls, logger }: AuthOptions): ServerInterceptor {
  const enabled = store !== undefined || mtls;

  const resolve = (metadata: Metadata, call: Parameters<ServerInterceptor>[1]): Resolution => {
    if (!enabled)
      return {
        identity: {
          name: 'anonymous',
          via: 'anonymous',
          scopes: ALL_SCOPES,
          quotaKey: `peer:${peerHost(call.getPeer())}`,
          quota: {},
        },
      };
    const token = bearer(metadata);
    // The token goes no further than this interceptor: handlers and logs never see it.
    metadata.remove('authorization');
    if (token !== undefined) {
      if (token === '') return { refused: 'the authorization header is not "Bearer <token>"' };
      const entry = store?.current().tokens.get(hashToken(token));
      if (entry === undefined) return { refused: 'the bearer token is not known to this server' };
      return { identity: { ...entry, via: 'token', quotaKey: `token:${entry.name}` } };
    }
    const cert = call.getAuthContext().sslPeerCertificate;
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
    return { refused: mtls ? 'no bearer token and no client certificate' : 'no bearer token' };
  };

  return (method, call) => {
    let identity: Identity | undefined;
    return new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, pass) => {
            const requirement = requirementOf(method.path);
            const r = resolve(metadata, call);
            if ('identity' in r) {
              identity = r.identity;
              setCallIdentity(metadata, identity);
            }
            if (requirement === 'open') return pass(metadata);
            let refusal: PredictError | undefined;
            if (identity === undefined)
              refusal = new PredictError('CREDENTIALS_REJECTED', (r as { refused: string }).refused);
            else if (requirement !== 'identity' && !identity.scopes.has(requirement))
              refusal = new PredictError(
                'SCOPE_MISSING',
                `${method.path.slice(1).replace('/', '.')} needs the scope ${requirement}, which ${identity.name} does not have`,
                { scope: requirement, identity: identity.name },
              );
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
