/**
 * Bearer tokens and scopes on a running server: no token is UNAUTHENTICATED, a token without the
 * method's scope is PERMISSION_DENIED, model detail needs models.read, health needs nothing, and a
 * rewritten identities file takes effect without a restart.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { checkHealth } from '../../src/cli/health-client';
import type { ListModelsResponse, ReloadModelsResponse } from '../../src/gen/threatpredict/v1/model_service';
import type { PredictDomainsResponse } from '../../src/gen/threatpredict/v1/prediction_service';
import { callReason } from '../helpers/errors';
import { startTestServer, type TestServer } from '../helpers/server';
import { newToken, tokenLine } from './tokens';

function bearer(token: string | undefined): Metadata {
  const md = new Metadata();
  if (token !== undefined) md.set('authorization', `Bearer ${token}`);
  return md;
}

type Unary<Req, Res> = (req: Req, md: Metadata, cb: (err: ServiceError | null, res: Res) => void) => unknown;

function invoke<Req, Res>(fn: Unary<Req, Res>, req: Req, token?: string): Promise<Res> {
  return new Promise((resolve, reject) => fn(req, bearer(token), (err, res) => (err ? reject(err) : resolve(res))));
}

async function refusal<T>(p: Promise<T>): Promise<ServiceError> {
  return p.then(
    () => assert.fail('the call succeeded'),
    (err: ServiceError) => err,
  );
}

describe('bearer tokens and scopes', () => {
  const predict = newToken();
  const reader = newToken();
  const admin = newToken();
  let server: TestServer;
  before(async () => {
    const auth = [
      tokenLine('sensor', predict, 'predict'),
      tokenLine('dashboard', reader, 'models.read'),
      tokenLine('ops', admin, 'models.read,models.admin'),
    ].join(';');
    server = await startTestServer(['--auth', auth]);
  });
  after(() => server.close());
  const domains = (token?: string) =>
    invoke<object, PredictDomainsResponse>(
      server.predictions.predictDomains.bind(server.predictions) as Unary<object, PredictDomainsResponse>,
      { items: [{ id: 'a', value: 'example.com' }], view: 0 },
      token,
    );
  const reload = (token?: string) =>
    invoke<object, ReloadModelsResponse>(
      server.models.reloadModels.bind(server.models) as Unary<object, ReloadModelsResponse>,
      { pins: [] },
      token,
    );
  const list = (token?: string) =>
    invoke<object, ListModelsResponse>(
      server.models.listModels.bind(server.models) as Unary<object, ListModelsResponse>,
      {},
      token,
    );

  it('refuses a call without a token as UNAUTHENTICATED', async () => {
    const err = await refusal(domains());
    assert.equal(err.code, status.UNAUTHENTICATED);
    assert.equal(callReason(err), 'CREDENTIALS_REJECTED');
  });

  it('refuses an unknown token, and a malformed authorization header, as UNAUTHENTICATED', async () => {
    assert.equal((await refusal(domains(newToken()))).code, status.UNAUTHENTICATED);
    const md = new Metadata();
    md.set('authorization', `Basic ${predict}`);
    const err = await new Promise<ServiceError>((resolve) =>
      server.predictions.predictDomains({ items: [], view: 0 }, md, (e) => resolve(e as ServiceError)),
    );
    assert.equal(err?.code, status.UNAUTHENTICATED);
  });

  it('lets a predict token score but not reload (PERMISSION_DENIED names the scope)', async () => {
    const res = await domains(predict);
    assert.equal(res.results[0]?.id, 'a');
    const err = await refusal(reload(predict));
    assert.equal(err.code, status.PERMISSION_DENIED);
    assert.equal(callReason(err), 'SCOPE_MISSING');
    assert.match(err.details, /models\.admin/);
  });

  it('lets a models.read token list but neither score nor reload', async () => {
    assert.equal((await refusal(domains(reader))).code, status.PERMISSION_DENIED);
    assert.equal((await refusal(reload(reader))).code, status.PERMISSION_DENIED);
    assert.ok((await list(reader)).models.length > 0);
  });

  it('lets a models.admin token reload', async () => {
    const res = await reload(admin);
    assert.ok(res.models.length > 0);
  });

  it('shows model detail only to models.read: others get name, version and state', async () => {
    const brief = await list(predict);
    const full = await list(reader);
    assert.deepEqual(
      brief.models.map((m) => m.name),
      full.models.map((m) => m.name),
    );
    const versions = brief.models.flatMap((m) => m.versions);
    assert.ok(versions.length > 0);
    for (const v of versions) {
      assert.ok(v.version > 0 && v.state > 0, 'name, version and state are there');
      assert.equal(v.sha256, '');
      assert.equal(v.thresholds, undefined);
      assert.deepEqual(v.trainingData, []);
      assert.deepEqual(v.metrics, {});
    }
    assert.ok(full.models.flatMap((m) => m.versions).every((v) => v.sha256 !== '' && v.thresholds !== undefined));
  });

  it('keeps health open without a token', async () => {
    assert.equal(await checkHealth(server.address), 'SERVING');
  });
});

describe('the identities file', () => {
  it(
    'is re-read when it changes: a removed token stops working, an added one starts',
    { timeout: 120_000 },
    async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'tp-auth-'));
      const file = join(dir, 'identities');
      const first = newToken();
      const second = newToken();
      writeFileSync(file, `${tokenLine('old', first, 'predict')}\n`);
      const server = await startTestServer(['--auth-file', file, '--credentials-poll-ms', '100']);
      t.after(async () => {
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      });
      const domains = (token: string) =>
        invoke<object, PredictDomainsResponse>(
          server.predictions.predictDomains.bind(server.predictions) as Unary<object, PredictDomainsResponse>,
          { items: [{ id: 'a', value: 'example.com' }], view: 0 },
          token,
        );
      await domains(first);
      assert.equal((await refusal(domains(second))).code, status.UNAUTHENTICATED);

      writeFileSync(file, `# rotated\n${tokenLine('new', second, 'predict')}\n`);
      let ok = false;
      while (!ok) {
        await new Promise((r) => setTimeout(r, 50));
        ok = await domains(second).then(
          () => true,
          () => false,
        );
      }
      assert.equal((await refusal(domains(first))).code, status.UNAUTHENTICATED);

      // A broken version is refused as a whole; the entries in force stay.
      writeFileSync(file, `${tokenLine('new', second, 'predict')}\ntoken broken sha256:abc predict\n`);
      while (!server.logs.some((l) => String(l.msg).startsWith('identities file changed but does not load')))
        await new Promise((r) => setTimeout(r, 50));
      await domains(second);
    },
  );
});

describe('--admin-rpc with scopes', () => {
  it('keeps ReloadModels off without --admin-rpc, even for models.admin', async (t) => {
    const admin = newToken();
    const server = await startTestServer(['--auth', tokenLine('ops', admin, 'models.admin'), '--admin-rpc', 'false']);
    t.after(() => server.close());
    const err = await refusal(
      invoke<object, ReloadModelsResponse>(
        server.models.reloadModels.bind(server.models) as Unary<object, ReloadModelsResponse>,
        { pins: [] },
        admin,
      ),
    );
    assert.equal(err.code, status.PERMISSION_DENIED);
    assert.equal(callReason(err), 'ADMIN_RPC_DISABLED');
  });
});
