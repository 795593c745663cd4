/**
 * The committed domain model (models/domain/1): its metadata agrees with the serving feature code, and
 * Node reproduces what Python trained on and predicted. Each golden row is re-derived from its
 * indicator string alone: parse -> features with the shipped assets must give the stored float32
 * features bit for bit, and onnxruntime-node must give scikit-learn's probability within 1e-5.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DOMAIN_FEATURES_1 } from '../../src/indicators/domain/feature-sets';
import {
  DOMAIN_FEATURE_COUNT,
  DOMAIN_FEATURE_NAMES,
  DOMAIN_FEATURES_VERSION,
} from '../../src/indicators/domain/features';
import { DomainVersionRunner } from '../helpers/domain-version';

const DIR = join(__dirname, '..', '..', 'models', 'domain', '1');

interface Metadata {
  features_version: string;
  feature_names: string[];
  input: { name: string; shape: [null, number] };
  output: { name: string; positive_class_index: number };
  thresholds: { suspicious: number; malicious: number };
  sha256: string;
  metrics: Record<string, number | null>;
  training_data: { name: string; license: string; rows: number }[];
}
interface Golden {
  features_version: string;
  rows: { indicator: string; features: number[]; probability: number }[];
}

const meta = JSON.parse(readFileSync(join(DIR, 'metadata.json'), 'utf8')) as Metadata;
const golden = JSON.parse(readFileSync(join(DIR, 'golden.json'), 'utf8')) as Golden;
const model = new DomainVersionRunner(DIR, DOMAIN_FEATURES_1, {
  input: meta.input.name,
  output: meta.output.name,
  positiveClassIndex: meta.output.positive_class_index,
});

before(() => model.open());
after(() => model.close());

describe('domain model metadata', () => {
  it('matches the serving feature code', () => {
    assert.equal(meta.features_version, DOMAIN_FEATURES_VERSION);
    assert.equal(golden.features_version, DOMAIN_FEATURES_VERSION);
    assert.deepEqual(meta.feature_names, [...DOMAIN_FEATURE_NAMES]);
    assert.deepEqual(meta.input.shape, [null, DOMAIN_FEATURE_COUNT]);
    assert.equal(meta.output.name, 'probabilities');
    assert.deepEqual(model.inputNames, [meta.input.name]);
  });
  it('sha256 of model.onnx is the one recorded', () => {
    const sha = createHash('sha256')
      .update(readFileSync(join(DIR, 'model.onnx')))
      .digest('hex');
    assert.equal(sha, meta.sha256);
  });
  it('records thresholds, licences and the metrics the model card quotes', () => {
    assert.ok(
      meta.thresholds.suspicious > 0 &&
        meta.thresholds.suspicious < meta.thresholds.malicious &&
        meta.thresholds.malicious < 1,
    );
    assert.ok(meta.training_data.length >= 5 && meta.training_data.every((s) => s.license.length > 0));
    for (const k of [
      'roc_auc',
      'roc_auc_andrewaeva_dga',
      'roc_auc_openphish_hosts',
      'fpr_top10k_at_malicious',
      'fpr_tail_at_malicious',
      'unseen_group_roc_auc_min',
    ]) {
      assert.equal(typeof meta.metrics[k], 'number', `metric ${k}`);
    }
  });
});

describe('golden rows: Node reproduces Python', () => {
  it('has a useful number of rows of both labels', () => {
    assert.ok(golden.rows.length >= 32);
    assert.ok(golden.rows.some((r) => r.probability >= meta.thresholds.malicious));
    assert.ok(golden.rows.some((r) => r.probability < meta.thresholds.suspicious));
  });
  it('parse + features with the shipped assets give the stored features exactly (float32)', () => {
    const x = model.featuresOf(golden.rows.map((r) => r.indicator));
    golden.rows.forEach((r, i) => {
      const mine = Array.from(x.subarray(i * DOMAIN_FEATURE_COUNT, (i + 1) * DOMAIN_FEATURE_COUNT));
      const stored = r.features.map((v) => Math.fround(v));
      assert.deepEqual(mine, stored, r.indicator);
    });
  });
  it('onnxruntime-node probability equals scikit-learn within 1e-5', async () => {
    const p = await model.predict(golden.rows.map((r) => r.indicator));
    golden.rows.forEach((r, i) => {
      assert.ok(
        Math.abs((p[i] as number) - r.probability) <= 1e-5,
        `${r.indicator}: onnx ${p[i]} vs sklearn ${r.probability}`,
      );
    });
  });
});

describe('behaviour with clear margins', () => {
  it('well-known sites and their ordinary subdomains score below the suspicious threshold', async () => {
    const names = [
      'google.com',
      'wikipedia.org',
      'amazon.co.uk',
      'github.com',
      'bbc.co.uk',
      'mail.google.com',
      'docs.github.com',
      'en.wikipedia.org',
      'www.bbc.co.uk',
    ];
    const p = await model.predict(names);
    names.forEach((n, i) => {
      assert.ok((p[i] as number) < meta.thresholds.suspicious, `${n}: ${p[i]}`);
    });
  });
  it('generated-looking names score above the suspicious threshold', async () => {
    const names = ['xjwqpzkvtbhrmd.ru', 'qkzvbxwmtplr.biz', 'zxqvtrwplmkbnd.info', 'kxqzvwpt.ws'];
    const p = await model.predict(names);
    names.forEach((n, i) => {
      assert.ok((p[i] as number) > meta.thresholds.suspicious, `${n}: ${p[i]}`);
    });
  });
  it('a brand in the subdomain of another site scores far above the brand itself', async () => {
    const [abuse, own] = await model.predict(['paypal.com.evil.net', 'www.paypal.com']);
    assert.ok((abuse as number) > meta.thresholds.malicious, String(abuse));
    assert.ok((own as number) < meta.thresholds.suspicious, String(own));
  });
  it('a brand lookalike with phishing words scores above the look-alike-free name', async () => {
    const [phish, plain] = await model.predict(['paypa1-secure-login-verify.com', 'gardenmarket.com']);
    assert.ok((phish as number) > (plain as number) + 0.3, `${phish} vs ${plain}`);
    assert.ok((phish as number) > meta.thresholds.suspicious, String(phish));
  });
});
