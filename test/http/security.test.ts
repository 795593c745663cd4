/**
 * The HTTP listener is as secure as the gRPC port, from the same settings and code: HTTPS with the
 * same certificate files (plain HTTP to it fails), mTLS refusing clients without a certificate or
 * with one from another CA, certificate rotation without a restart; bearer tokens and certificate
 * identities with the same scopes per RPC (seed routes included), 401/403 as RFC 6750 says them in
 * google.rpc.Status bodies; quotas with 429, Retry-After and RetryInfo, one bucket per identity across
 * gRPC and HTTP; failed HTTP calls in the failed-call log without values; HTTP calls in the RPC
 * metrics; model details cut exactly as gRPC cuts them. Certificates are real, made in the test.
 */
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect } from 'node:tls';
import { fromBinary, toJson } from '@bufbuild/protobuf';
import { Metadata, type ServiceError } from '@grpc/grpc-js';
import { type CertFactory, certFactory, type Pem } from '../../src/bench/certs';
import { ListModelsResponse } from '../../src/gen/threatpredict/v1/model_service';
import { loadContract } from '../../src/http/contract';
import { parseExposition, total } from '../metrics/scrape';
import { newToken, tokenLine } from '../security/tokens';
import {
  getJson,
  type HttpTestServer,
  httpsJson,
  postJson,
  reasonOf,
  startHttpTestServer,
  type TlsClient,
} from './helpers';

const DOMAINS = { items: [{ id: '1', value: 'example.com' }] };
const retryDelay = (status: { details?: { '@type': string; retryDelay?: string }[] }) =>
  status.details?.find((d) => d['@type'] === 'type.googleapis.com/google.rpc.RetryInfo')?.retryDelay;

describe('HTTPS on the HTTP listener', () => {
  let certs: CertFactory;
  let ca: Pem;
  let s: HttpTestServer;
  let tls: TlsClient;
  before(async () => {
    certs = certFactory();
    ca = certs.ca('http test CA');
    const leaf = certs.issue(ca, 'threatpredict', 'IP:127.0.0.1,DNS:localhost');
    s = await startHttpTestServer(['--tls-cert', leaf.cert, '--tls-key', leaf.key]);
    tls = { ca: certs.read(ca.cert) };
  });
  after(async () => {
    await s.close();
    certs.cleanup();
  });

  it('answers over HTTPS with the gRPC port certificate', async () => {
    assert.match(s.base, /^https:/);
    const r = await httpsJson(`${s.base}/v1/domains:predict`, tls, { method: 'POST', body: JSON.stringify(DOMAINS) });
    assert.equal(r.status, 200);
    assert.equal(r.json.results[0].id, '1');
    assert.equal((await httpsJson(`${s.base}/`, tls)).status, 200, 'the page too');
  });

  it('fails plain HTTP to the TLS port, and a client that does not trust the certificate', async () => {
    await assert.rejects(fetch(`${s.base.replace('https:', 'http:')}/v1/serverInfo`));
    const other = certs.ca('someone else');
    await assert.rejects(httpsJson(`${s.base}/v1/serverInfo`, { ca: certs.read(other.cert) }), /certificate/);
  });
});

