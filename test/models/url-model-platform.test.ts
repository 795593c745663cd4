/**
 * URL v4 = v3's model with thresholds of its own for URLs on platform customer sites without lure
 * evidence (src/indicators/url/platform-slice.ts), served end to end on pipeline workers and inline:
 * benign platform URLs that v3 raises are benign with a reason that names the thresholds, and platform
 * URLs with lure evidence (a brand in the host or path, sign-in words, a program) that score under
 * the platform thresholds are still raised. The version is built as models/url/4 is
 * (writePlatformVersion from models/url/3 and the committed measurement) in a temporary repository,
 * signed with the test key.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Prediction, ResultView, Verdict } from '../../src/gen/threatpredict/v1/prediction';
import type { PredictUrlsResponse } from '../../src/gen/threatpredict/v1/prediction_service';
import { OFF_THREAD_MIN_ROWS } from '../../src/scoring/stages';
import { type PlatformSliceResult, writePlatformVersion } from '../../src/training/platform-version';
import { committedModel, signForTests, testSigningKeyFile } from '../helpers/model';
import { call, startTestServer, type TestServer } from '../helpers/server';

const RESULT = join(__dirname, '..', '..', 'models', 'training', 'results', 'url-3-platform-slice.json');
const result = JSON.parse(readFileSync(RESULT, 'utf8')) as PlatformSliceResult;
const v3 = result.model.thresholds;
const slice = result.slice_thresholds;

/** Benign platform URLs v3 calls malicious, under the platform thresholds, without lure evidence. */
const RELAXED = [
  'https://raw.githubusercontent.com/slimphp/Slim-Psr7/main/install.sh', // the raw-github probe (v3 0.985)
  'https://jsmith.weebly.com/', // a personal site (v3 0.980)
];
/** Platform URLs under the platform thresholds whose lure evidence keeps v3's thresholds. */
const LURE = [
  'https://mysite.netlify.app/paypal/', // a brand in the path
  'https://xyz-docs.netlify.app/account/login', // sign-in words in the path
  'https://office365.netlify.app/', // a brand in the host
  'https://raw.githubusercontent.com/lxqt/lxqt-admin/main/setup.exe', // a program
  'https://raw.githubusercontent.com/lxqt/lxqt-admin/main/install.ps1', // a PowerShell script
];
const OFF_PLATFORM = 'http://secure-login.example-bank.top/wp-includes/signin.php';

let repo: string;
/** The same repository served with pipeline workers (the default) and inline. */
let servers: TestServer[] = [];
const answers = new Map<string, Prediction>();

before(async () => {
  repo = mkdtempSync(join(tmpdir(), 'tp-url-platform-'));
  const dir = join(repo, 'url', '4');
  writePlatformVersion({ from: committedModel('url', 3).dir, out: dir, version: 4, result });
  signForTests(dir);
  const args = ['--models', repo, '--model-signing-key', testSigningKeyFile(), '--cache-entries', '0'];
  servers = await Promise.all([startTestServer(args), startTestServer([...args, '--inference', 'inline'])]);
  // One batch with enough new URLs that the worker server hands it to a pipeline worker.
  const urls = [...RELAXED, ...LURE, OFF_PLATFORM];
  for (let i = 0; urls.length < OFF_THREAD_MIN_ROWS + 4; i++) urls.push(`https://docs-${i}.example.org/guide/`);
  const byServer = await Promise.all(
    servers.map(async (t) => {
      const res = await call<object, PredictUrlsResponse>((r, cb) => t.predictions.predictUrls(r as never, cb), {
        items: urls.map((value, i) => ({ id: String(i), value })),
        view: ResultView.RESULT_VIEW_FULL,
      });
      return res.results;
    }),
  );
  assert.deepEqual(byServer[1], byServer[0], 'workers and inline give the same answers');
  urls.forEach((u, i) => {
    answers.set(u, byServer[0]![i]!);
  });
});
after(async () => {
  await Promise.all(servers.map((t) => t.close()));
  rmSync(repo, { recursive: true, force: true });
});

const sharedHosting = (r: Prediction) => r.reasons.find((x) => x.code === 'SHARED_HOSTING')?.message ?? '';

describe('url v4: thresholds for URLs on platform customer sites', () => {
  it('were chosen above v3 thresholds', () => {
    assert.ok(slice.suspicious > v3.suspicious && slice.malicious >= v3.malicious);
  });

  it('a benign platform URL v3 calls malicious is benign, and the reason says why', () => {
    for (const url of RELAXED) {
      const r = answers.get(url)!;
      assert.equal(r.model?.version, 4);
      assert.ok((r.score ?? 0) >= v3.malicious, `${url}: v3 thresholds would call it malicious`);
      assert.equal(r.verdict, Verdict.VERDICT_BENIGN, url);
      assert.match(
        sharedHosting(r),
        /a URL on a customer site without lure evidence .* thresholds for platform customer sites \(suspicious 0\.98\d\d/,
        url,
      );
      assert.ok(!r.reasons.some((x) => x.code === 'RISKY_TLD'), `${url}: not raised, so no TLD reason`);
    }
  });

  it('a platform URL with lure evidence under the platform thresholds keeps v3 thresholds', () => {
    for (const url of LURE) {
      const r = answers.get(url)!;
      assert.ok((r.score ?? 1) < slice.suspicious && (r.score ?? 0) >= v3.suspicious, `${url} ${r.score}`);
      assert.notEqual(r.verdict, Verdict.VERDICT_BENIGN, url);
      assert.equal(r.verdict, (r.score ?? 0) >= v3.malicious ? Verdict.VERDICT_MALICIOUS : Verdict.VERDICT_SUSPICIOUS);
      assert.ok(sharedHosting(r) !== '', `${url} has the SHARED_HOSTING reason`);
      assert.doesNotMatch(sharedHosting(r), /platform customer sites/, url);
    }
  });

  it('URLs off platforms keep the global thresholds', () => {
    const r = answers.get(OFF_PLATFORM)!;
    assert.equal(r.verdict, (r.score ?? 0) >= v3.malicious ? Verdict.VERDICT_MALICIOUS : Verdict.VERDICT_SUSPICIOUS);
  });
});
