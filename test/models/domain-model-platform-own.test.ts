/**
 * Domain v5 = v4 (same model, assets, golden rows and platform customer thresholds) whose metadata
 * answers hosting platforms' own names benign by rule (`platform_own_names`), served end to end beside
 * v4 itself: the platform's own names that v4 raises are benign with the PLATFORM_OWN_NAME reason and
 * the same score, while customer sites, wildcard-matched machine names and names that merely contain a
 * platform's word get v4's answer. v4, which has no such metadata, answers as it did. Both versions are
 * built from the committed v4 in temporary repositories, signed with the test key.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ResultView, Verdict } from '../../src/gen/threatpredict/v1/prediction';
import type { PredictDomainsResponse } from '../../src/gen/threatpredict/v1/prediction_service';
import { writePlatformOwnVersion } from '../../src/training/platform-version';
import { committedModel, signForTests, testSigningKeyFile } from '../helpers/model';
import { call, startTestServer, type TestServer } from '../helpers/server';

let repos: string[] = [];
let v4: TestServer;
let v5: TestServer;
/** v5 with inference workers, which score batches of 16+ names off the event loop. */
let v5workers: TestServer;

async function predict(t: TestServer, value: string, view = ResultView.RESULT_VIEW_FULL) {
  const res = await call<object, PredictDomainsResponse>((r, cb) => t.predictions.predictDomains(r as never, cb), {
    items: [{ id: '1', value }],
    view,
  });
  return res.results[0]!;
}

before(async () => {
  const repo4 = mkdtempSync(join(tmpdir(), 'tp-own4-'));
  const repo5 = mkdtempSync(join(tmpdir(), 'tp-own5-'));
  repos = [repo4, repo5];
  const dir4 = join(repo4, 'domain', '4');
  cpSync(committedModel('domain', 4).dir, dir4, { recursive: true });
  signForTests(dir4);
  const dir5 = join(repo5, 'domain', '5');
  writePlatformOwnVersion({ from: committedModel('domain', 4).dir, out: dir5, version: 5 });
  signForTests(dir5);
  const key = ['--model-signing-key', testSigningKeyFile()];
  [v4, v5, v5workers] = await Promise.all([
    startTestServer(['--models', repo4, ...key]),
    startTestServer(['--models', repo5, ...key, '--inference', 'inline']),
    startTestServer(['--models', repo5, ...key]),
  ]);
});
after(async () => {
  await Promise.all([v4, v5, v5workers].map((t) => t?.close()));
  for (const r of repos) rmSync(r, { recursive: true, force: true });
});

describe("domain v5: platforms' own names", () => {
  // Raised by v4 (PSL private section, measured in models/domain/README.md, version 5).
  const own = [
    'cn-north-1.eb.amazonaws.com.cn',
    'ap-south-1.elasticbeanstalk.com',
    's3-website.eu-central-1.amazonaws.com',
  ];
  for (const host of own)
    it(`${host} is benign, says why, and keeps the model's score`, async () => {
      const [a4, a5] = [await predict(v4, host), await predict(v5, host)];
      assert.equal(a4.model?.version, 4);
      assert.equal(a5.model?.version, 5);
      assert.notEqual(a4.verdict, Verdict.VERDICT_BENIGN, `v4 raises ${host}`);
      assert.equal(a5.verdict, Verdict.VERDICT_BENIGN);
      assert.equal(a5.score, a4.score);
      const why = a5.reasons.find((r) => r.code === 'PLATFORM_OWN_NAME');
      assert.match(why?.message ?? '', /run by (amazonaws\.com(\.cn)?|elasticbeanstalk\.com): the platform's own name/);
      assert.equal(
        a4.reasons.find((r) => r.code === 'PLATFORM_OWN_NAME'),
        undefined,
        'v4 has no such rule',
      );
      const compact = await predict(v5, host, ResultView.RESULT_VIEW_COMPACT);
      assert.equal(compact.verdict, Verdict.VERDICT_BENIGN);
      assert.equal(compact.score, a4.score);
    });

  it('a bare private suffix (github.io) is the platform: benign, registrable domain github.io', async () => {
    const a = await predict(v5, 'github.io');
    assert.equal(a.verdict, Verdict.VERDICT_BENIGN);
    assert.ok(a.reasons.some((r) => r.code === 'PLATFORM_OWN_NAME'));
    assert.ok(!a.reasons.some((r) => r.code === 'SHARED_HOSTING'), 'github.io is not hosted under github.io');
    assert.equal(a.domain?.registrableDomain, 'github.io');
  });

  const others = [
    'evil-login.github.io', // a customer's site
    'paypal-secure-login.blogspot.com',
    'ec2-54-1-2-3.compute-1.amazonaws.com', // a suffix only through a wildcard: a customer's machine
    'githubio-login.com', // a platform's word
    's3.dualstack.eu-west-1.amazonaws.com.verify-account.xyz',
  ];
  for (const host of others)
    it(`${host} gets v4's answer`, async () => {
      const [a4, a5] = [await predict(v4, host), await predict(v5, host)];
      assert.equal(a5.verdict, a4.verdict);
      assert.equal(a5.score, a4.score);
      assert.ok(!a5.reasons.some((r) => r.code === 'PLATFORM_OWN_NAME'), host);
    });

  it('a batch scored off the event loop answers the same as inline', async () => {
    const hosts = Array.from({ length: 24 }, (_, i) =>
      i % 2 === 0 ? `s3-website.eu-central-1.amazonaws.com` : `evil-login-${i}.github.io`,
    );
    const batch = async (t: TestServer) =>
      (
        await call<object, PredictDomainsResponse>((r, cb) => t.predictions.predictDomains(r as never, cb), {
          items: hosts.map((value, i) => ({ id: String(i), value })),
          view: ResultView.RESULT_VIEW_FULL,
        })
      ).results;
    const [inline, workers] = [await batch(v5), await batch(v5workers)];
    assert.deepEqual(workers, inline);
    for (const [i, r] of workers.entries())
      assert.equal(
        r.reasons.some((x) => x.code === 'PLATFORM_OWN_NAME'),
        i % 2 === 0,
        hosts[i],
      );
  });

  it('evil-login.github.io is still raised', async () => {
    assert.notEqual((await predict(v5, 'evil-login.github.io')).verdict, Verdict.VERDICT_BENIGN);
  });
});

describe('RISKY_TLD is about the score', () => {
  it('a .io name the model does not raise has no RISKY_TLD reason', async () => {
    for (const host of ['socket.io', 'kernel.io']) {
      const a = await predict(v4, host);
      assert.ok((a.score ?? 1) < 0.5, `${host} scores low`);
      assert.ok(!a.reasons.some((r) => r.code === 'RISKY_TLD'), host);
    }
  });

  it('a raised .io name has it', async () => {
    const a = await predict(v4, 'paypal-login.io');
    assert.notEqual(a.verdict, Verdict.VERDICT_BENIGN);
    assert.match(a.reasons.find((r) => r.code === 'RISKY_TLD')?.message ?? '', /^\.io is over-represented/);
  });
});
