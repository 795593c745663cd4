/**
 * The container's run-time conditions without a container engine (none here; Docker Hub is out of
 * reach): the server (dist/main.js, as the image's CMD) in a private mount namespace whose whole root
 * is read-only, with only a small fresh tmpfs on /tmp, as uid/gid 1000 (the image's USER) without
 * capabilities. It must start, score domains and raw emails (the parse worker threads), reload on
 * SIGHUP, answer health and stop cleanly, with no error logged: what deploy/kubernetes asks with
 * readOnlyRootFilesystem and runAsNonRoot. Needs root for the namespace (CI and the project's machines
 * run as root); fails otherwise.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { it } from 'node:test';
import { credentials } from '@grpc/grpc-js';
import { freePort } from '../../src/bench/server-process';
import { checkHealth } from '../../src/cli/health-client';
import {
  type PredictDomainsResponse,
  type PredictEmailsResponse,
  PredictionServiceClient,
} from '../../src/gen/threatpredict/v1/prediction_service';
import { call } from '../helpers/server';

const ROOT = resolve(__dirname, '..', '..');

it('serves as uid 1000 on a read-only root filesystem', { timeout: 180_000 }, async () => {
  assert.equal(process.getuid?.(), 0, 'this test needs root for its mount namespace (CI runs as root)');
  const port = await freePort();
  const script = [
    'set -e',
    'mount -o remount,bind,ro /',
    // Mount points under / (e.g. the checkout's) keep their own flags: make each read-only too.
    `for m in $(findmnt -rn -o TARGET | grep -v '^/$' | grep -v '^/proc' | grep -v '^/sys' | grep -v '^/dev'); do mount -o remount,bind,ro "$m" 2>/dev/null || true; done`,
    'mount -t tmpfs -o size=16m tmpfs /tmp',
    `if touch ${ROOT}/.rw-probe 2>/dev/null; then echo "root is writable" >&2; exit 3; fi`,
    `exec setpriv --reuid 1000 --regid 1000 --clear-groups --inh-caps=-all --bounding-set=-all node dist/main.js --listen 127.0.0.1:${port}`,
  ].join('\n');
  const child = spawn('unshare', ['-m', '--propagation', 'private', 'bash', '-c', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const logs: Record<string, unknown>[] = [];
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const serving = new Promise<void>((res, rej) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      logs.push(entry);
      if (entry.msg === 'serving') res();
    });
    void exited.then((code) => rej(new Error(`server exited (${code}) before serving: ${stderr}`)));
  });
  const address = `127.0.0.1:${port}`;
  const client = new PredictionServiceClient(address, credentials.createInsecure());
  try {
    await serving;
    const domains = await call<object, PredictDomainsResponse>((r, cb) => client.predictDomains(r as never, cb), {
      items: [{ id: '1', value: 'paypal-login-secure.xyz' }],
      view: 0,
    });
    assert.equal(domains.results[0]?.error, undefined);
    assert.equal(typeof domains.results[0]?.score, 'number');
    const eml = readFileSync(join(ROOT, 'test', 'fixtures', 'email', 'alternative.eml'));
    const emails = await call<object, PredictEmailsResponse>((r, cb) => client.predictEmails(r as never, cb), {
      items: [{ id: '1', value: eml }],
      view: 0,
    });
    assert.equal(emails.results[0]?.error, undefined, JSON.stringify(emails.results[0]?.error));
    const reloaded = new Promise<void>((res) => {
      const timer = setInterval(() => {
        if (logs.some((l) => typeof l.msg === 'string' && l.msg.startsWith('SIGHUP'))) {
          clearInterval(timer);
          res();
        }
      }, 50);
    });
    // unshare, bash and setpriv each exec the next: the server is the child we spawned.
    const pid = child.pid as number;
    process.kill(pid, 'SIGHUP');
    await reloaded;
    assert.equal(await checkHealth(address, '', 30_000), 'SERVING');
    process.kill(pid, 'SIGTERM');
    assert.equal(await exited, 0, stderr);
    const errors = logs.filter((l) => (l.level as number) >= 50);
    assert.deepEqual(errors, [], 'nothing failed to write');
    assert.ok(!/EROFS|EACCES|read-only/i.test(stderr), stderr);
  } finally {
    client.close();
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
