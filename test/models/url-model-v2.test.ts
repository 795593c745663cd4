/**
 * The committed URL model version 2 (features url/1+domain/2): it loads through the serving pipeline
 * (which re-derives every golden row: features exactly, probabilities within 1e-5), names its data
 * with licences, records the out-of-source evaluation, and serves beside v1 with its own features.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { canonicalizeUrl } from '../../src/indicators/url/canonicalize';
import type { UrlFeatureAssets } from '../../src/indicators/url/features';
import { URL_FEATURE_NAMES_2, URL_FEATURES_VERSION_2 } from '../../src/indicators/url/features-v2';
import { type LoadedModel, loadModel } from '../../src/scoring/loaded-model';
import { urlPipeline } from '../../src/scoring/pipelines/url';

const DIR = join(__dirname, '..', '..', 'models', 'url', '2');
const meta = JSON.parse(readFileSync(join(DIR, 'metadata.json'), 'utf8')) as {
  features_version: string;
  feature_names: string[];
  thresholds: { suspicious: number; malicious: number };
  metrics: Record<string, number | null>;
  training_data: { name: string; license: string; rows: number }[];
  out_of_source_evaluation?: { command: string; summary: Record<string, number | null> };
};

let model: LoadedModel;
before(async () => {
  model = await loadModel(DIR, urlPipeline);
});
after(() => model.release());

describe('models/url/2', () => {
  it('is trained on url/1+domain/2 and passes the load-time golden check', () => {
    assert.equal(meta.features_version, URL_FEATURES_VERSION_2);
    assert.deepEqual(meta.feature_names, [...URL_FEATURE_NAMES_2]);
    assert.equal(model.pipeline?.featuresVersion, URL_FEATURES_VERSION_2);
  });
  it('names its data with licences, host-list homepages included, and records the out-of-source evaluation', () => {
    assert.ok(meta.training_data.every((s) => s.license.length > 0));
    assert.ok(meta.training_data.some((s) => s.name === 'openphish-host-homepages' && s.rows > 0));
    assert.equal(typeof meta.metrics.roc_auc, 'number');
    assert.match(meta.out_of_source_evaluation?.command ?? '', /evaluate\.py/);
    assert.equal(typeof meta.out_of_source_evaluation?.summary.macro_roc_auc_left_out_malicious_sources, 'number');
  });
  it('scores a bare homepage of a brand-abusing host above one of an ordinary site', async () => {
    const urls = ['http://paypal-account-verify.duckdns.org/', 'https://www.wikipedia.org/'];
    const width = URL_FEATURE_NAMES_2.length;
    const x = new Float32Array(urls.length * width);
    urls.forEach((u, i) => {
      const p = canonicalizeUrl(u);
      assert.ok(p.ok);
      urlPipeline.features(p.value, model.assets as UrlFeatureAssets, x, i * width);
    });
    const [phish, plain] = await model.predict(x, urls.length);
    assert.ok((phish as number) > meta.thresholds.suspicious, `phish ${phish}`);
    assert.ok((plain as number) < meta.thresholds.suspicious, `plain ${plain}`);
  });
});
