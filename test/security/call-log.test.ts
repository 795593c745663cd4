/**
 * Failed calls are logged with method, code, reason, identity, peer and duration, and never with
 * what the caller sent: the test sends distinctive values in calls that fail for several reasons
 * (no token, missing scope, quota, batch too large, malformed) and greps every log line for them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Metadata, type ServiceError } from '@grpc/grpc-js';
import { startTestServer, type TestServer } from '../helpers/server';
import { newToken, tokenLine } from './tokens';

describe('failed-call log', () => {
  const sensor = newToken();
  const limited = newToken();
  const reader = newToken();
  let server: TestServer;
  before(async () => {
    const auth = [
      tokenLine('sensor', sensor, 'predict'),
      tokenLine('limited', limited, 'predict', 'items=1'),
      tokenLine('reader', reader, 'models.read'),
    ].join(';');
    server = await startTestServer(['--auth', auth, '--max-batch-items', '3', '--quota-burst-seconds', '1']);
  });
  after(() => server.close());

  const domains = (values: string[], token?: string) =>
    new Promise<ServiceError | null>((resolve) => {
      const md = new Metadata();
      if (token !== undefined) md.set('authorization', `Bearer ${token}`);
      server.predictions.predictDomains(
        { items: values.map((value, i) => ({ id: `id-${value}-${i}`, value })), view: 0 },
        md,
        (err) => resolve(err as ServiceError | null),
      );
    });

  it('logs each refusal with its method, code, reason, identity and duration, and no value', async () => {
    const secret = (tag: string) => `canary-${tag}-7f3a9c.example`;
    assert.equal((await domains([secret('anon')]))?.code, 16);
    assert.equal((await domains([secret('big'), secret('big2'), secret('big3'), secret('big4')], sensor))?.code, 3);
    // items=1 with a burst of 1 s: a batch of 3 leaves the bucket in debt, so the next one is refused.
    await domains([secret('paid1'), secret('paid2'), secret('paid3')], limited);
    assert.equal((await domains([secret('quota')], limited))?.code, 8);
    const reload = await new Promise<ServiceError | null>((resolve) => {
      const md = new Metadata();
      md.set('authorization', `Bearer ${sensor}`);
      server.models.reloadModels({ pins: [{ name: secret('pin'), version: 1 }] }, md, (err) =>
        resolve(err as ServiceError | null),
      );
    });
    assert.equal(reload?.code, 7);
    // Its status message quotes the name ("no model named ..."): the log must not.
    const missing = await new Promise<ServiceError | null>((resolve) => {
      const md = new Metadata();
      md.set('authorization', `Bearer ${reader}`);
      server.models.getModel({ name: secret('model') }, md, (err) => resolve(err as ServiceError | null));
    });
    assert.equal(missing?.code, 5);
    assert.match(missing?.details ?? '', /canary-model/);

    const failed = server.logs.filter((l) => l.msg === 'call failed');
    const byReason = new Map(failed.map((l) => [l.reason, l]));
    assert.deepEqual(
      ['CREDENTIALS_REJECTED', 'BATCH_TOO_LARGE', 'QUOTA_EXCEEDED', 'SCOPE_MISSING', 'MODEL_NOT_FOUND'].filter(
        (r) => !byReason.has(r),
      ),
      [],
    );
    const anon = byReason.get('CREDENTIALS_REJECTED');
    assert.equal(anon?.method, '/threatpredict.v1.PredictionService/PredictDomains');
    assert.equal(anon?.code, 'UNAUTHENTICATED');
    assert.equal(anon?.identity, undefined);
    assert.match(String(anon?.peer), /^(127\.0\.0\.1|\[::ffff:127\.0\.0\.1\]):\d+$/);
    assert.equal(typeof anon?.ms, 'number');
    assert.equal(byReason.get('BATCH_TOO_LARGE')?.identity, 'sensor');
    assert.equal(byReason.get('QUOTA_EXCEEDED')?.identity, 'limited');
    assert.equal(byReason.get('QUOTA_EXCEEDED')?.code, 'RESOURCE_EXHAUSTED');
    assert.equal(byReason.get('SCOPE_MISSING')?.method, '/threatpredict.v1.ModelService/ReloadModels');

    const text = server.logs.map((l) => JSON.stringify(l)).join('\n');
    assert.doesNotMatch(text, /canary-/, 'no item value, id or pin in any log line');
    assert.ok(!text.includes(sensor) && !text.includes(limited), 'no token in any log line');
    assert.equal(byReason.get('MODEL_NOT_FOUND')?.identity, 'reader');
  });

  it('does not log successful calls', async () => {
    const before = server.logs.filter((l) => l.msg === 'call failed').length;
    assert.equal(await domains(['example.com'], sensor), null);
    assert.equal(server.logs.filter((l) => l.msg === 'call failed').length, before);
  });
});
