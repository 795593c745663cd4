/**
 * TLS and mTLS with real certificates: a TLS call works and a plaintext one fails; with a client CA,
 * a client without a certificate or with one from another CA is refused; rewriting the certificate
 * files changes what new connections get, without a restart.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ChannelCredentials, credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { type CertFactory, certFactory, type Pem } from '../../src/bench/certs';
import { checkHealth, probeCredentials } from '../../src/cli/health-client';
import {
  ModelServiceClient,
  type ReloadModelsRequest,
  type ReloadModelsResponse,
} from '../../src/gen/threatpredict/v1/model_service';
import { PredictionServiceClient } from '../../src/gen/threatpredict/v1/prediction_service';
import { callReason } from '../helpers/errors';
import { call, startTestServer, type TestServer } from '../helpers/server';

const HEALTH_CHECK = resolve(__dirname, '..', '..', 'dist', 'cli', 'health-check.js');

function predictOne(address: string, creds: ChannelCredentials): Promise<string> {
  const client = new PredictionServiceClient(address, creds);
  // A deadline: a client whose certificate the server refuses may otherwise keep reconnecting.
  return new Promise<string>((resolve, reject) =>
    client.predictDomains(
      { items: [{ id: '1', value: 'example.com' }], view: 0 },
      new Metadata(),
      { deadline: Date.now() + 10_000 },
      (err, res) => (err ? reject(err) : resolve(res.results[0]?.id ?? '')),
    ),
  ).finally(() => client.close());
}

function failure<T>(p: Promise<T>): Promise<ServiceError> {
  return p.then(
    () => assert.fail('the call succeeded'),
    (err: ServiceError) => err,
  );
}

describe('TLS', () => {
  let certs: CertFactory;
  let ca: Pem;
  let server: TestServer;
  before(async () => {
    certs = certFactory();
    ca = certs.ca('test server CA');
    const leaf = certs.issue(ca, 'threatpredict', 'IP:127.0.0.1,DNS:localhost');
    server = await startTestServer(['--tls-cert', leaf.cert, '--tls-key', leaf.key]);
  });
  after(async () => {
    await server.close();
    certs.cleanup();
  });

  it('answers a TLS call from a client that trusts its CA', async () => {
    assert.equal(await predictOne(server.address, credentials.createSsl(certs.read(ca.cert))), '1');
  });

  it('refuses a plaintext call', async () => {
    const err = await failure(predictOne(server.address, credentials.createInsecure()));
    assert.equal(err.code, status.UNAVAILABLE);
  });

  it('fails a client that does not trust the server certificate', async () => {
    const other = certs.ca('someone else');
    const err = await failure(predictOne(server.address, credentials.createSsl(certs.read(other.cert))));
    assert.equal(err.code, status.UNAVAILABLE);
  });
});

describe('mTLS', () => {
  let certs: CertFactory;
  let serverCa: Pem;
  let clientCa: Pem;
  let server: TestServer;
  let identities: string;
  before(async () => {
    certs = certFactory();
    serverCa = certs.ca('server CA');
    clientCa = certs.ca('client CA');
    const leaf = certs.issue(serverCa, 'threatpredict', 'IP:127.0.0.1');
    identities = join(certs.dir, 'identities');
    writeFileSync(identities, 'cert ops-console cn=ops.example.com models.read,models.admin\n');
    server = await startTestServer([
      '--tls-cert',
      leaf.cert,
      '--tls-key',
      leaf.key,
      '--tls-client-ca',
      clientCa.cert,
      '--auth-file',
      identities,
    ]);
  });
  after(async () => {
    await server.close();
    certs.cleanup();
  });
  const client = (pem?: Pem) =>
    credentials.createSsl(
      certs.read(serverCa.cert),
      pem === undefined ? null : certs.read(pem.key),
      pem === undefined ? null : certs.read(pem.cert),
    );

  it('answers a client with a certificate the client CA signed', async () => {
    const sensor = certs.issue(clientCa, 'sensor-7.fleet.example', 'DNS:sensor-7.fleet.example');
    assert.equal(await predictOne(server.address, client(sensor)), '1');
  });

  it('refuses a client without a certificate', async () => {
    const err = await failure(predictOne(server.address, client()));
    assert.equal(err.code, status.UNAVAILABLE);
  });

  it('refuses a client whose certificate another CA signed', async () => {
    const rogueCa = certs.ca('client CA');
    const rogue = certs.issue(rogueCa, 'ops.example.com', 'DNS:ops.example.com');
    const err = await failure(predictOne(server.address, client(rogue)));
    assert.equal(err.code, status.UNAVAILABLE);
  });

  it('gives an unnamed certificate predict only, and a named one its scopes', async () => {
    const sensor = certs.issue(clientCa, 'sensor-8.fleet.example', 'DNS:sensor-8.fleet.example');
    const ops = certs.issue(clientCa, 'ops.example.com', 'URI:spiffe://example/ops');
    const reload = (pem: Pem) => {
      const c = new ModelServiceClient(server.address, client(pem));
      return call<ReloadModelsRequest, ReloadModelsResponse>(c.reloadModels.bind(c), { pins: [] }).finally(() =>
        c.close(),
      );
    };
    const denied = await failure(reload(sensor));
    assert.equal(denied.code, status.PERMISSION_DENIED);
    assert.equal(callReason(denied), 'SCOPE_MISSING');
    const res = await reload(ops);
    assert.ok(res.models.length > 0);
    assert.ok(
      res.models.some((m) => m.versions.some((v) => v.sha256 !== '')),
      'models.read sees detail',
    );
  });
});

describe('certificate rotation', () => {
  // Without the reload the loop below never ends: the timeout fails the test.
  it('serves the rewritten certificate to new connections without a restart', { timeout: 120_000 }, async (t) => {
    const certs = certFactory();
    const oldCa = certs.ca('old CA');
    const newCa = certs.ca('new CA');
    const oldLeaf = certs.issue(oldCa, 'threatpredict', 'IP:127.0.0.1');
    const newLeaf = certs.issue(newCa, 'threatpredict', 'IP:127.0.0.1');
    const cert = join(certs.dir, 'tls.crt');
    const key = join(certs.dir, 'tls.key');
    copyFileSync(oldLeaf.cert, cert);
    copyFileSync(oldLeaf.key, key);
    const server = await startTestServer(['--tls-cert', cert, '--tls-key', key, '--credentials-poll-ms', '100']);
    t.after(async () => {
      await server.close();
      certs.cleanup();
    });
    const trustingNew = () => credentials.createSsl(certs.read(newCa.cert));
    assert.equal(await predictOne(server.address, credentials.createSsl(certs.read(oldCa.cert))), '1');
    await failure(predictOne(server.address, trustingNew()));

    // Key first, then certificate, as a rotation that is not atomic would: the server must keep the
    // old pair while the two do not match, then take the new one.
    copyFileSync(newLeaf.key, key);
    copyFileSync(newLeaf.cert, cert);
    let answered = '';
    while (answered === '') {
      await new Promise((r) => setTimeout(r, 50));
      answered = await predictOne(server.address, trustingNew()).catch(() => '');
    }
    assert.equal(answered, '1');
    await failure(predictOne(server.address, credentials.createSsl(certs.read(oldCa.cert))));
    assert.ok(server.logs.some((l) => l.msg === 'TLS certificate reloaded'));
  });
});

describe('the health probe (Docker HEALTHCHECK, Kubernetes exec probes)', () => {
  it('speaks TLS, and mTLS with the server certificate, from the server environment', async (t) => {
    const certs = certFactory();
    const ca = certs.ca('one CA for server and clients');
    const leaf = certs.issue(ca, 'threatpredict', 'IP:127.0.0.1');
    const server = await startTestServer(['--tls-cert', leaf.cert, '--tls-key', leaf.key, '--tls-client-ca', ca.cert]);
    t.after(async () => {
      await server.close();
      certs.cleanup();
    });
    const env = {
      THREATPREDICT_TLS_CERT: leaf.cert,
      THREATPREDICT_TLS_KEY: leaf.key,
      THREATPREDICT_TLS_CLIENT_CA: ca.cert,
    };
    assert.equal(await checkHealth(server.address, '', 5000, probeCredentials(env)), 'SERVING');
    assert.equal(
      await checkHealth(server.address, '', 5000, probeCredentials({ ...env, THREATPREDICT_HEALTH_TLS_CA: ca.cert })),
      'SERVING',
    );
    await assert.rejects(checkHealth(server.address, '', 5000, probeCredentials({})));
    await assert.rejects(
      checkHealth(server.address, '', 5000, probeCredentials({ ...env, THREATPREDICT_TLS_CLIENT_CA: '' })),
    );
  });

  // The probe as deploy/kubernetes runs it: the built CLI, the server's environment, a service argument.
  it('dist/cli/health-check.js asks the service it is given, over TLS from the environment', async (t) => {
    const certs = certFactory();
    const ca = certs.ca('probe CA');
    const leaf = certs.issue(ca, 'threatpredict', 'IP:127.0.0.1');
    const server = await startTestServer(['--tls-cert', leaf.cert, '--tls-key', leaf.key]);
    t.after(async () => {
      await server.close();
      certs.cleanup();
    });
    const env = { PATH: process.env.PATH ?? '', THREATPREDICT_TLS_CERT: leaf.cert, THREATPREDICT_TLS_KEY: leaf.key };
    const probe = (args: string[], probeEnv: NodeJS.ProcessEnv) =>
      new Promise<{ code: number | null; out: string }>((res) =>
        execFile(process.execPath, [HEALTH_CHECK, server.address, ...args], { env: probeEnv }, (err, stdout) =>
          res({ code: err === null ? 0 : ((err as { code?: number }).code ?? null), out: stdout.trim() }),
        ),
      );
    assert.deepEqual(await probe([], env), { code: 0, out: 'SERVING' });
    assert.deepEqual(await probe(['threatpredict.v1.ModelService'], env), { code: 0, out: 'SERVING' });
    // An unknown service is NOT_FOUND: the argument reached the server (ignored, '' would be SERVING).
    const unknown = await probe(['threatpredict.v1.NoSuchService'], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.out, /NOT_FOUND/);
    // Without the TLS environment it speaks plaintext to a TLS server, and fails.
    assert.equal((await probe([''], { PATH: env.PATH })).code, 1);
  });
});
