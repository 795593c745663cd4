/**
 * Trusted models: a version loads only if its files match a manifest signed with a configured Ed25519
 * key. Tampered thresholds, unsigned versions, a foreign key, a replayed manifest and symbolic links
 * that leave the repository are refused, and the refusal is reported where operators look (log,
 * ListModels/GetModel state and reason, the model's `.newest` health), while the previous version
 * keeps serving. Works on a temporary repository of copies of the committed domain model.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { checkHealth } from '../../src/cli/health-client';
import { ConfigError, loadConfig } from '../../src/config';
import {
  type GetModelResponse,
  ModelVersionState,
  type ReloadModelsResponse,
} from '../../src/gen/threatpredict/v1/model_service';
import { Verdict } from '../../src/gen/threatpredict/v1/prediction';
import type { PredictDomainsResponse } from '../../src/gen/threatpredict/v1/prediction_service';
import { createModelRepository } from '../../src/scoring/model-repository';
import { checkVersion, readPublicKey, signVersion } from '../../src/scoring/model-trust';
import { domainPipeline } from '../../src/scoring/pipelines/domain';
import { addDomainVersion, signForTests, testSigningKeyFile } from '../helpers/model';
import { call, startTestServer, type TestServer } from '../helpers/server';

let repo: string;
let t: TestServer;

function editJson(path: string, edit: (o: Record<string, unknown>) => void): void {
  const o = JSON.parse(readFileSync(path, 'utf8'));
  edit(o);
  writeFileSync(path, JSON.stringify(o));
}

const reload = () => call<object, ReloadModelsResponse>((r, cb) => t.models.reloadModels(r as never, cb), { pins: [] });
const versionOf = async (v: number) => {
  const res = await call<object, GetModelResponse>((r, cb) => t.models.getModel(r as never, cb), { name: 'domain' });
  return res.model?.versions.find((x) => x.version === v);
};

/** Adds `version` as the newest, reloads, and checks it was refused with `reason` while v1 serves on. */
async function assertRefused(version: number, reason: RegExp): Promise<string> {
  const res = await reload();
  const v = res.models.find((m) => m.name === 'domain')?.versions.find((x) => x.version === version);
  assert.equal(v?.state, ModelVersionState.MODEL_VERSION_STATE_FAILED, `version ${version} is refused`);
  assert.match(v?.stateReason ?? '', reason);
  assert.equal((await versionOf(version))?.stateReason, v?.stateReason, 'GetModel says the same');
  assert.equal(t.app.repository.serving('domain')?.version, 1, 'the signed version keeps serving');
  assert.equal(await checkHealth(t.address, 'threatpredict.model.domain.newest'), 'NOT_SERVING');
  const logged = t.logs.find((l) => l.msg === 'model version refused' && l.version === version);
  assert.match(String(logged?.reason), reason, 'the refusal is logged with its reason');
  return v?.stateReason ?? '';
}

before(async () => {
  repo = mkdtempSync(join(tmpdir(), 'tp-signing-'));
  addDomainVersion(repo, 1); // signed with the test key
  t = await startTestServer(['--models', repo, '--model-signing-key', testSigningKeyFile()]);
});
after(async () => {
  await t.close();
  rmSync(repo, { recursive: true, force: true });
});

