/**
 * The README's `curl` examples (section "JSON over HTTP") work as written: each command of its `sh`
 * blocks (except the `npm start` lines that start the server) runs in a shell from the repository root
 * against a server started with the flags the README names, with only the address changed, and
 * answers JSON that is not an error. Needs `curl` (Debian's, present wherever apt is). The HTTPS
 * examples run in a folder holding the files they name (ca.pem, client.pem, client.key, made in the
 * test) against a server with a certificate and tokens ($TOKEN), or with a client CA for the mTLS one.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type CertFactory, certFactory } from '../../src/bench/certs';
import { newToken, tokenLine } from '../security/tokens';
import { type HttpTestServer, startHttpTestServer } from './helpers';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');

/** The shell commands of the section's sh blocks, continuation lines joined. */
function readmeCommands(readme: string): string[] {
  const start = readme.indexOf('\n## JSON over HTTP\n');
  assert.ok(start >= 0, 'README has a "JSON over HTTP" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end);
  const commands: string[] = [];
  for (const block of section.matchAll(/```sh\n([\s\S]*?)```/g)) {
    let current = '';
    for (const line of block[1]!.split('\n')) {
      current += `${line}\n`;
      if (/(\\|\|)\s*$/.test(line)) continue;
      if (current.trim() !== '') commands.push(current.trim());
      current = '';
    }
  }
  return commands.filter((c) => !c.startsWith('npm '));
}

let s: HttpTestServer;
let withToken: HttpTestServer;
let withClientCa: HttpTestServer;
let certs: CertFactory;
const TOKEN = newToken();
before(async () => {
  // The flags the README's examples need: seed endpoints, and ReloadModels (admin).
  s = await startHttpTestServer(['--http-seed-compat', 'true', '--admin-rpc', 'true']);
  certs = certFactory();
  const ca = certs.ca('readme CA');
  const server = certs.issue(ca, 'threatpredict', 'IP:127.0.0.1');
  const client = certs.issue(ca, 'analyst', 'DNS:analyst.example');
  copyFileSync(ca.cert, join(certs.dir, 'ca.pem'));
  copyFileSync(client.cert, join(certs.dir, 'client.pem'));
  copyFileSync(client.key, join(certs.dir, 'client.key'));
  const tls = ['--tls-cert', server.cert, '--tls-key', server.key];
  withToken = await startHttpTestServer([...tls, '--auth', tokenLine('readme', TOKEN, 'predict')]);
  withClientCa = await startHttpTestServer([...tls, '--tls-client-ca', ca.cert]);
});
after(async () => {
  await Promise.all([s?.close(), withToken?.close(), withClientCa?.close()]);
  certs?.cleanup();
});

describe('README curl examples', () => {
  it('cover every prediction type, the model RPCs, a stream and the four seed endpoints', () => {
    const all = readmeCommands(readFileSync(join(ROOT, 'README.md'), 'utf8')).join('\n');
    for (const path of [
      'domains:predict',
      'urls:predict',
      'ips:predict',
      'indicators:predict',
      'emails:predict',
      'message/rfc822',
      'streamPredict',
      '/v1/models',
      '/v1/serverInfo',
      'models:reload',
      '/domain/?q=',
      '/url/?q=',
      '/ip/?q=',
      '/email ',
    ]) {
      assert.ok(all.includes(path), `no README example for ${path}`);
    }
  });

  it('run as written and answer JSON without errors', async () => {
    const host = new URL(s.base).host;
    const commands = readmeCommands(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    assert.ok(commands.length >= 15, `found ${commands.length} commands`);
    let https = 0;
    for (const command of commands) {
      const secure = command.includes('https://');
      if (secure) https++;
      const target = !secure ? host : new URL((command.includes('--cert') ? withClientCa : withToken).base).host;
      const { stdout } = await run(
        'sh',
        ['-c', command.replaceAll(secure ? '127.0.0.1:8443' : '127.0.0.1:8080', target)],
        { cwd: secure ? certs.dir : ROOT, maxBuffer: 16 << 20, env: { ...process.env, TOKEN } },
      );
      const lines = stdout.trim().split('\n');
      assert.ok(stdout.trim() !== '', `no answer: ${command}`);
      for (const line of command.includes('streamPredict') ? lines : [stdout]) {
        const json = JSON.parse(line);
        // `message` is an error in the seed's shape, except in POST /email's answer (the body).
        const seedError = json.message !== undefined && json.urls === undefined;
        assert.ok(json.error === undefined && !seedError, `${command}\n-> ${line.slice(0, 300)}`);
        assert.ok(typeof json.code !== 'number', `${command}\n-> ${line.slice(0, 300)}`);
      }
    }
    assert.equal(https, 2, 'the HTTPS examples, with a token and with a client certificate');
  });
});
