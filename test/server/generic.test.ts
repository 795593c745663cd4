import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { credentials, loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { checkHealth } from '../../src/cli/health-client';
import { IndicatorType } from '../../src/gen/threatpredict/v1/prediction';
import type { PredictResponse } from '../../src/gen/threatpredict/v1/prediction_service';
import { errorInfoOf } from '../helpers/errors';
import { call, startTestServer, type TestServer } from '../helpers/server';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

describe('Predict (any type)', () => {
  it('detects each type and routes it', async () => {
    const values = [
      'paypal-login-secure.xyz',
      'alice@paypa1.com',
      'd41d8cd98f00b204e9800998ecf8427e',
      '!!!',
      '   ',
      'mailto:Bob@Example.ORG',
      '???',
      'hello world',
      'a..b',
    ];
    const res = await call<object, PredictResponse>((r, cb) => t.predictions.predict(r as never, cb), {
      items: values.map((value, i) => ({ id: String(i), value, type: 0 })),
      view: 0,
    });
    const [dom, addr, hash, junk, empty, mailto, marks, words, badName] = res.results;
    assert.equal(dom?.type, IndicatorType.INDICATOR_TYPE_DOMAIN);
    assert.equal(typeof dom?.score, 'number');
    assert.equal(addr?.type, IndicatorType.INDICATOR_TYPE_EMAIL_ADDRESS);
    assert.equal(addr?.indicator, 'alice@paypa1.com');
    assert.equal(addr?.domain?.registrableDomain, 'paypa1.com');
    assert.equal(hash?.type, IndicatorType.INDICATOR_TYPE_FILE_HASH);
    assert.equal(errorInfoOf(hash?.error)?.reason, 'INDICATOR_TYPE_UNSUPPORTED');
    assert.equal(hash?.error?.code, 12);
    // No type's shape: said so, not guessed (a guess answers with another type's error).
    for (const r of [junk, marks, words]) {
      assert.equal(errorInfoOf(r?.error)?.reason, 'INDICATOR_TYPE_UNKNOWN', r?.indicator);
      assert.equal(r?.type, IndicatorType.INDICATOR_TYPE_UNSPECIFIED);
    }
    // The shape of a domain that breaks a rule: the domain parser says which.
    assert.equal(errorInfoOf(badName?.error)?.reason, 'INVALID_DOMAIN');
    assert.equal(errorInfoOf(empty?.error)?.reason, 'INDICATOR_EMPTY');
    assert.equal(mailto?.indicator, 'Bob@example.org');
  });

  it('honours an asserted type, and says when the value does not parse as it', async () => {
    const res = await call<object, PredictResponse>((r, cb) => t.predictions.predict(r as never, cb), {
      items: [
        { id: 'a', value: 'not a domain', type: IndicatorType.INDICATOR_TYPE_DOMAIN },
        { id: 'b', value: 'example.com', type: IndicatorType.INDICATOR_TYPE_DOMAIN },
      ],
      view: 0,
    });
    assert.equal(errorInfoOf(res.results[0]?.error)?.reason, 'INDICATOR_TYPE_MISMATCH');
    assert.equal(res.results[1]?.error, undefined);
  });
});

describe('standard services', () => {
  it('answers grpc.health.v1 Check with SERVING', async () => {
    assert.equal(await checkHealth(t.address, 'threatpredict.v1.PredictionService'), 'SERVING');
    assert.equal(await checkHealth(t.address, ''), 'SERVING');
  });

  it('lists the services through server reflection', async () => {
    const def = loadSync('grpc/reflection/v1/reflection.proto', {
      includeDirs: [join(__dirname, '../../node_modules/@grpc/reflection/build/proto')],
    });
    const pkg = loadPackageDefinition(def) as never as {
      grpc: {
        reflection: {
          v1: {
            ServerReflection: new (
              a: string,
              c: unknown,
            ) => {
              serverReflectionInfo(): NodeJS.ReadWriteStream & { end(): void; write(m: object): void };
              close(): void;
            };
          };
        };
      };
    };
    const client = new pkg.grpc.reflection.v1.ServerReflection(t.address, credentials.createInsecure());
    const stream = client.serverReflectionInfo();
    const names = await new Promise<string[]>((resolve, reject) => {
      stream.on('data', (m: { listServicesResponse?: { service: { name: string }[] } }) =>
        resolve((m.listServicesResponse?.service ?? []).map((s) => s.name)),
      );
      stream.on('error', reject);
      stream.write({ listServices: '' });
    });
    stream.end();
    client.close();
    assert.ok(names.includes('threatpredict.v1.PredictionService'), names.join(','));
    assert.ok(names.includes('threatpredict.v1.ModelService'));
  });
});