describe('model signing', () => {
  it('loads a correctly signed version and logs the key that signed it', async () => {
    assert.equal(t.app.repository.serving('domain')?.version, 1);
    const line = t.logs.find((l) => l.msg === 'model version signature verified' && l.version === 1);
    assert.equal(line?.keyId, readPublicKey(testSigningKeyFile()).id);
  });

  it('refuses a version whose thresholds were changed after signing, and keeps scoring with the signed one', async () => {
    // Thresholds of 2.0 would make every domain BENIGN (the attack of the issue).
    addDomainVersion(repo, 2, () => {});
    editJson(join(repo, 'domain', '2', 'metadata.json'), (m) => {
      m.thresholds = { suspicious: 2, malicious: 2 };
    });
    await assertRefused(2, /^metadata\.json does not match the signed manifest/);
    const res = await call<object, PredictDomainsResponse>((r, cb) => t.predictions.predictDomains(r as never, cb), {
      items: [{ id: '1', value: 'paypal-login-secure.xyz' }],
      view: 0,
    });
    assert.equal(res.results[0]?.model?.version, 1);
    assert.notEqual(res.results[0]?.verdict, Verdict.VERDICT_BENIGN);
    rmSync(join(repo, 'domain', '2'), { recursive: true });
  });

  it('refuses an unsigned version, saying how to sign it or allow it', async () => {
    addDomainVersion(repo, 3);
    unlinkSync(join(repo, 'domain', '3', 'manifest.sig'));
    unlinkSync(join(repo, 'domain', '3', 'manifest.json'));
    await assertRefused(
      3,
      /^unsigned: no manifest\.sig \(sign it with `npm run models:sign -- .*--allow-unsigned-models true/,
    );
    rmSync(join(repo, 'domain', '3'), { recursive: true });
  });

  it('refuses a version signed with a key the server does not trust', async () => {
    const dir = addDomainVersion(repo, 4);
    signVersion(dir, repo, 'domain', 4, generateKeyPairSync('ed25519').privateKey);
    await assertRefused(4, /signature does not verify with any configured key/);
    rmSync(dir, { recursive: true });
  });

  it('refuses a signed version replayed under another version number', async () => {
    // Version 1's signed files, unchanged, as version 5: the manifest names version 1.
    cpSync(join(repo, 'domain', '1'), join(repo, 'domain', '5'), { recursive: true });
    await assertRefused(5, /signed manifest is for domain version 1, not domain version 5/);
    rmSync(join(repo, 'domain', '5'), { recursive: true });
  });

  it('refuses a file added to a signed version', async () => {
    const dir = addDomainVersion(repo, 6);
    writeFileSync(join(dir, 'extra.json'), '{}');
    await assertRefused(6, /^extra\.json is not in the signed manifest/);
    rmSync(dir, { recursive: true });
  });

  it('never reads or shows a symlinked metadata.json that leaves the repository', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'tp-outside-'));
    const secret = join(outside, 'passwd');
    writeFileSync(secret, 'root:x:0:0:root:/root:/bin/bash\n');
    const dir = addDomainVersion(repo, 7);
    unlinkSync(join(dir, 'metadata.json'));
    symlinkSync(secret, join(dir, 'metadata.json'));
    const reason = await assertRefused(7, /^metadata\.json is a symbolic link that leaves the model repository$/);
    const everything = JSON.stringify(t.logs) + reason;
    assert.ok(!everything.includes('root:x'), 'the target content is never shown');
    assert.ok(!everything.includes(outside), 'nor where it points');
    rmSync(dir, { recursive: true });
    rmSync(outside, { recursive: true });
  });

  it('accepts a symbolic link that stays inside the repository, when signed', async () => {
    const dir = addDomainVersion(repo, 8);
    unlinkSync(join(dir, 'assets.json'));
    symlinkSync(join('..', '1', 'assets.json'), join(dir, 'assets.json'));
    signForTests(dir);
    const res = await reload();
    const v8 = res.models.find((m) => m.name === 'domain')?.versions.find((x) => x.version === 8);
    assert.equal(v8?.state, ModelVersionState.MODEL_VERSION_STATE_SERVING, v8?.stateReason);
    assert.equal(await checkHealth(t.address, 'threatpredict.model.domain.newest'), 'SERVING');
    rmSync(dir, { recursive: true });
    await reload();
  });
});

describe('--allow-unsigned-models', () => {
  it('loads an unsigned version with a warning, but still refuses a tampered signed one and outside links', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-unsigned-'));
    try {
      const unsigned = addDomainVersion(dir, 1);
      unlinkSync(join(unsigned, 'manifest.sig'));
      addDomainVersion(dir, 2);
      editJson(join(dir, 'domain', '2', 'metadata.json'), (m) => {
        m.thresholds = { suspicious: 2, malicious: 2 };
      });
      const linked = addDomainVersion(dir, 3);
      unlinkSync(join(linked, 'manifest.sig'));
      unlinkSync(join(linked, 'golden.json'));
      symlinkSync('/etc/hostname', join(linked, 'golden.json'));
      const lines: Record<string, unknown>[] = [];
      const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s)) });
      const repository = createModelRepository({
        dir,
        pipelines: [domainPipeline],
        logger,
        trust: { keys: [readPublicKey(testSigningKeyFile())], allowUnsigned: true },
      });
      try {
        const [domain] = await repository.reload();
        const state = (v: number) => domain?.versions.find((x) => x.version === v);
        assert.equal(state(1)?.state, 'serving');
        assert.ok(
          lines.some((l) => l.version === 1 && /UNSIGNED/.test(String(l.msg))),
          'a warning per unsigned version',
        );
        assert.equal(state(2)?.state, 'failed');
        assert.match(state(2)?.reason ?? '', /metadata\.json does not match the signed manifest/);
        assert.equal(state(3)?.state, 'failed');
        assert.match(state(3)?.reason ?? '', /golden\.json is a symbolic link that leaves the model repository/);
      } finally {
        await repository.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('signing keys', () => {
  it('every committed model version verifies with the committed public key, the default of a fresh clone', () => {
    const config = loadConfig([], {});
    assert.equal(config.modelTrust.allowUnsigned, false);
    const models = join(__dirname, '..', '..', 'models');
    let checked = 0;
    for (const name of readdirSync(models))
      for (const v of readdirSync(join(models, name)).filter((d) => /^[1-9][0-9]*$/.test(d))) {
        const dir = join(models, name, v);
        try {
          checkVersion(dir, models, name, Number(v), config.modelTrust);
        } catch (e) {
          assert.fail(
            `models/${name}/${v}: ${(e as Error).message}. A new or retrained version must be signed with the project key: npm run models:sign -- models/${name}/${v} --key <the project's private key>`,
          );
        }
        checked++;
      }
    assert.ok(checked >= 8, `${checked} versions checked`);
  });

  it('refuses a private key, a missing file or a non-Ed25519 key as the server key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-keys-'));
    try {
      const { privateKey } = generateKeyPairSync('ed25519');
      const priv = join(dir, 'k.key');
      writeFileSync(priv, privateKey.export({ type: 'pkcs8', format: 'pem' }));
      const rsa = join(dir, 'rsa.pub');
      writeFileSync(
        rsa,
        generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }),
      );
      for (const [file, why] of [
        [priv, /holds a private key/],
        [join(dir, 'none.pub'), /does not exist/],
        [rsa, /is an rsa key; model signing keys are Ed25519/],
      ] as const)
        assert.throws(
          () => loadConfig(['--model-signing-key', file], {}),
          (e: Error) => e instanceof ConfigError && why.test(e.message),
        );
      // Several keys (a rotation): each is trusted.
      const two = loadConfig(['--model-signing-key', `${testSigningKeyFile()},${testSigningKeyFile()}`], {});
      assert.equal(two.modelTrust.keys.length, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
