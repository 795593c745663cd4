/**
 * The committed URL model version 2 (features url/1+domain/2): it loads through the serving pipeline
 * (which re-derives every golden row: features exactly, probabilities within 1e-5), names its data
 * with licences, records the out-of-source evaluation, and serves beside v1 with its own features.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { URL_FEATURE_NAMES_2, URL_FEATURES_VERSION_2 } from '../../src/indicators/url/features-v2';
import { UrlVersion } from '../helpers/url-version';

const v2 = new UrlVersion(2);
const { meta } = v2;
before(() => v2.open());
after(() => v2.close());

describe('models/url/2', () => {
  it('is trained on url/1+domain/2 and passes the load-time golden check', () => {
    assert.equal(meta.features_version, URL_FEATURES_VERSION_2);
    assert.deepEqual(meta.feature_names, [...URL_FEATURE_NAMES_2]);
    assert.equal(v2.model.pipeline?.featuresVersion, URL_FEATURES_VERSION_2);
  });
  it('names its data with licences, host-list homepages included, and records the out-of-source evaluation', () => {
    assert.ok(meta.training_data.every((s) => s.license.length > 0));
    assert.ok(meta.training_data.some((s) => s.name === 'openphish-host-homepages' && s.rows > 0));
    assert.equal(typeof meta.metrics.roc_auc, 'number');
    assert.match(meta.out_of_source_evaluation?.command ?? '', /evaluate\.py/);
    assert.equal(typeof meta.out_of_source_evaluation?.summary.macro_roc_auc_left_out_malicious_sources, 'number');
  });
  it('scores a bare homepage of a brand-abusing host above one of an ordinary site', async () => {
    const [phish, plain] = await v2.scores(['http://paypal-account-verify.duckdns.org/', 'https://www.wikipedia.org/']);
    assert.ok((phish as number) > meta.thresholds.suspicious, `phish ${phish}`);
    assert.ok((plain as number) < meta.thresholds.suspicious, `plain ${plain}`);
  });
});
