import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { status } from '@grpc/grpc-js';
import { retryUnavailable } from '../src/cli/retry';

const fast = { attempts: 4, initialDelayMs: 1, maxDelayMs: 2 };
const failing = (codes: number[]) => {
  let n = 0;
  return {
    calls: () => n,
    attempt: async () => {
      const code = codes[n++];
      if (code === undefined) return 'answer';
      throw Object.assign(new Error(`code ${code}`), { code });
    },
  };
};

describe('retryUnavailable', () => {
  it('tries again after UNAVAILABLE until an attempt succeeds', async () => {
    const f = failing([status.UNAVAILABLE, status.UNAVAILABLE]);
    assert.equal(await retryUnavailable(f.attempt, fast), 'answer');
    assert.equal(f.calls(), 3);
  });

  it('gives up after the last attempt with the last error', async () => {
    const f = failing([14, 14, 14, 14, 14]);
    await assert.rejects(retryUnavailable(f.attempt, fast), { code: status.UNAVAILABLE });
    assert.equal(f.calls(), 4);
  });

  it('does not repeat a server certificate that failed verification (UNAVAILABLE to grpc-js, but it will not pass)', async () => {
    for (const details of [
      "No connection established. Last error: Error [ERR_TLS_CERT_ALTNAME_INVALID]: Hostname/IP does not match certificate's altnames",
      'No connection established. Last error: Error: self-signed certificate in certificate chain',
      'No connection established. Last error: Error: unable to verify the first certificate',
    ]) {
      let n = 0;
      const attempt = async () => {
        n++;
        throw Object.assign(new Error(details), { code: status.UNAVAILABLE, details });
      };
      await assert.rejects(retryUnavailable(attempt, fast), { details });
      assert.equal(n, 1, details);
    }
    // A refused connection is another matter: the server may be starting.
    const refused = 'No connection established. Last error: connect ECONNREFUSED 127.0.0.1:50051';
    let n = 0;
    await assert.rejects(
      retryUnavailable(async () => {
        n++;
        throw Object.assign(new Error(refused), { code: status.UNAVAILABLE, details: refused });
      }, fast),
    );
    assert.equal(n, fast.attempts);
  });

  it('never repeats a call that failed otherwise (a bad request stays bad; quota errors wait for RetryInfo)', async () => {
    for (const code of [status.INVALID_ARGUMENT, status.RESOURCE_EXHAUSTED, status.DEADLINE_EXCEEDED]) {
      const f = failing([code]);
      await assert.rejects(retryUnavailable(f.attempt, fast), { code });
      assert.equal(f.calls(), 1);
    }
  });
});