describe('mTLS on the HTTP listener', () => {
  let certs: CertFactory;
  let s: HttpTestServer;
  let serverTrust: Buffer;
  let clientCa: Pem;
  before(async () => {
    certs = certFactory();
    const serverCa = certs.ca('server CA');
    clientCa = certs.ca('client CA');
    const leaf = certs.issue(serverCa, 'threatpredict', 'IP:127.0.0.1');
    const ops = `cert ops cn=ops.example ${['predict', 'models.read', 'models.admin'].join(',')}`;
    s = await startHttpTestServer([
      '--tls-cert',
      leaf.cert,
      '--tls-key',
      leaf.key,
      '--tls-client-ca',
      clientCa.cert,
      '--auth',
      ops,
      '--admin-rpc',
      'true',
    ]);
    serverTrust = certs.read(serverCa.cert);
  });
  after(async () => {
    await s.close();
    certs.cleanup();
  });

  const client = (pem: Pem): TlsClient => ({ ca: serverTrust, cert: certs.read(pem.cert), key: certs.read(pem.key) });

  it('answers a client with a certificate from the client CA, as its identity', async () => {
    const sensor = certs.issue(clientCa, 'sensor-7', 'DNS:sensor-7.example');
    const body = JSON.stringify(DOMAINS);
    const r = await httpsJson(`${s.base}/v1/domains:predict`, client(sensor), { method: 'POST', body });
    assert.equal(r.status, 200);
    // A certificate the identities file does not name may score, nothing more (as on gRPC).
    const reload = await httpsJson(`${s.base}/v1/models:reload`, client(sensor), { method: 'POST', body: '{}' });
    assert.equal(reload.status, 403);
    assert.equal(reasonOf(reload.json), 'SCOPE_MISSING');
    // The one it names has its scopes.
    const ops = certs.issue(clientCa, 'ops.example', 'DNS:ops-host.example');
    const admin = await httpsJson(`${s.base}/v1/models:reload`, client(ops), { method: 'POST', body: '{}' });
    assert.equal(admin.status, 200, admin.text);
  });

  it('refuses a client without a certificate, and one signed by another CA', async () => {
    await assert.rejects(httpsJson(`${s.base}/v1/serverInfo`, { ca: serverTrust }));
    const stranger = certs.issue(certs.ca('another CA'), 'sensor-7', 'DNS:sensor-7.example');
    await assert.rejects(httpsJson(`${s.base}/v1/serverInfo`, client(stranger)));
  });
});

describe('certificate rotation on the HTTP listener', () => {
  /** The subject CN of the certificate a new connection to the port is given. */
  const servedCn = (port: number) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
        const cn = socket.getPeerCertificate().subject?.CN;
        socket.end();
        resolve(String(cn));
      });
      socket.on('error', reject);
    });

  // Without the reload the loop below never ends: the timeout fails the test.
  it('serves the rewritten certificate to new connections without a restart', { timeout: 120_000 }, async (t) => {
    const certs = certFactory();
    const oldCa = certs.ca('old CA');
    const newCa = certs.ca('new CA');
    const oldLeaf = certs.issue(oldCa, 'old-leaf', 'IP:127.0.0.1');
    const newLeaf = certs.issue(newCa, 'new-leaf', 'IP:127.0.0.1');
    const cert = join(certs.dir, 'tls.crt');
    const key = join(certs.dir, 'tls.key');
    copyFileSync(oldLeaf.cert, cert);
    copyFileSync(oldLeaf.key, key);
    const s = await startHttpTestServer(['--tls-cert', cert, '--tls-key', key, '--credentials-poll-ms', '100']);
    t.after(async () => {
      await s.close();
      certs.cleanup();
    });
    const port = Number(new URL(s.base).port);
    assert.equal(await servedCn(port), 'old-leaf');
    assert.equal((await httpsJson(`${s.base}/v1/serverInfo`, { ca: certs.read(oldCa.cert) })).status, 200);
    copyFileSync(newLeaf.key, key);
    copyFileSync(newLeaf.cert, cert);
    while ((await servedCn(port)) !== 'new-leaf') await new Promise((r) => setTimeout(r, 50));
    assert.equal((await httpsJson(`${s.base}/v1/serverInfo`, { ca: certs.read(newCa.cert) })).status, 200);
    await assert.rejects(httpsJson(`${s.base}/v1/serverInfo`, { ca: certs.read(oldCa.cert) }));
  });
});

