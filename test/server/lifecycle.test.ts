/**
 * Model lifecycle under load: versions swapped back and forth while a stream runs, refused versions,
 * rollback by pinning. Works on a temporary copy of the committed domain model.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ServiceError } from '@grpc/grpc-js';
import { checkHealth } from '../../src/cli/health-client';
import type { ReloadModelsResponse } from '../../src/gen/threatpredict/v1/model_service';
import type { StreamPredictDomainsResponse } from '../../src/gen/threatpredict/v1/prediction_service';
import { callReason } from '../helpers/errors';
import { addDomainVersion, testSigningKeyFile } from '../helpers/model';
import { call, startTestServer, type TestServer } from '../helpers/server';

let repo: string;
let t: TestServer;

const addVersion = (version: number, mutate?: (dir: string) => void) => addDomainVersion(repo, version, mutate);

function editJson(path: string, edit: (o: Record<string, unknown>) => void): void {
  const o = JSON.parse(readFileSync(path, 'utf8'));
  edit(o);
  writeFileSync(path, JSON.stringify(o));
}

const reload = (pins: { name: string; version: number }[] = []) =>
  call<object, ReloadModelsResponse>((r, cb) => t.models.reloadModels(r as never, cb), { pins });

before(async () => {
  repo = mkdtempSync(join(tmpdir(), 'tp-models-'));
  addVersion(1);
  addVersion(2);
  t = await startTestServer(['--models', repo, '--model-signing-key', testSigningKeyFile()]);
});
after(async () => {
  await t.close();
  rmSync(repo, { recursive: true, force: true });
});

describe('model lifecycle', () => {
  it('serves the newest version that passes its checks', () => {
    assert.equal(t.app.repository.serving('domain')?.version, 2);
  });

  it('swaps versions back and forth under a streaming load with no error, loss or duplicate', async () => {
    const stream = t.predictions.streamPredictDomains();
    const sentAt: number[] = [];
    const got: { res: StreamPredictDomainsResponse; at: number }[] = [];
    stream.on('data', (res: StreamPredictDomainsResponse) => got.push({ res, at: performance.now() }));
    const ended = once(stream, 'end');
    // Reloads, sequential: [start, end, version pinned]. Before the first, version 2 serves.
    const swaps: { start: number; end: number; version: number }[] = [{ start: 0, end: 0, version: 2 }];
    const BATCHES = 150;
    const writer = (async () => {
      for (let n = 0; n < BATCHES; n++) {
        sentAt.push(performance.now());
        if (
          !stream.write({
            view: 1,
            items: Array.from({ length: 200 }, (_, i) => ({ id: `${n}:${i}`, value: `n${n}-h${i}.example.org` })),
          })
        ) {
          await once(stream, 'drain');
        }
        if (n % 10 === 0) await new Promise((r) => setImmediate(r));
      }
      stream.end();
    })();
    for (let k = 0; k < 30; k++) {
      const version = k % 2 === 0 ? 1 : 2;
      const start = performance.now();
      await reload([{ name: 'domain', version }]);
      swaps.push({ start, end: performance.now(), version });
    }
    await writer;
    await ended;

    assert.equal(got.length, BATCHES);
    const versionsSeen = new Set<number>();
    got.forEach(({ res, at }, n) => {
      assert.equal(res.results.length, 200);
      const v = res.results[0]?.model?.version as number;
      res.results.forEach((r, i) => {
        assert.equal(r.id, `${n}:${i}`);
        assert.equal(r.error, undefined);
        // One batch, one version: the version is taken once per batch.
        assert.equal(r.model?.version, v);
      });
      versionsSeen.add(v);
      // The version must have been live at some moment between sending and receiving the batch:
      // swap k's version is live from when its reload started until the next reload ended.
      const live = swaps.some(
        (s, k) =>
          s.start <= at && (swaps[k + 1]?.end ?? Number.POSITIVE_INFINITY) >= (sentAt[n] as number) && s.version === v,
      );
      assert.ok(live, `batch ${n} labelled v${v}, which was not live at the time`);
    });
    assert.deepEqual([...versionsSeen].sort(), [1, 2], 'both versions answered during the swaps');
  });

  it('rolls back by pinning the previous version, and forward by unpinning', async (ctx) => {
    const started = performance.now();
    const res = await reload([{ name: 'domain', version: 1 }]);
    const ms = performance.now() - started;
    const domain = res.models.find((m) => m.name === 'domain');
    assert.equal(domain?.servingVersion, 1);
    assert.equal(t.app.repository.serving('domain')?.version, 1);
    ctx.diagnostic(`rollback (pin + reload + swap) took ${ms.toFixed(1)} ms`);
    await reload([{ name: 'domain', version: 0 }]);
    assert.equal(t.app.repository.serving('domain')?.version, 2);
  });

  const refusals: [string, (dir: string) => void, RegExp][] = [
    [
      'a corrupt ONNX file',
      (dir) => {
        const garbage = Buffer.from('this is not an onnx model');
        writeFileSync(join(dir, 'model.onnx'), garbage);
        editJson(join(dir, 'metadata.json'), (m) => {
          m.sha256 = require('node:crypto').createHash('sha256').update(garbage).digest('hex');
        });
      },
      /protobuf|parse|load|model/i,
    ],
    [
      'a wrong features version',
      (dir) =>
        editJson(join(dir, 'metadata.json'), (m) => {
          m.features_version = 'domain/999';
        }),
      /features version domain\/999 does not match/,
    ],
    ['a missing metadata file', (dir) => rmSync(join(dir, 'metadata.json')), /metadata.json is missing/],
    [
      'golden outputs that differ',
      (dir) =>
        editJson(join(dir, 'golden.json'), (g) => {
          const rows = g.rows as { probability: number }[];
          (rows[0] as { probability: number }).probability = rows[0]!.probability > 0.5 ? 0.01 : 0.99;
        }),
      /golden output differs/,
    ],
  ];
  for (const [what, mutate, reason] of refusals) {
    it(`refuses ${what} and keeps the old version serving`, async () => {
      const dir = addVersion(3, mutate);
      try {
        const res = await reload();
        const domain = res.models.find((m) => m.name === 'domain');
        assert.equal(domain?.servingVersion, 2);
        const v3 = domain?.versions.find((v) => v.version === 3);
        assert.equal(v3?.state, 4, 'FAILED');
        assert.match(v3?.stateReason ?? '', reason);
        assert.ok(t.logs.some((l) => l.msg === 'model version refused' && l.version === 3));
        const health = await healthOf('threatpredict.model.domain.newest');
        assert.equal(health, 'NOT_SERVING');
        assert.equal(await healthOf(''), 'SERVING');
        const r = await call<object, { results: { model?: { version: number } }[] }>(
          (q, cb) => t.predictions.predictDomains(q as never, cb as never),
          { items: [{ id: '1', value: 'example-shop.net' }], view: 0 },
        );
        assert.equal(r.results[0]?.model?.version, 2);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await reload();
      }
    });
  }

  it('never answers from the cache of another model version', async () => {
    const ask = async () =>
      (
        await call<object, { results: { model?: { version: number }; score?: number }[] }>(
          (q, cb) => t.predictions.predictDomains(q as never, cb as never),
          { items: [{ id: 'c', value: 'cache-probe-example.com' }], view: 2 },
        )
      ).results[0];
    const v2 = t.app.repository.serving('domain')!;
    assert.equal(v2.version, 2);
    assert.equal((await ask())?.model?.version, 2);
    assert.equal((await ask())?.model?.version, 2); // stored on the second request (admission)
    const hitsBefore = v2.cache!.stats().hits;
    assert.equal((await ask())?.model?.version, 2);
    assert.equal(v2.cache!.stats().hits, hitsBefore + 1, 'the repeat is a cache hit on v2');

    await reload([{ name: 'domain', version: 1 }]);
    const v1 = t.app.repository.serving('domain')!;
    const misses = v1.cache!.stats().misses;
    assert.equal((await ask())?.model?.version, 1, 'after the swap the answer is v1, not v2 from the cache');
    assert.equal(v1.cache!.stats().misses, misses + 1, 'v1 computed it itself');
    await reload([{ name: 'domain', version: 0 }]);
    assert.equal((await ask())?.model?.version, 2);
  });

  it('refuses a pin to a version that does not exist', async () => {
    await assert.rejects(reload([{ name: 'domain', version: 42 }]), (err: ServiceError) => {
      assert.equal(err.code, 5);
      assert.equal(callReason(err), 'MODEL_VERSION_NOT_FOUND');
      return true;
    });
    assert.equal(t.app.repository.serving('domain')?.version, 2);
  });
});

const healthOf = (service: string) => checkHealth(t.address, service);
