/**
 * Per-identity quotas, so one noisy client cannot starve a sensor fleet: a token bucket for calls
 * and one for items (indicators or messages) per identity, refilled at the configured rate per
 * second and holding `burstSeconds` of it.
 *
 * A unary call over either bucket is refused with RESOURCE_EXHAUSTED / QUOTA_EXCEEDED and a
 * google.rpc.RetryInfo saying when the bucket will hold enough; the handler never starts. A stream
 * is refused the same way when it opens over the call quota, but its messages are slowed rather than
 * refused: a message waits until its identity's bucket can pay for it, so HTTP/2 flow control pushes
 * back on the sender and the answers it already sent are not lost to a failed stream.
 *
 * A batch larger than a whole bucket is admitted once the bucket is full and leaves it in debt, so it
 * is slowed to the rate, not refused for ever.
 */
import type { Metadata, ServerInterceptor, status } from '@grpc/grpc-js';
import { ServerInterceptingCall } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { PredictError } from '../../errors';
import { toServiceError } from '../call-errors';
import { MalformedRequest } from '../malformed';
import { RawBatch } from '../raw-batch';
import { callIdentity, type Identity } from './identity';
import { requirementOf } from './policy';

export interface QuotaLimits {
  /** Per second per identity; 0 = unlimited. */
  calls: number;
  items: number;
  burstSeconds: number;
}

interface Bucket {
  tokens: number;
  last: number;
  rate: number;
}

/** Token buckets by key; `take` answers 0 when admitted, else how many ms until it would be. */
export class Buckets {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  constructor(
    private readonly burstSeconds: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  take(key: string, rate: number, n: number): number {
    if (rate <= 0) return 0;
    const now = this.now();
    const burst = rate * this.burstSeconds;
    this.sweep(now);
    let b = this.buckets.get(key);
    if (b === undefined) {
      b = { tokens: burst, last: now, rate };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(burst, b.tokens + ((now - b.last) * b.rate) / 1000);
    b.last = now;
    b.rate = rate; // an identities reload may have changed it
    const need = Math.min(n, burst);
    if (b.tokens >= need) {
      b.tokens -= n;
      return 0;
    }
    return Math.ceil(((need - b.tokens) * 1000) / rate);
  }

  /** Buckets that would be full again are dropped, so keys (e.g. anonymous addresses) do not pile up. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [k, b] of this.buckets)
      if (b.tokens + ((now - b.last) * b.rate) / 1000 >= b.rate * this.burstSeconds) this.buckets.delete(k);
  }

  get size(): number {
    return this.buckets.size;
  }
}

/** Items in a request: the batch's count, without decoding a RawBatch's items. */
export function itemCount(message: unknown): number {
  if (message instanceof RawBatch) return message.count;
  if (message instanceof MalformedRequest) return 0;
  const items = (message as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? items.length : 0;
}

/**
 * The buckets of every identity, for every transport: the gRPC interceptor below and the HTTP
 * listener charge the same instance, so an identity has one call bucket and one item bucket however
 * it calls.
 */
export interface Quotas {
  /** Charges one call; 0 when admitted, else the ms until it would be. */
  takeCall(identity: Identity): number;
  /** Charges `n` items; 0 when admitted, else the ms until they would be (nothing is charged then). */
  takeItems(identity: Identity, n: number): number;
  /** The QUOTA_EXCEEDED error for a refusal, with its RetryInfo delay. */
  refusal(kind: 'call' | 'item', identity: Identity, waitMs: number): PredictError;
}

export function createQuotas(opts: { limits: QuotaLimits; now?: () => number }): Quotas {
  const { limits } = opts;
  const calls = new Buckets(limits.burstSeconds, opts.now);
  const items = new Buckets(limits.burstSeconds, opts.now);
  return {
    takeCall: (id) => calls.take(id.quotaKey, id.quota.calls ?? limits.calls, 1),
    takeItems: (id, n) => (n === 0 ? 0 : items.take(id.quotaKey, id.quota.items ?? limits.items, n)),
    refusal: (kind, id, waitMs) =>
      new PredictError(
        'QUOTA_EXCEEDED',
        `${id.name} is over its ${kind} quota; retry in ${waitMs} ms`,
        { identity: id.name, quota: `${kind}s` },
        waitMs,
      ),
  };
}

export function quotaInterceptor(opts: { quotas: Quotas; logger: Logger }): ServerInterceptor {
  const { quotas, logger } = opts;

  return (method, call) => {
    let identity: Identity | undefined;
    let waiting: NodeJS.Timeout | undefined;
    let refused = false;
    const refuse = (kind: 'call' | 'item', id: Identity, wait: number) => {
      refused = true;
      const e = toServiceError(quotas.refusal(kind, id, wait), logger);
      call.sendStatus({ code: e.code as status, details: e.details as string, metadata: e.metadata as Metadata });
    };
    return new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, pass) => {
            const id = callIdentity(metadata);
            // Open methods (health) are not metered: a probe must never be refused for a quota.
            if (id === undefined || requirementOf(method.path) === 'open') return pass(metadata);
            identity = id;
            const wait = quotas.takeCall(id);
            if (wait > 0) return refuse('call', id, wait);
            pass(metadata);
          },
          onReceiveMessage: (message, pass) => {
            const id = identity;
            if (refused) return;
            if (id === undefined) return pass(message);
            const n = itemCount(message);
            const wait = quotas.takeItems(id, n);
            if (wait === 0) return pass(message);
            // A unary handler has not started before its one message arrives: refuse it.
            if (!method.requestStream) return refuse('item', id, wait);
            // Slowed, not refused: the bucket is charged when the wait is over.
            const retry = (ms: number) => {
              waiting = setTimeout(() => {
                const again = quotas.takeItems(id, n);
                if (again === 0) pass(message);
                else retry(again);
              }, ms);
            };
            retry(wait);
          },
          onReceiveHalfClose: (pass) => {
            if (!refused) pass();
          },
          onCancel: () => clearTimeout(waiting),
        }),
    });
  };
}
