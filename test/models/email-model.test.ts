/**
 * The committed email model version: metadata, checksum, feature spec, golden outputs (parity
 * between scikit-learn at training and onnxruntime here, from the raw messages through the serving
 * parser and feature code), the per-source evaluations the model card quotes, and the canary check
 * refusing a version whose golden file no longer matches.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  EMAIL_FEATURE_COUNT,
  EMAIL_FEATURE_NAMES,
  EMAIL_FEATURES_VERSION,
  emailFeatures,
} from '../../src/indicators/email/message-features';
import { parseEmail } from '../../src/indicators/email/parse-email';
import { GOLDEN_TOLERANCE, type LoadedModel, loadModel } from '../../src/scoring/loaded-model';
import { decodeRawEmail, emailPipeline, encodeRawEmail } from '../../src/scoring/pipelines/email';
import { assertMatchesFeatureCode, committedModel } from '../helpers/model';

const DIR = join(__dirname, '../../models/email/1');

const committed = committedModel('email');
const { golden, meta } = committed;

let model: LoadedModel;
before(async () => {
  model = await loadModel(DIR, emailPipeline);
});
after(() => model.release());

describe('models/email/1 metadata', () => {
  it('matches the serving feature code and the ONNX file', () => {
    assertMatchesFeatureCode(committed, {
      name: 'email',
      version: 1,
      featuresVersion: EMAIL_FEATURES_VERSION,
      featureNames: EMAIL_FEATURE_NAMES,
    });
  });

  it('names its sources with licences and reports AUC overall, per source and spam-vs-ham', () => {
    assert.deepEqual(
      meta.training_data.map((s: { name: string; label: string }) => [s.name, s.label]),
      [
        ['spamassassin-easy-ham-1', 'benign'],
        ['spamassassin-easy-ham-2', 'benign'],
        ['spamassassin-hard-ham-1', 'benign'],
        ['spamassassin-spam-1', 'malicious'],
        ['spamassassin-spam-2', 'malicious'],
        ['phishing-pot', 'malicious'],
      ],
    );
    for (const s of meta.training_data) assert.ok(s.license.length > 0 && s.rows > 0, s.name);
    for (const k of [
      'roc_auc',
      'roc_auc_phishing-pot',
      'roc_auc_spamassassin-spam-1',
      'roc_auc_spamassassin-spam-2',
      'roc_auc_phish_vs_benign',
      'roc_auc_spam_vs_benign',
      'roc_auc_malicious_vs_spamassassin-hard-ham-1',
    ]) {
      assert.equal(typeof meta.metrics[k], 'number', k);
    }
    assert.ok(meta.metrics.roc_auc >= 0.98, `held-out ROC AUC ${meta.metrics.roc_auc}`);
    assert.ok(meta.thresholds.suspicious <= meta.thresholds.malicious);
  });
});

describe('models/email/1 golden outputs', () => {
  it('has malicious and benign rows, each a raw message', () => {
    assert.equal(golden.features_version, EMAIL_FEATURES_VERSION);
    assert.ok(golden.rows.length >= 32);
    for (const r of golden.rows) assert.ok(decodeRawEmail(r.indicator)!.length > 0);
  });

  it('re-parses every golden message to the recorded features and probability', async () => {
    const rows = new Float32Array(golden.rows.length * EMAIL_FEATURE_COUNT);
    for (const [i, r] of golden.rows.entries()) {
      const parsed = await parseEmail(decodeRawEmail(r.indicator)!);
      assert.ok(parsed.ok);
      emailFeatures(parsed.value, rows, i * EMAIL_FEATURE_COUNT);
      assert.deepEqual(
        Array.from(rows.subarray(i * EMAIL_FEATURE_COUNT, (i + 1) * EMAIL_FEATURE_COUNT)),
        r.features.map((v) => Math.fround(v)),
      );
    }
    const p = await model.predict(rows, golden.rows.length);
    golden.rows.forEach((r, i) => {
      assert.ok(Math.abs((p[i] as number) - r.probability) <= GOLDEN_TOLERANCE);
    });
  });

  it('encodes a raw message losslessly', () => {
    const raw = Buffer.from('From: a@example.com\r\nSubject: x\r\n\r\nbody\r\n');
    assert.deepEqual(decodeRawEmail(encodeRawEmail(raw)), raw);
    assert.equal(decodeRawEmail('not-encoded'), undefined);
  });
});

describe('the canary check', () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'email-model-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('refuses a version whose golden message was altered', async () => {
    const dir = join(tmp, 'altered');
    cpSync(DIR, dir, { recursive: true });
    const g = structuredClone(golden);
    // Another message under the first row: the parser's features no longer match the recorded ones.
    g.rows[0]!.indicator = encodeRawEmail(
      Buffer.from(
        'From: "PayPal" <a@paypa1-login.example>\r\nSubject: URGENT\r\n\r\nverify now http://198.51.100.7/x\r\n',
      ),
    );
    writeFileSync(join(dir, 'golden.json'), JSON.stringify(g));
    await assert.rejects(loadModel(dir, emailPipeline), /golden features differ/);
  });

  it('refuses a version whose recorded probability is wrong', async () => {
    const dir = join(tmp, 'probability');
    cpSync(DIR, dir, { recursive: true });
    const g = structuredClone(golden);
    g.rows[1]!.probability = g.rows[1]!.probability > 0.5 ? 0.01 : 0.99;
    writeFileSync(join(dir, 'golden.json'), JSON.stringify(g));
    await assert.rejects(loadModel(dir, emailPipeline), /golden output differs/);
  });

  it('refuses a golden row that is not a message', async () => {
    const dir = join(tmp, 'garbage');
    cpSync(DIR, dir, { recursive: true });
    const g = structuredClone(golden);
    g.rows[2]!.indicator = 'eml-gz-b64:!!!';
    writeFileSync(join(dir, 'golden.json'), JSON.stringify(g));
    await assert.rejects(loadModel(dir, emailPipeline), /no longer parses/);
  });
});
