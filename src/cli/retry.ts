/**
 * Tries a call again when it fails with UNAVAILABLE, on top of the service config's retry policy.
 * gRPC's own retries stop once the server has begun to answer (the call is "committed", gRFC A6):
 * a server process killed between writing an answer's headers and its message leaves the client with
 * headers, then UNAVAILABLE, and no retry. Measured with `--processes 2` and one process killed under
 * load (test/cluster/processes.test.ts): 2-3 of some 600 calls of 200 items ended that way. Every RPC
 * of this contract may be repeated (scoring changes nothing; a reload with the same pins ends in the
 * same state), so the client repeats it.
 */
import { status } from '@grpc/grpc-js';

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Wait before the second attempt; doubles each time up to maxDelayMs, with jitter. */
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 5, initialDelayMs: 100, maxDelayMs: 2_000 };

function isUnavailable(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === status.UNAVAILABLE;
}

/**
 * grpc-js reports a server certificate that fails verification (wrong name, unknown CA, expired) as
 * UNAVAILABLE, with Node's TLS error in the details ("No connection established. Last error: Error
 * [ERR_TLS_CERT_ALTNAME_INVALID]: ..." or "... self-signed certificate in certificate chain"). That does
 * not pass with time: repeating it made a wrong THREATPREDICT_SERVER_NAME take ~9 s (these five attempts,
 * each with the service config's own five) to report.
 */
function isCertificateFailure(err: unknown): boolean {
  const details = (err as { details?: unknown } | null)?.details;
  return typeof details === 'string' && /ERR_TLS_CERT|certificate|self[- ]signed/i.test(details);
}

export async function retryUnavailable<T>(attempt: () => Promise<T>, opts: RetryOptions = DEFAULT_RETRY): Promise<T> {
  let delay = opts.initialDelayMs;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isUnavailable(err) || isCertificateFailure(err) || n >= opts.attempts) throw err;
      // Full jitter: callers that failed together do not come back together.
      await new Promise((r) => setTimeout(r, Math.random() * delay));
      delay = Math.min(delay * 2, opts.maxDelayMs);
    }
  }
}
