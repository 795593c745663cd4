/** Security settings: plaintext off loopback needs saying so; the identities file refuses what it cannot trust. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { ConfigError, isLoopbackHost, loadConfig } from '../../src/config';
import { createSecurity } from '../../src/server/security';
import { certificateNames, hashToken, IdentitiesError, parseIdentities } from '../../src/server/security/tokens';

describe('plaintext and the listen address', () => {
  it('refuses plaintext on a non-loopback address unless --allow-plaintext true', () => {
    for (const listen of ['0.0.0.0:50051', '[::]:50051', '10.1.2.3:50051', 'sensor-gw:50051'])
      assert.throws(
        () => loadConfig(['--listen', listen], {}),
        (e: Error) => e instanceof ConfigError && /--tls-cert/.test(e.message),
        listen,
      );
    assert.equal(
      loadConfig(['--listen', '0.0.0.0:50051', '--allow-plaintext', 'true'], {}).security.allowPlaintext,
      true,
    );
    assert.equal(loadConfig(['--listen', '0.0.0.0:1'], { THREATPREDICT_ALLOW_PLAINTEXT: 'true' }).listen, '0.0.0.0:1');
  });

  it('keeps plaintext the default on loopback', () => {
    for (const listen of ['127.0.0.1:50051', 'localhost:1', '[::1]:1', '127.8.9.10:1']) {
      assert.equal(loadConfig(['--listen', listen], {}).security.tlsCert, '');
    }
    assert.equal(isLoopbackHost('127.0.0.1'), true);
    assert.equal(isLoopbackHost('128.0.0.1'), false);
  });

  it('needs certificate and key together, and a certificate for a client CA', () => {
    assert.throws(() => loadConfig(['--tls-cert', __filename], {}), /together/);
    assert.throws(() => loadConfig(['--tls-client-ca', __filename], {}), /needs tls cert/);
    assert.throws(() => loadConfig(['--tls-cert', '/nonexistent.pem', '--tls-key', __filename], {}), /is not a file/);
    assert.throws(() => loadConfig(['--auth', 'x', '--auth-file', __filename], {}), /either/);
  });
});

describe('identities entries', () => {
  const hash = hashToken('s3cret-token');

  it('parses tokens (by hash), certificates, scopes and quota overrides', () => {
    const t = parseIdentities(
      `# comment\ntoken sensor sha256:${hash.toUpperCase()} predict items=500\n\ncert ops uri=spiffe://x/ops models.read,models.admin calls=3`,
      'test',
    );
    const sensor = t.tokens.get(hash);
    assert.equal(sensor?.name, 'sensor');
    assert.deepEqual([...(sensor?.scopes ?? [])], ['predict']);
    assert.deepEqual(sensor?.quota, { items: 500 });
    const ops = t.certificates.get('uri=spiffe://x/ops');
    assert.deepEqual([...(ops?.scopes ?? [])].sort(), ['models.admin', 'models.read']);
    assert.deepEqual(ops?.quota, { calls: 3 });
  });

  it('refuses a plain token, an unknown scope, a duplicate name or a bad kind, naming the entry', () => {
    const cases: [string, RegExp][] = [
      ['token a s3cret-token predict', /entry 1: a token credential is sha256/],
      [`token a sha256:${hash} predict,admin`, /unknown scope "admin"/],
      [`token a sha256:${hash} predict;token a sha256:${hash} predict`, /entry 2: the name "a" is used twice/],
      ['user a cn=x predict', /kind must be token or cert/],
      [`token a sha256:${hash}`, /expected "KIND NAME/],
      [`token a sha256:${hash} predict items=lots`, /not calls=N or items=N/],
    ];
    for (const [text, error] of cases)
      assert.throws(
        () => parseIdentities(text, 'f'),
        (e: Error) => e instanceof IdentitiesError && error.test(e.message),
        text,
      );
  });

  it('names a certificate by its SAN URIs first, then DNS names, then CN', () => {
    const names = certificateNames({
      subject: { CN: 'sensor-1' },
      subjectaltname: 'DNS:sensor-1.example, URI:spiffe://fleet/sensor-1',
    } as never);
    assert.deepEqual(names, ['uri=spiffe://fleet/sensor-1', 'dns=sensor-1.example', 'cn=sensor-1']);
  });
});

describe('bad credential files at start', () => {
  it('stop the start with a ConfigError naming the problem', () => {
    const logger = pino({ level: 'silent' });
    const base = loadConfig([], {}).security;
    assert.throws(
      () =>
        createSecurity({
          config: { ...base, authInline: 'token a sha256:nothex predict' },
          listen: '127.0.0.1:1',
          logger,
        }),
      (e: Error) => e instanceof ConfigError && /entry 1/.test(e.message),
    );
    assert.throws(
      () =>
        createSecurity({ config: { ...base, tlsCert: __filename, tlsKey: __filename }, listen: '127.0.0.1:1', logger }),
      (e: Error) => e instanceof ConfigError && /TLS files/.test(e.message),
    );
  });
});
