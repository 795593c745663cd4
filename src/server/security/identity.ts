/**
 * Who is calling. The authentication interceptor (auth.ts) decides it once per call from the bearer
 * token or client certificate, and records it against the call's request metadata: that one object
 * is what every interceptor (quotas, the failed-call log, metrics) and every handler (`call.metadata`)
 * sees of the call, so `callIdentity(...)` is the one way any of them asks.
 */
import type { Metadata } from '@grpc/grpc-js';

export const SCOPES = ['predict', 'models.read', 'models.admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface QuotaOverrides {
  /** Calls per second for this identity (overrides --quota-calls; 0 = unlimited). */
  calls?: number;
  /** Items per second for this identity (overrides --quota-items; 0 = unlimited). */
  items?: number;
}

export interface Identity {
  /** The name the identities file gives it, a certificate's name, or `anonymous` when authentication is off. */
  readonly name: string;
  /** How it was established. */
  readonly via: 'token' | 'certificate' | 'anonymous';
  readonly scopes: ReadonlySet<Scope>;
  /** Whose bucket the quotas charge: the name, or for anonymous callers their address. */
  readonly quotaKey: string;
  readonly quota: QuotaOverrides;
}

const identities = new WeakMap<Metadata, Identity>();

/**
 * The caller's identity, once authentication has run for the call; undefined before that and for a
 * call refused as unauthenticated. Pass the request Metadata (interceptors get it in
 * onReceiveMetadata) or a handler's call object.
 */
export function callIdentity(call: Metadata | { readonly metadata: Metadata }): Identity | undefined {
  return identities.get('metadata' in call ? call.metadata : call);
}

/** For auth.ts only. */
export function setCallIdentity(metadata: Metadata, identity: Identity): void {
  identities.set(metadata, identity);
}
