/**
 * Quotas: the token bucket's arithmetic on a fake clock, and on a running server a caller over its
 * quota gets RESOURCE_EXHAUSTED with a RetryInfo while another identity is still served, and a stream
 * over its item quota is slowed, not failed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { Status } from '../../src/gen/google/rpc/status';
import type {
  PredictDomainsResponse,
  StreamPredictDomainsResponse,
} from '../../src/gen/threatpredict/v1/prediction_service';
import { RawBatch } from '../../src/server/raw-batch';
import { peerHost, socketHost } from '../../src/server/security/auth';
import { Buckets, itemCount } from '../../src/server/security/quotas';
import { callReason } from '../helpers/errors';
import { startTestServer, type TestServer } from '../helpers/server';
import { newToken, tokenLine } from './tokens';

describe('token buckets', () => {
  it('admits a burst, then waits for the refill', () => {
    let now = 0;
    const b = new Buckets(2, () => now);
    assert.equal(b.take('a', 10, 20), 0); // a full bucket: 10/s x 2 s
    assert.equal(b.take('a', 10, 1), 100); // empty: one token takes 100 ms
    now = 100;
    assert.equal(b.take('a', 10, 1), 0);
    assert.equal(b.take('b', 10, 5), 0, 'another key has its own bucket');
  });

  it('admits a request larger than the bucket once it is full, and leaves it in debt', () => {
    let now = 0;
    const b = new Buckets(1, () => now);
    assert.equal(b.take('a', 100, 500), 0);
    assert.equal(b.take('a', 100, 1), 4010); // -400 tokens: 4.01 s until one is there
    now = 4010;
    assert.equal(b.take('a', 100, 1), 0);
  });

  it('treats a rate of 0 as unlimited', () => {
    const b = new Buckets(1, () => 0);
    for (let i = 0; i < 1000; i++) assert.equal(b.take('a', 0, 1_000_000), 0);
    assert.equal(b.size, 0);
  });

  it('counts a RawBatch without decoding its items', () => {
    const batch = new RawBatch(Buffer.alloc(0), 3, new Int32Array(12), 0);
    assert.equal(itemCount(batch), 3);
    assert.equal(itemCount({ items: [1, 2] }), 2);
    assert.equal(itemCount({}), 0);
  });
});

/** google.rpc.RetryInfo's delay in ms, read from the status details. */
function retryDelayMs(err: ServiceError): number | undefined {
  const bin = err.metadata.get('grpc-status-details-bin')[0] as Buffer | undefined;
  if (bin === undefined) return undefined;
  const any = Status.decode(bin).details.find((d) => d.typeUrl === 'type.googleapis.com/google.rpc.RetryInfo');
  if (any === undefined) return undefined;
  // RetryInfo { Duration retry_delay = 1 } -> Duration { int64 seconds = 1; int32 nanos = 2 }
  const v = Buffer.from(any.value);
  let pos = 2; // tag + length of retry_delay
  let seconds = 0;
  let nanos = 0;
  while (pos < v.length) {
    const tag = v[pos++] as number;
    let n = 0;
    for (let shift = 0; ; shift += 7) {
      const b = v[pos++] as number;
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
    }
    if (tag === 8) seconds = n;
    else if (tag === 16) nanos = n;
  }
  return seconds * 1000 + nanos / 1e6;
}

describe('quotas on a running server', () => {
  const noisy = newToken();
  const quiet = newToken();
  const streamer = newToken();
  let server: TestServer;
  before(async () => {
    const auth = [
      tokenLine('noisy', noisy, 'predict', 'calls=1'),
      tokenLine('quiet', quiet, 'predict', 'calls=1'),
      tokenLine('streamer', streamer, 'predict', 'items=5'),
    ].join(';');
    server = await startTestServer(['--auth', auth, '--quota-burst-seconds', '1']);
  });
  after(() => server.close());
  const domains = (token: string, value = 'example.com') =>
    new Promise<PredictDomainsResponse>((resolve, reject) => {
      const md = new Metadata();
      md.set('authorization', `Bearer ${token}`);
      server.predictions.predictDomains({ items: [{ id: 'a', value }], view: 0 }, md, (err, res) =>
        err ? reject(err) : resolve(res as PredictDomainsResponse),
      );
    });

  it('refuses a caller over its call quota with RESOURCE_EXHAUSTED and RetryInfo; others are served', async () => {
    // One call a second with a burst of one: of calls made back to back, one is refused.
    let refused: ServiceError | undefined;
    for (let i = 0; i < 20 && refused === undefined; i++)
      await domains(noisy).catch((err: ServiceError) => {
        refused = err;
      });
    assert.ok(refused, 'a call was refused');
    assert.equal(refused.code, status.RESOURCE_EXHAUSTED);
    assert.equal(callReason(refused), 'QUOTA_EXCEEDED');
    const delay = retryDelayMs(refused);
    assert.ok(delay !== undefined && delay > 0 && delay <= 1000, `RetryInfo delay ${delay}`);
    const res = await domains(quiet);
    assert.equal(res.results[0]?.id, 'a', 'another identity has its own bucket');
  });

  it('slows a stream over its item quota instead of failing it', async () => {
    const md = new Metadata();
    md.set('authorization', `Bearer ${streamer}`);
    const stream = server.predictions.streamPredictDomains(md);
    const got: StreamPredictDomainsResponse[] = [];
    const done = new Promise<void>((resolve, reject) => {
      stream.on('data', (r: StreamPredictDomainsResponse) => got.push(r));
      stream.on('error', reject);
      stream.on('end', resolve);
    });
    // 15 items at 5 a second with a bucket of 5: the second and third messages wait.
    for (let m = 0; m < 3; m++)
      stream.write({
        items: [1, 2, 3, 4, 5].map((i) => ({ id: `${m}-${i}`, value: `host${i}.example.com` })),
        view: 0,
      });
    stream.end();
    await done;
    assert.deepEqual(
      got.flatMap((r) => r.results.map((p) => p.id)),
      [0, 1, 2].flatMap((m) => [1, 2, 3, 4, 5].map((i) => `${m}-${i}`)),
    );
  });
});

describe('anonymous callers', () => {
  it('charge one bucket per address, however the listener writes an IPv4 client (dual-stack ::ffff:)', () => {
    assert.equal(peerHost('ipv4:1.2.3.4:5555'.slice(5)), '1.2.3.4');
    assert.equal(peerHost('[::ffff:1.2.3.4]:5555'), '1.2.3.4');
    assert.equal(socketHost('::ffff:1.2.3.4'), '1.2.3.4');
    assert.equal(socketHost('::FFFF:10.0.0.1'), '10.0.0.1');
    assert.equal(socketHost('1.2.3.4'), '1.2.3.4');
    // Real IPv6 addresses stay as they are.
    assert.equal(peerHost('[2001:db8::1]:443'), '2001:db8::1');
    assert.equal(socketHost('::ffff:abcd:1'), '::ffff:abcd:1');
  });
});
