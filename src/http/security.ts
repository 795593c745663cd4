/**
 * The gRPC port's authentication, scopes and quotas on the HTTP listener, from the same objects
 * (src/server/security: one identities store, one authenticator, one set of quota buckets). Each
 * route is checked as the RPC it calls: `POST /v1/models:reload` is ReloadModels and needs
 * `models.admin`, the seed's `GET /domain/` is PredictDomains and needs `predict`. Static files (the
 * analysts' page, its script and style, the OpenAPI document and its reference page) stay open: they
 * hold no data, and a browser must load the page before anyone can type a token into it.
 *
 * Credentials: `Authorization: Bearer <token>`, else the client certificate TLS verified. Refusals are
 * google.rpc.Status bodies with the statuses RFC 6750 gives bearer tokens: 401 and
 * `WWW-Authenticate: Bearer ...` (with `error="invalid_token"` for a token the server does not know),
 * 403 with `error="insufficient_scope"` and the scope needed; over a quota, 429 with `Retry-After`
 * and RetryInfo. The call quota is charged here, before the body is read; the item quota once the
 * body is decoded (services.ts calls `admitItems`), as on gRPC.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { type PeerCertificate, TLSSocket } from 'node:tls';
import type { Registry } from '@bufbuild/protobuf';
import type { Logger } from 'pino';
import type { PredictError } from '../errors';
import type { Identity, Security } from '../server/security';
import { type RefusalKind, socketHost } from '../server/security/auth';
import { requirementOf } from '../server/security/policy';
import { sendJson } from './gateway';
import type { HttpInterceptor, HttpRoute } from './route';
import { errorBody, noteError } from './status';

/** The realm in `WWW-Authenticate` challenges. */
const REALM = 'threatpredict';

export interface HttpSecurity {
  /** Authentication, scopes and the call quota, for every route that calls an RPC. */
  readonly interceptor: HttpInterceptor;
  /** The identity the interceptor found for `req`, if it found one. */
  identity(req: IncomingMessage): Identity | undefined;
  /** The same, for a route's handler: it throws if the interceptor did not run (a wiring bug). */
  caller(req: IncomingMessage): Identity;
  /** `CallContext.admitItems` for `req`: refuses a unary call over the item quota, slows a stream. */
  itemGate(req: IncomingMessage, streaming: boolean, signal: AbortSignal): (n: number) => Promise<void>;
}

/** The client certificate TLS verified, as grpc-js's auth context gives it (none on plaintext). */
function verifiedCertificate(req: IncomingMessage): PeerCertificate | undefined {
  const socket = req.socket;
  if (!(socket instanceof TLSSocket) || !socket.authorized) return undefined;
  const cert = socket.getPeerCertificate();
  return cert.raw === undefined ? undefined : cert;
}

function challenge(err: PredictError, kind: RefusalKind | undefined): Record<string, string> {
  if (err.reason === 'CREDENTIALS_REJECTED') {
    const error =
      kind === 'unknown'
        ? ', error="invalid_token", error_description="the bearer token is not known to this server"'
        : kind === 'malformed'
          ? ', error="invalid_request", error_description="the authorization header is not Bearer <token>"'
          : '';
    return { 'www-authenticate': `Bearer realm="${REALM}"${error}` };
  }
  if (err.reason === 'SCOPE_MISSING')
    return {
      'www-authenticate': `Bearer realm="${REALM}", error="insufficient_scope", scope="${err.metadata.scope ?? ''}"`,
    };
  return {};
}

export function httpSecurity(opts: { security: Security; registry: Registry; logger: Logger }): HttpSecurity {
  const { security, registry, logger } = opts;
  const identities = new WeakMap<IncomingMessage, Identity>();

  const refuse = (req: IncomingMessage, res: ServerResponse, err: PredictError, kind?: RefusalKind) => {
    const body = errorBody(err, registry, logger);
    noteError(res, body);
    // The body was not read: close the connection rather than drain what may be a large upload.
    const close: Record<string, string> = req.complete ? {} : { connection: 'close' };
    sendJson(res, body.httpStatus, body.json, { ...body.headers, ...challenge(err, kind), ...close });
  };

  const interceptor: HttpInterceptor = async (route: HttpRoute, req, res, next) => {
    if (route.rpc === undefined) return next();
    const header = req.headers.authorization;
    // The token goes no further: handlers and logs never see it.
    delete req.headers.authorization;
    const r = security.authenticator.resolve({
      authorization: header,
      certificate: verifiedCertificate(req),
      peerHost: socketHost(req.socket.remoteAddress ?? ''),
    });
    if ('identity' in r) identities.set(req, r.identity);
    const refusal = security.authenticator.check(route.rpc.path, r);
    if (refusal !== undefined) return refuse(req, res, refusal, 'kind' in r ? r.kind : undefined);
    const { quotas } = security;
    if (quotas !== undefined && 'identity' in r && requirementOf(route.rpc.path) !== 'open') {
      const wait = quotas.takeCall(r.identity);
      if (wait > 0) return refuse(req, res, quotas.refusal('call', r.identity, wait));
    }
    await next();
  };

  const caller = (req: IncomingMessage): Identity => {
    const id = identities.get(req);
    if (id === undefined) throw new Error('no identity for this request: the security interceptor did not run');
    return id;
  };

  const itemGate = (req: IncomingMessage, streaming: boolean, signal: AbortSignal) => {
    const { quotas } = security;
    if (quotas === undefined) return async () => {};
    const id = caller(req);
    return async (n: number) => {
      let wait = quotas.takeItems(id, n);
      if (wait === 0) return;
      if (!streaming) throw quotas.refusal('item', id, wait);
      // A stream's line waits until its bucket can pay (the answers already sent are not lost).
      while (wait > 0) {
        await sleep(wait, undefined, { signal });
        wait = quotas.takeItems(id, n);
      }
    };
  };

  return { interceptor, identity: (req) => identities.get(req), caller, itemGate };
}
