import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import pino from 'pino';
import { ConfigError, loadConfig, startWarnings } from '../src/config';
import { createSecurity } from '../src/server/security';

describe('loadConfig', () => {
  it('has defaults that work on a laptop', () => {
    const c = loadConfig([], {});
    assert.equal(c.listen, '127.0.0.1:50051');
    assert.match(c.modelsDir, /models$/);
    assert.equal(c.maxBatchItems, 10000);
    assert.equal(c.maxEmailBytes, 25 * 1024 * 1024);
    assert.equal(c.processes, 1);
    assert.ok(Object.isFrozen(c));
  });

  it('takes the environment, and the command line over it', () => {
    // A non-loopback address needs TLS or --allow-plaintext (test/security/config.test.ts).
    const open = { THREATPREDICT_ALLOW_PLAINTEXT: 'true' };
    assert.equal(loadConfig([], { ...open, THREATPREDICT_LISTEN: '0.0.0.0:9000' }).listen, '0.0.0.0:9000');
    assert.equal(loadConfig(['--listen', '[::1]:7000'], { THREATPREDICT_LISTEN: '0.0.0.0:9000' }).listen, '[::1]:7000');
    assert.equal(loadConfig(['--max-batch-items', '5'], {}).maxBatchItems, 5);
    assert.equal(loadConfig([], { THREATPREDICT_PROCESSES: '4' }).processes, 4);
  });

  it('has fleet settings off by default, and an instance id per process', () => {
    const c = loadConfig([], {});
    assert.equal(c.maxConnectionAgeMs, 0, 'no GOAWAY by age unless asked');
    assert.equal(c.healthRequiresNewest, false);
    assert.match(c.instanceId, new RegExp(`/${process.pid}$`));
    const f = loadConfig(['--max-connection-age-ms', '300000', '--instance-id', 'pod-1'], {
      THREATPREDICT_MAX_CONNECTION_AGE_GRACE_MS: '30000',
    });
    assert.deepEqual([f.maxConnectionAgeMs, f.maxConnectionAgeGraceMs, f.instanceId], [300000, 30000, 'pod-1']);
  });

  const bad: [string[], Record<string, string>, RegExp][] = [
    [['--listen', 'nope'], {}, /listen must be HOST:PORT, got "nope"/],
    [['--listen', 'h:70000'], {}, /HOST:PORT/],
    [[], { THREATPREDICT_MAX_BATCH_ITEMS: '0' }, /max batch items must be an integer from 1/],
    [[], { THREATPREDICT_MAX_BATCH_ITEMS: '1.5' }, /got "1.5"/],
    [[], { THREATPREDICT_LOG_LEVEL: 'loud' }, /log level must be one of/],
    [['--processes', '0'], {}, /processes must be an integer from 1 to 64, got "0"/],
    [['--bogus', 'x'], {}, /bogus/],
    [['--models', '/typo'], {}, /model repository \/typo does not exist/],
    [['--models', __filename], {}, /model repository .* is not a directory/],
    [['--model-versions', 'domain=99'], {}, /model versions: domain has no version 99 in /],
    [['--model-versions', 'domian=1'], {}, /model versions: no model "domian" in /],
    [['--geoip', '/nonexistent'], {}, /geoip directory \/nonexistent does not exist/],
    [
      ['--instance-id', 'pod a'],
      {},
      /instance id must be 1 to 128 printable ASCII characters without spaces, got "pod a"/,
    ],
    [[], { THREATPREDICT_MAX_CONNECTION_AGE_MS: '-1' }, /max connection age ms must be an integer from 0/],
    [[], { THREATPREDICT_HEALTH_REQUIRES_NEWEST: 'yes' }, /health requires newest must be true or false/],
    [['--http-listen', '0.0.0.0:8080'], {}, /http listen 0.0.0.0:8080 is not a loopback address: give --tls-cert/],
  ];
  it('serves HTTP beyond loopback only when plaintext is allowed in so many words', () => {
    const config = loadConfig(
      ['--http-listen', '0.0.0.0:8080', '--allow-plaintext', 'true', '--listen', '0.0.0.0:50051'],
      {},
    );
    assert.equal(config.httpListen, '0.0.0.0:8080');
  });
  it("lets the HTTP listener check credentials and speak TLS, with the gRPC port's settings", () => {
    const token = 'token sensor sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 predict';
    const c = loadConfig(['--http-listen', '127.0.0.1:8080', '--auth', token], {});
    assert.equal(c.httpListen, '127.0.0.1:8080');
    assert.equal(c.security.authInline, token);
    // With a certificate the HTTP listener speaks HTTPS, so a non-loopback address needs no --allow-plaintext.
    const tls = loadConfig(
      ['--http-listen', '0.0.0.0:8443', '--listen', '0.0.0.0:50051', '--tls-cert', __filename, '--tls-key', __filename],
      {},
    );
    assert.equal(tls.httpListen, '0.0.0.0:8443');
    assert.deepEqual(startWarnings(tls), []);
  });

  it('warns at start when bearer tokens would cross a plaintext listener past loopback', () => {
    const token = 'token sensor sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 predict';
    const open = ['--allow-plaintext', 'true'];
    const httpOnly = loadConfig(['--http-listen', '0.0.0.0:8080', '--auth', token, ...open], {});
    const warnings = startWarnings(httpOnly);
    assert.equal(warnings.length, 1, 'gRPC stays on loopback: only the HTTP listener is named');
    assert.match(warnings[0] ?? '', /^http listen 0\.0\.0\.0:8080 speaks plaintext with bearer tokens .* in clear/);
    const both = loadConfig(
      ['--http-listen', '0.0.0.0:8080', '--listen', '0.0.0.0:50051', '--auth', token, ...open],
      {},
    );
    assert.equal(startWarnings(both).length, 2);
    // No tokens, or loopback only: nothing to warn about.
    assert.deepEqual(startWarnings(loadConfig(['--http-listen', '0.0.0.0:8080', ...open], {})), []);
    assert.deepEqual(startWarnings(loadConfig(['--http-listen', '127.0.0.1:8080', '--auth', token], {})), []);
    // And the server says it at start, as a warning.
    const lines: { level: number; msg: string }[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _enc, cb) {
          lines.push(JSON.parse(String(chunk)));
          cb();
        },
      }),
    );
    createSecurity({
      config: httpOnly.security,
      listen: httpOnly.listen,
      httpListen: httpOnly.httpListen,
      logger,
    }).close();
    assert.ok(
      lines.some(
        (l) => l.level === 40 && /^http listen 0\.0\.0\.0:8080 speaks plaintext with bearer tokens/.test(l.msg),
      ),
      JSON.stringify(lines),
    );
  });

  for (const [argv, env, message] of bad) {
    it(`refuses ${JSON.stringify(argv)} ${JSON.stringify(env)} with a clear message`, () => {
      assert.throws(
        () => loadConfig(argv, env),
        (e: unknown) => e instanceof ConfigError && message.test(e.message),
      );
    });
  }
});
