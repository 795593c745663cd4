/** The CLI's --server mode against a server with TLS and tokens (credentials from the environment). Runs dist/. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';
import { promisify } from 'node:util';
import { certFactory } from '../../src/bench/certs';
import { startTestServer } from '../helpers/server';
import { newToken, tokenLine } from './tokens';

const BIN = join(__dirname, '..', '..', 'bin', 'threatpredict.js');
const run = promisify(execFile);

it('lists models over TLS with a token from the environment, and fails without the token', async (t) => {
  const certs = certFactory();
  const ca = certs.ca('cli CA');
  const leaf = certs.issue(ca, 'threatpredict', 'IP:127.0.0.1');
  const token = newToken();
  const server = await startTestServer([
    '--tls-cert',
    leaf.cert,
    '--tls-key',
    leaf.key,
    '--auth',
    tokenLine('cli', token, 'models.read,predict'),
  ]);
  t.after(async () => {
    await server.close();
    certs.cleanup();
  });
  const env = { ...process.env, THREATPREDICT_SERVER_CA: ca.cert, THREATPREDICT_TOKEN: token };
  const { stdout } = await run('node', [BIN, 'models', 'list', '--server', server.address], { env, timeout: 60_000 });
  const models = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.ok(models.some((m) => m.name === 'domain'));
  const predicted = await run('node', [BIN, 'predict', '--server', server.address, 'example.com'], {
    env,
    timeout: 60_000,
  });
  assert.equal(JSON.parse(predicted.stdout.trim()).id, '1');

  const withoutToken = { ...env, THREATPREDICT_TOKEN: '' };
  await assert.rejects(
    run('node', [BIN, 'models', 'list', '--server', server.address], { env: withoutToken, timeout: 60_000 }),
    (err: { stderr: string }) => /UNAUTHENTICATED|CREDENTIALS_REJECTED/.test(err.stderr),
  );
});

// Pods are dialled by IP (README, model roll-out) but their certificate names their Service.
it('checks THREATPREDICT_SERVER_NAME instead of the address when given, and still the chain', async (t) => {
  const certs = certFactory();
  const ca = certs.ca('cli CA');
  const leaf = certs.issue(ca, 'threatpredict', 'DNS:threatpredict-headless.threatpredict.svc.cluster.local');
  const server = await startTestServer(['--tls-cert', leaf.cert, '--tls-key', leaf.key]);
  t.after(async () => {
    await server.close();
    certs.cleanup();
  });
  const list = (extra: NodeJS.ProcessEnv) =>
    run('node', [BIN, 'models', 'list', '--server', server.address], {
      env: { ...process.env, THREATPREDICT_SERVER_CA: ca.cert, ...extra },
      timeout: 60_000,
    });
  await assert.rejects(list({}), (err: { stderr: string }) => /UNAVAILABLE|Unavailable/.test(err.stderr));
  const { stdout } = await list({
    THREATPREDICT_SERVER_NAME: 'threatpredict-headless.threatpredict.svc.cluster.local',
  });
  assert.ok(stdout.includes('"domain"'));
  await assert.rejects(list({ THREATPREDICT_SERVER_NAME: 'someone-else.example' }));
  const other = certs.ca('another CA');
  await assert.rejects(
    list({
      THREATPREDICT_SERVER_CA: other.cert,
      THREATPREDICT_SERVER_NAME: 'threatpredict-headless.threatpredict.svc.cluster.local',
    }),
  );
});