describe('bearer tokens, scopes, quotas, logs and metrics on the HTTP listener', () => {
  const sensor = newToken();
  const reader = newToken();
  const admin = newToken();
  const slow = newToken();
  const few = newToken();
  const shared = newToken();
  const trickle = newToken();
  let s: HttpTestServer;
  before(async () => {
    const auth = [
      tokenLine('sensor', sensor, 'predict'),
      tokenLine('reader', reader, 'models.read'),
      tokenLine('admin', admin, 'predict,models.read,models.admin'),
      tokenLine('slow', slow, 'predict', 'calls=1'),
      tokenLine('few', few, 'predict', 'items=2'),
      tokenLine('shared', shared, 'predict', 'calls=1'),
      tokenLine('trickle', trickle, 'predict', 'items=2'),
    ].join(';');
    s = await startHttpTestServer([
      '--auth',
      auth,
      '--admin-rpc',
      'true',
      '--http-seed-compat',
      'true',
      '--quota-burst-seconds',
      '2',
      '--metrics-listen',
      '127.0.0.1:0',
    ]);
  });
  after(() => s.close());

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('answers 401 with WWW-Authenticate: Bearer and a Status body without a token, or with an unknown one', async () => {
    const none = await postJson(s.base, '/v1/domains:predict', DOMAINS);
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="threatpredict"');
    assert.equal(none.json.code, 16);
    assert.equal(reasonOf(none.json), 'CREDENTIALS_REJECTED');
    const unknown = await postJson(s.base, '/v1/domains:predict', DOMAINS, bearer(newToken()));
    assert.equal(unknown.status, 401);
    assert.match(unknown.headers.get('www-authenticate') ?? '', /^Bearer realm="threatpredict", error="invalid_token"/);
    const malformed = await postJson(s.base, '/v1/domains:predict', DOMAINS, { authorization: 'Basic abc' });
    assert.equal(malformed.status, 401);
    assert.match(malformed.headers.get('www-authenticate') ?? '', /error="invalid_request"/);
    for (const path of ['/v1/serverInfo', '/v1/models', '/v1/models/domain'])
      assert.equal((await getJson(s.base, path)).status, 401, path);
    assert.equal((await fetch(`${s.base}/domain/?q=example.com`)).status, 401, 'the seed routes too');
  });

  it('answers 403 insufficient_scope when the token lacks the RPC scope: predict-only cannot reload', async () => {
    const r = await postJson(s.base, '/v1/models:reload', {}, bearer(sensor));
    assert.equal(r.status, 403);
    assert.equal(
      r.headers.get('www-authenticate'),
      'Bearer realm="threatpredict", error="insufficient_scope", scope="models.admin"',
    );
    assert.equal(r.json.code, 7);
    assert.equal(reasonOf(r.json), 'SCOPE_MISSING');
    assert.equal((await postJson(s.base, '/v1/models:reload', {}, bearer(admin))).status, 200);
    // Scoring needs predict, over the API and the seed's routes alike.
    assert.equal((await postJson(s.base, '/v1/domains:predict', DOMAINS, bearer(reader))).status, 403);
    assert.equal((await fetch(`${s.base}/url/?q=http://example.com/`, { headers: bearer(reader) })).status, 403);
    const seed = await fetch(`${s.base}/domain/?q=example.com`, { headers: bearer(sensor) });
    assert.equal(seed.status, 200);
    assert.deepEqual(await seed.json(), { data: '0' });
    const ok = await postJson(s.base, '/v1/domains:predict', DOMAINS, bearer(sensor));
    assert.equal(ok.status, 200);
  });

  it('keeps the page, its files and the OpenAPI document open', async () => {
    for (const path of ['/', '/ui/page.js', '/ui/page.css', '/openapi.json', '/docs/'])
      assert.equal((await fetch(`${s.base}${path}`)).status, 200, path);
  });

  it('cuts model details for a caller without models.read exactly as gRPC does', async () => {
    const contract = loadContract();
    const schema = contract.registry.getMessage('threatpredict.v1.ListModelsResponse');
    assert.ok(schema);
    const grpcList = await new Promise<ListModelsResponse>((resolve, reject) => {
      const md = new Metadata();
      md.set('authorization', `Bearer ${sensor}`);
      s.models.listModels({}, md, (err, res) => (err ? reject(err) : resolve(res)));
    });
    const grpcJson = toJson(schema, fromBinary(schema, ListModelsResponse.encode(grpcList).finish()), {
      registry: contract.registry,
    });
    const http = await getJson(s.base, '/v1/models', bearer(sensor));
    assert.equal(http.status, 200);
    const version = http.json.models[0].versions[0];
    assert.deepEqual(Object.keys(version).sort(), ['state', 'version']);
    assert.deepEqual(http.json, grpcJson);
    const full = await getJson(s.base, '/v1/models/domain', bearer(reader));
    assert.ok(full.json.model.versions[0].thresholds, 'models.read sees the thresholds');
    const cut = await getJson(s.base, '/v1/models/domain', bearer(sensor));
    assert.equal(cut.json.model.versions[0].thresholds, undefined);
    assert.equal(cut.json.model.versions[0].sha256, undefined);
    const reload = await postJson(s.base, '/v1/models:reload', {}, bearer(admin));
    assert.ok(reload.json.models[0].versions[0].sha256, 'admin with models.read sees the hashes');
  });

  it('refuses a call over the call quota with 429, Retry-After and RetryInfo', async () => {
    // calls=1 with a burst of 2 s: two calls pass, the third is refused.
    assert.equal((await postJson(s.base, '/v1/domains:predict', DOMAINS, bearer(slow))).status, 200);
    assert.equal((await postJson(s.base, '/v1/domains:predict', DOMAINS, bearer(slow))).status, 200);
    const r = await postJson(s.base, '/v1/domains:predict', DOMAINS, bearer(slow));
    assert.equal(r.status, 429);
    assert.equal(r.json.code, 8);
    assert.equal(reasonOf(r.json), 'QUOTA_EXCEEDED');
    const seconds = Number(r.headers.get('retry-after'));
    assert.ok(seconds >= 1 && seconds <= 2, `Retry-After: ${r.headers.get('retry-after')}`);
    assert.match(retryDelay(r.json) ?? '', /^\d+(\.\d+)?s$/);
  });

  it('refuses a batch over the item quota, counting the items of the decoded request', async () => {
    // items=2 with a burst of 2 s holds 4 items: a batch of 5 is admitted into debt, the next refused.
    const five = { items: ['a', 'b', 'c', 'd', 'e'].map((v, i) => ({ id: String(i), value: `${v}.example` })) };
    assert.equal((await postJson(s.base, '/v1/domains:predict', five, bearer(few))).status, 200);
    const r = await postJson(s.base, '/v1/domains:predict', DOMAINS, bearer(few));
    assert.equal(r.status, 429);
    assert.match(r.json.message, /item quota/);
    assert.ok(Number(r.headers.get('retry-after')) >= 1);
  });

  it('slows a stream over the item quota rather than failing its lines, as a gRPC stream is slowed', async () => {
    // items=2 with a burst of 2 s holds 4: lines of 3 items each pass at once, then at ~1 and ~2.5 s.
    const line = (n: number) =>
      JSON.stringify({ items: [0, 1, 2].map((i) => ({ id: `${n}-${i}`, value: `s${n}x${i}.example` })) });
    const started = performance.now();
    const res = await fetch(`${s.base}/v1/domains:streamPredict`, {
      method: 'POST',
      headers: bearer(trickle),
      body: [line(1), line(2), line(3)].join('\n'),
    });
    const answers = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const ms = performance.now() - started;
    assert.equal(res.status, 200);
    assert.deepEqual(
      answers.map((a) => a.result?.results?.length),
      [3, 3, 3],
      JSON.stringify(answers).slice(0, 300),
    );
    assert.ok(ms >= 1500, `the stream took ${Math.round(ms)} ms: its lines were not held to the quota`);
  });

  it('charges one bucket per identity across gRPC and HTTP', async () => {
    const grpc = () =>
      new Promise<ServiceError | null>((resolve) => {
        const md = new Metadata();
        md.set('authorization', `Bearer ${shared}`);
        s.predictions.predictDomains({ items: DOMAINS.items, view: 0 }, md, (err) =>
          resolve(err as ServiceError | null),
        );
      });
    // calls=1, burst 2: one call on each protocol empties the one bucket.
    assert.equal(await grpc(), null);
    assert.equal((await postJson(s.base, '/v1/domains:predict', DOMAINS, bearer(shared))).status, 200);
    assert.equal((await postJson(s.base, '/v1/domains:predict', DOMAINS, bearer(shared))).status, 429);
    assert.equal((await grpc())?.code, 8, 'gRPC is refused by the bucket HTTP emptied');
  });

  it('logs failed HTTP calls in the failed-call log, with no value and no token', async () => {
    const canary = (tag: string) => `canary-${tag}-51d0e2.example`;
    const before = s.logs.length;
    await fetch(`${s.base}/domain/?q=${canary('seed')}`);
    await postJson(s.base, '/v1/models:reload', { pins: [{ name: canary('pin'), version: 1 }] }, bearer(sensor));
    // Its status message quotes the name ("no model named ..."): the log must not.
    const missing = await getJson(s.base, `/v1/models/${canary('model')}`, bearer(reader));
    assert.equal(missing.status, 404);
    assert.match(missing.json.message, /canary-model/);
    await postJson(s.base, '/v1/domains:predict', `{"items": [{"value": "${canary('bad')}"`, bearer(sensor));
    const lines = s.logs.slice(before).filter((l) => l.msg === 'call failed');
    assert.deepEqual(
      lines.map((l) => [l.protocol, l.method, l.route, l.httpStatus, l.code, l.reason, l.identity]),
      [
        [
          'http',
          '/threatpredict.v1.PredictionService/PredictDomains',
          'GET /domain/',
          401,
          'UNAUTHENTICATED',
          'CREDENTIALS_REJECTED',
          undefined,
        ],
        [
          'http',
          '/threatpredict.v1.ModelService/ReloadModels',
          'POST /v1/models:reload',
          403,
          'PERMISSION_DENIED',
          'SCOPE_MISSING',
          'sensor',
        ],
        [
          'http',
          '/threatpredict.v1.ModelService/GetModel',
          'GET /v1/models/{name}',
          404,
          'NOT_FOUND',
          'MODEL_NOT_FOUND',
          'reader',
        ],
        [
          'http',
          '/threatpredict.v1.PredictionService/PredictDomains',
          'POST /v1/domains:predict',
          400,
          'INVALID_ARGUMENT',
          'MALFORMED_REQUEST',
          'sensor',
        ],
      ],
    );
    for (const l of lines) {
      assert.equal(typeof l.ms, 'number');
      assert.match(String(l.peer), /^(127\.0\.0\.1|::ffff:127\.0\.0\.1):\d+$/);
    }
    const all = s.logs.map((l) => JSON.stringify(l)).join('\n');
    assert.doesNotMatch(all, /canary-/);
    for (const t of [sensor, reader, admin]) assert.ok(!all.includes(t), 'no token in any log line');
  });

  it('counts HTTP calls in the RPC metrics, under the RPC each route calls, with protocol="http"', async () => {
    const registry = s.app.metrics?.registry;
    assert.ok(registry);
    const before = await parseExposition(await registry.metrics());
    await postJson(s.base, '/v1/domains:predict', DOMAINS, bearer(sensor));
    await fetch(`${s.base}/domain/?q=example.org`, { headers: bearer(sensor) });
    await postJson(s.base, '/v1/domains:predict', DOMAINS);
    await getJson(s.base, '/v1/models/domain', bearer(reader));
    await fetch(`${s.base}/openapi.json`);
    const after = await parseExposition(await registry.metrics());
    const delta = (name: string, match: Record<string, string>) =>
      total(after, name, match) - total(before, name, match);
    const domains = { grpc_method: 'PredictDomains', protocol: 'http' };
    assert.equal(delta('grpc_server_started_total', domains), 3);
    assert.equal(delta('grpc_server_handled_total', { ...domains, grpc_code: 'OK' }), 2);
    assert.equal(delta('grpc_server_handled_total', { ...domains, grpc_code: 'Unauthenticated' }), 1);
    assert.equal(delta('grpc_server_handling_seconds_count', { ...domains, grpc_code: 'OK' }), 2);
    assert.equal(delta('grpc_server_handled_total', { grpc_method: 'GetModel', protocol: 'http', grpc_code: 'OK' }), 1);
    assert.equal(delta('grpc_server_handled_total', { protocol: 'grpc' }), 0, 'no gRPC call was made');
    assert.equal(total(after, 'grpc_server_in_flight', { protocol: 'http' }), 0);
  });
});
