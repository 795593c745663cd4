/**
 * The committed URL model version: metadata, checksum, feature spec, golden outputs (parity between
 * scikit-learn at training and onnxruntime here, from the URL strings through the serving feature
 * code), the era checks recorded at training, and the allow-list policy.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { canonicalizeUrl } from '../../src/indicators/url/canonicalize';
import {
  URL_FEATURE_COUNT,
  URL_FEATURE_NAMES,
  URL_FEATURES_VERSION,
  type UrlFeatureAssets,
  urlFeatures,
} from '../../src/indicators/url/features';
import { GOLDEN_TOLERANCE, type LoadedModel, loadModel } from '../../src/scoring/loaded-model';
import { decideUrl, urlPipeline } from '../../src/scoring/pipelines/url';
import { assertMatchesFeatureCode, committedModel, type GoldenRow } from '../helpers/model';

const DIR = join(__dirname, '../../models/url/1');

const committed = committedModel('url');
const { golden, meta } = committed;

let model: LoadedModel;
before(async () => {
  model = await loadModel(DIR, urlPipeline);
});
after(() => model.release());

describe('models/url/1 metadata', () => {
  it('matches the serving feature code and the ONNX file', () => {
    assertMatchesFeatureCode(committed, {
      name: 'url',
      version: 1,
      featuresVersion: URL_FEATURES_VERSION,
      featureNames: URL_FEATURE_NAMES,
    });
    // The serving pipeline computes newer features; this version is fed the ones it was trained on.
    assert.equal(model.pipeline?.featuresVersion, URL_FEATURES_VERSION);
    assert.notEqual(urlPipeline.featuresVersion, URL_FEATURES_VERSION);
  });

  it('names its training data with licences, and records per-source and per-year evaluations', () => {
    assert.deepEqual(
      meta.training_data.map((s: { name: string }) => s.name),
      [
        'pdd-sahingoz-phishing',
        'csirtg-urlsml-blacklist',
        'phishcrawl-phishing',
        'phishcrawl-legit',
        'pdd-sahingoz-legit',
        'csirtg-urlsml-whitelist',
      ],
    );
    for (const s of meta.training_data) assert.ok(s.license.length > 0 && s.rows > 0, s.name);
    assert.ok(meta.metrics.roc_auc > 0.9 && meta.metrics.roc_auc < 1);
    // Within one year the scheme and URL shape cannot stand in for the era.
    assert.ok(meta.metrics.group_roc_auc_2018 > 0.9);
    assert.ok(meta.metrics.group_roc_auc_2024 > 0.9);
    for (const s of ['pdd-sahingoz-phishing', 'csirtg-urlsml-blacklist', 'phishcrawl-phishing']) {
      assert.equal(typeof meta.metrics[`roc_auc_${s}`], 'number', s);
    }
    assert.ok(meta.metrics.fpr_top10k_at_malicious < 0.01, 'benign URLs of popular sites: FPR under 1%');
    assert.ok(meta.thresholds.suspicious <= meta.thresholds.malicious);
    assert.ok(Array.isArray(meta.feature_importance) && meta.feature_importance.length > 0);
  });
});

describe('models/url/1 golden outputs', () => {
  it('has rows of both classes', () => {
    assert.equal(golden.features_version, URL_FEATURES_VERSION);
    assert.ok(golden.rows.length >= 32);
    assert.ok(golden.rows.some((r) => r.probability > 0.5) && golden.rows.some((r) => r.probability < 0.5));
  });

  it('re-parses every golden URL to the recorded features and reproduces the probability', async () => {
    const features = new Float32Array(golden.rows.length * URL_FEATURE_COUNT);
    golden.rows.forEach((r, i) => {
      const u = canonicalizeUrl(r.indicator);
      assert.ok(u.ok, r.indicator);
      assert.equal(u.value.url, r.indicator, 'golden indicators are canonical URLs (a fixed point)');
      urlFeatures(u.value, model.assets as UrlFeatureAssets, features, i * URL_FEATURE_COUNT);
      const got = Array.from(features.subarray(i * URL_FEATURE_COUNT, (i + 1) * URL_FEATURE_COUNT));
      assert.deepEqual(got, r.features.map(Math.fround), r.indicator);
    });
    const probs = await model.predict(features, golden.rows.length);
    golden.rows.forEach((r, i) => {
      assert.ok(
        Math.abs((probs[i] as number) - r.probability) <= GOLDEN_TOLERANCE,
        `${r.indicator}: ${probs[i]} vs ${r.probability}`,
      );
    });
  });

  it('refuses the version when a golden row no longer reproduces (the check is not vacuous)', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'url-model-'));
    try {
      cpSync(DIR, tmp, { recursive: true });
      const changed = structuredClone(golden);
      const row = changed.rows[0] as GoldenRow;
      row.indicator = `${row.indicator.replace(/\/?$/, '')}/wp-admin/login.php`;
      writeFileSync(join(tmp, 'golden.json'), JSON.stringify(changed));
      await assert.rejects(loadModel(tmp, urlPipeline), /golden features differ for "[^"]+wp-admin/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('refuses a model trained on other feature code', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'url-model-'));
    try {
      cpSync(DIR, tmp, { recursive: true });
      writeFileSync(join(tmp, 'metadata.json'), JSON.stringify({ ...meta, features_version: 'url/0+domain/0' }));
      await assert.rejects(loadModel(tmp, urlPipeline), /features version url\/0\+domain\/0 does not match/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('URL allow-list policy', () => {
  const decide = (raw: string) => {
    const u = canonicalizeUrl(raw);
    assert.ok(u.ok, raw);
    return decideUrl(u.value);
  };
  // [url, answered by the allow-list rule?]
  const TABLE: ReadonlyArray<readonly [string, boolean]> = [
    ['https://www.google.com/search?q=weather', true],
    ['https://mail.google.com/mail/u/0/', true],
    ['https://drive.google.com/file/d/1AbC/view', false],
    ['https://docs.google.com/forms/d/e/1FAIpQL/viewform', false],
    ['https://storage.googleapis.com/bucket/index.html', false],
    ['https://firebasestorage.googleapis.com/v0/b/x.appspot.com/o/a.html', false],
    ['https://www.dropbox.com/s/abc/invoice.html', false],
    ['https://www.dropbox.com/plans', true],
    ['https://bit.ly/3xYzAbc', false],
    ['https://onedrive.live.com/redir?resid=1', false],
    // Not allow-listed at all: the brand is in the subdomain of another registrable domain.
    ['http://google.com.evil.example/login', false],
    // A customer site on a shared platform is never allow-listed.
    ['https://paypal-login.weebly.com/', false],
  ];
  for (const [raw, allowed] of TABLE) {
    it(`${raw} -> ${allowed ? 'benign by the allow-list' : 'scored by the model'}`, () => {
      const d = decide(raw);
      assert.equal(d !== undefined, allowed);
      if (d !== undefined) {
        assert.equal(d.verdict, 'benign');
        assert.equal(d.score, false);
        assert.equal(d.reasons[0]?.code, 'ALLOW_LISTED');
      }
    });
  }
});
