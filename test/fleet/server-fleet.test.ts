/**
 * What a fleet needs from one server process: it says who answered (response header and
 * GetServerInfo), sends a GOAWAY at the configured connection age (through our own connection
 * injector, not grpc-js's listener), and can tie overall health to the newest model version.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, constants } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Metadata } from '@grpc/grpc-js';
import { checkHealth } from '../../src/cli/health-client';
import type { GetServerInfoResponse } from '../../src/gen/threatpredict/v1/model_service';
import type { PredictDomainsResponse } from '../../src/gen/threatpredict/v1/prediction_service';
import { INSTANCE_HEADER } from '../../src/server/instance';
import { addDomainVersion, testSigningKeyFile } from '../helpers/model';
import { call, startTestServer } from '../helpers/server';

describe('a server process in a fleet', () => {
  it('names itself in every response header and in GetServerInfo', async () => {
    const t = await startTestServer(['--instance-id', 'backend-a']);
    try {
      const info = await call<object, GetServerInfoResponse>((r, cb) => t.models.getServerInfo(r, cb), {});
      assert.equal(info.instanceId, 'backend-a');
      // Unary: the header arrives with the answer.
      const headers = new Promise<Metadata>((resolve) => {
        const c = t.predictions.predictDomains(
          { items: [{ id: '1', value: 'example.com' }], view: 0 },
          (err: Error | null, _res: PredictDomainsResponse) => assert.equal(err, null),
        );
        c.on('metadata', resolve);
      });
      assert.deepEqual((await headers).get(INSTANCE_HEADER), ['backend-a']);
      // Stream: once, with the first answer (the raw fast path too).
      const stream = t.predictions.streamPredictDomains();
      const streamHeaders = once(stream, 'metadata');
      stream.write({ items: [{ id: '1', value: 'example.org' }], view: 0 });
      const [md] = (await streamHeaders) as [Metadata];
      assert.deepEqual(md.get(INSTANCE_HEADER), ['backend-a']);
      stream.end();
      stream.resume();
      await once(stream, 'end');
    } finally {
      await t.close();
    }
  });

  it('defaults its name to host/pid, one per process', async () => {
    const t = await startTestServer();
    try {
      const info = await call<object, GetServerInfoResponse>((r, cb) => t.models.getServerInfo(r, cb), {});
      assert.match(info.instanceId, new RegExp(`/${process.pid}$`));
    } finally {
      await t.close();
    }
  });

  // Without the option no GOAWAY ever comes: the timeout turns that hang into a failure.
  it(
    'sends a GOAWAY at the configured connection age, and keeps calls open through the grace',
    { timeout: 60_000 },
    async () => {
      const t = await startTestServer(['--max-connection-age-ms', '300', '--max-connection-age-grace-ms', '60000']);
      try {
        const session = connect(`http://${t.address}`);
        const goaway = once(session, 'goaway');
        // A stream opened before the GOAWAY: it must still be answered after it (the grace).
        const req = session.request({
          ':method': 'POST',
          ':path': '/grpc.health.v1.Health/Check',
          'content-type': 'application/grpc',
          te: 'trailers',
        });
        const [code] = (await goaway) as [number];
        assert.equal(code, constants.NGHTTP2_NO_ERROR);
        const response = once(req, 'response');
        req.end(Buffer.from([0, 0, 0, 0, 0])); // an empty HealthCheckRequest, sent after the GOAWAY
        const [headers] = (await response) as [Record<string, string>];
        assert.equal(headers[':status'], 200);
        const trailers = once(req, 'trailers');
        req.resume();
        const [tr] = (await trailers) as [Record<string, string>];
        assert.equal(tr['grpc-status'], '0', 'the call in progress at the GOAWAY was answered');
        session.close();
      } finally {
        await t.close();
      }
    },
  );

  it('with --health-requires-newest, turns NOT_SERVING when the newest version is refused', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'tp-fleet-models-'));
    addDomainVersion(repo, 1);
    const t = await startTestServer([
      '--models',
      repo,
      '--model-signing-key',
      testSigningKeyFile(),
      '--health-requires-newest',
      'true',
    ]);
    const plain = await startTestServer(['--models', repo, '--model-signing-key', testSigningKeyFile()]);
    try {
      assert.equal(await checkHealth(t.address, ''), 'SERVING');
      addDomainVersion(repo, 2, (dir) => writeFileSync(join(dir, 'metadata.json'), '{ not json'));
      for (const s of [t, plain]) await call((r, cb) => s.models.reloadModels(r as never, cb), { pins: [] });
      assert.equal(t.app.repository.serving('domain')?.version, 1, 'version 1 still serves');
      assert.equal(await checkHealth(t.address, ''), 'NOT_SERVING');
      assert.equal(await checkHealth(t.address, 'threatpredict.v1.PredictionService'), 'NOT_SERVING');
      assert.equal(
        await checkHealth(t.address, 'threatpredict.v1.ModelService'),
        'SERVING',
        'for liveness and rollback',
      );
      assert.equal(await checkHealth(plain.address, ''), 'SERVING', 'without the flag only .newest says so');
      assert.equal(await checkHealth(plain.address, 'threatpredict.model.domain.newest'), 'NOT_SERVING');
      // The refused version stays the newest on disk until the operator removes (or fixes) it.
      rmSync(join(repo, 'domain', '2'), { recursive: true, force: true });
      await call((r, cb) => t.models.reloadModels(r as never, cb), { pins: [] });
      assert.equal(await checkHealth(t.address, ''), 'SERVING');
    } finally {
      await t.close();
      await plain.close();
      rmSync(repo, { recursive: true, force: true });
    }
  });
});
