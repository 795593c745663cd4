/**
 * Domain v4 = v3's model with thresholds of its own for customer sites of hosting platforms
 * (src/indicators/domain/platform-slice.ts), served end to end: a benign customer site that v3 raises
 * and that did not choose the thresholds (the Debian evaluation half) is benign, and a platform phish
 * with a lure word that scores below the platform thresholds is still raised. The version is built
 * the way the candidate is (writePlatformVersion from models/domain/3 and the committed measurement)
 * in a temporary repository, signed with the test key.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ResultView, Verdict } from '../../src/gen/threatpredict/v1/prediction';
import type { PredictDomainsResponse } from '../../src/gen/threatpredict/v1/prediction_service';
import { parseDomain } from '../../src/indicators/domain/parse';
import { type PlatformSliceResult, writePlatformVersion } from '../../src/training/platform-version';
import { stableUnit } from '../../src/training/sources';
import { committedModel, signForTests, testSigningKeyFile } from '../helpers/model';
import { call, startTestServer, type TestServer } from '../helpers/server';

const RESULT = join(__dirname, '..', '..', 'models', 'training', 'results', 'domain-3-platform-slice.json');
const result = JSON.parse(readFileSync(RESULT, 'utf8')) as PlatformSliceResult;

let repo: string;
/** The same repository served with inference workers (the default) and inline. */
let servers: TestServer[] = [];

/** The answer for `value`, the same from every server (asserted). */
async function predict(value: string) {
  const answers = await Promise.all(
    servers.map(async (t) => {
      const res = await call<object, PredictDomainsResponse>((r, cb) => t.predictions.predictDomains(r as never, cb), {
        items: [{ id: '1', value }],
        view: ResultView.RESULT_VIEW_FULL,
      });
      return res.results[0]!;
    }),
  );
  for (const a of answers.slice(1)) assert.deepEqual(a, answers[0], `${value}: workers and inline agree`);
  return answers[0]!;
}

before(async () => {
  repo = mkdtempSync(join(tmpdir(), 'tp-platform-'));
  const dir = join(repo, 'domain', '4');
  writePlatformVersion({ from: committedModel('domain', 3).dir, out: dir, version: 4, result });
  signForTests(dir);
  const args = ['--models', repo, '--model-signing-key', testSigningKeyFile()];
  servers = await Promise.all([startTestServer(args), startTestServer([...args, '--inference', 'inline'])]);
});
after(async () => {
  await Promise.all(servers.map((t) => t.close()));
  rmSync(repo, { recursive: true, force: true });
});

describe('domain v4: thresholds for platform customer sites', () => {
  it('were chosen above v3 thresholds on the Debian choose half', () => {
    assert.ok(result.slice_thresholds.suspicious > result.model.thresholds.suspicious);
    assert.ok(result.slice_thresholds.malicious >= result.model.thresholds.malicious);
  });

  it('a held-out benign customer site that v3 calls suspicious is benign, and the reason says why', async () => {
    const host = 'lukasz.github.io'; // a Debian package homepage, in the evaluation half
    const d = parseDomain(host);
    assert.ok(d.ok && stableUnit(`platform-half:${d.value.siteKey}`) >= 0.5, 'not in the half that chose');
    const r = await predict(host);
    assert.equal(r.model?.version, 4);
    assert.ok((r.score ?? 0) > result.model.thresholds.suspicious, 'v3 thresholds would raise it');
    assert.equal(r.verdict, Verdict.VERDICT_BENIGN);
    const shared = r.reasons.find((x) => x.code === 'SHARED_HOSTING');
    assert.match(shared?.message ?? '', /thresholds for platform customer sites \(suspicious 0\.99\d\d/);
  });

  it('platform phishing with lure words below the platform thresholds is still raised', async () => {
    for (const host of ['appleallpay.github.io', 'opensea.vercel.app']) {
      const r = await predict(host);
      assert.ok((r.score ?? 1) < result.slice_thresholds.suspicious, `${host} scores under the platform thresholds`);
      assert.notEqual(r.verdict, Verdict.VERDICT_BENIGN, host);
      const shared = r.reasons.find((x) => x.code === 'SHARED_HOSTING');
      assert.ok(shared !== undefined, `${host} has the SHARED_HOSTING reason`);
      assert.doesNotMatch(shared.message, /platform customer sites/, host);
    }
  });

  it('names off platforms keep the global thresholds', async () => {
    const r = await predict('paypal-login-secure.xyz');
    assert.notEqual(r.verdict, Verdict.VERDICT_BENIGN);
  });
});
