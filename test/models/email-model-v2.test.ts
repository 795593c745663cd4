/**
 * The committed email model v2 (features email/2): metadata with sources, licences and the
 * out-of-source evaluation the card quotes, golden parity from the raw messages through the serving
 * parser and the v2 feature code, and the choice of feature code per version: the email pipeline
 * computes email/2 and, for v1, email/1 (olderFeatures), and a repository holding both serves each
 * version with its own.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import {
  EMAIL_V2_FEATURE_COUNT,
  EMAIL_V2_FEATURE_NAMES,
  EMAIL_V2_FEATURES_VERSION,
  emailFeaturesV2,
} from '../../src/indicators/email/message-features-v2';
import { parseEmail } from '../../src/indicators/email/parse-email';
import { GOLDEN_TOLERANCE, type LoadedModel, loadModel } from '../../src/scoring/loaded-model';
import { createModelRepository } from '../../src/scoring/model-repository';
import { pipelineForFeatures } from '../../src/scoring/pipeline';
import { decodeRawEmail, emailPipeline } from '../../src/scoring/pipelines/email';
import { assertMatchesFeatureCode, committedModel } from '../helpers/model';

const committed = committedModel('email', 2);
const { golden, meta } = committed;

let model: LoadedModel;
before(async () => {
  model = await loadModel(committed.dir, emailPipeline);
});
after(() => model.release());

describe('models/email/2 metadata', () => {
  it('matches the v2 feature code and the ONNX file', () => {
    assertMatchesFeatureCode(committed, {
      name: 'email',
      version: 2,
      featuresVersion: EMAIL_V2_FEATURES_VERSION,
      featureNames: EMAIL_V2_FEATURE_NAMES,
    });
  });

  it('names its sources with licences, modern ham included', () => {
    const names = meta.training_data.map((s: { name: string }) => s.name);
    for (const n of ['rlists-2015plus', 'cygwin-patches-2016plus', 'legit-html-templates', 'phishing-pot']) {
      assert.ok(names.includes(n), n);
    }
    for (const s of meta.training_data) assert.ok(s.license.length > 0 && s.rows > 0, s.name);
  });

  it('records the out-of-source and later-in-time evaluation and thresholds from the hardest ham source', () => {
    const oos = meta.out_of_source_evaluation;
    assert.ok(oos !== undefined, 'out_of_source_evaluation');
    for (const s of ['rlists-2015plus', 'cygwin-patches-2016plus', 'legit-html-templates', 'phishing-pot']) {
      assert.equal(typeof oos.leave_one_source_out[s]?.rows, 'number', s);
    }
    assert.equal(oos.later_in_time.cutoff, '2024-01-01');
    assert.equal(typeof oos.summary.macro_roc_auc_later_in_time, 'number');
    assert.notEqual(meta.thresholds_set_by.malicious, 'pooled');
    assert.ok(meta.thresholds.suspicious <= meta.thresholds.malicious);
  });
});

describe('models/email/2 golden outputs', () => {
  it('re-parses every golden message to the recorded features and probability', async () => {
    assert.equal(golden.features_version, EMAIL_V2_FEATURES_VERSION);
    assert.ok(golden.rows.length >= 32);
    const rows = new Float32Array(golden.rows.length * EMAIL_V2_FEATURE_COUNT);
    for (const [i, r] of golden.rows.entries()) {
      const parsed = await parseEmail(decodeRawEmail(r.indicator)!);
      assert.ok(parsed.ok);
      emailFeaturesV2(parsed.value, rows, i * EMAIL_V2_FEATURE_COUNT);
      assert.deepEqual(
        Array.from(rows.subarray(i * EMAIL_V2_FEATURE_COUNT, (i + 1) * EMAIL_V2_FEATURE_COUNT)),
        r.features.map((v) => Math.fround(v)),
      );
    }
    const p = await model.predict(rows, golden.rows.length);
    golden.rows.forEach((r, i) => {
      assert.ok(Math.abs((p[i] as number) - r.probability) <= GOLDEN_TOLERANCE);
    });
  });
});

describe('feature code per version', () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'email-versions-'));
    cpSync(committedModel('email', 1).dir, join(tmp, 'email', '1'), { recursive: true });
    cpSync(committed.dir, join(tmp, 'email', '2'), { recursive: true });
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('computes email/2 for v2 and email/1 for v1, and refuses a features version it does not know', async () => {
    assert.equal(pipelineForFeatures(emailPipeline, 'email/2')?.featureNames.length, EMAIL_V2_FEATURE_COUNT);
    assert.equal(pipelineForFeatures(emailPipeline, 'email/1')?.featureNames.length, 294);
    assert.equal(pipelineForFeatures(emailPipeline, 'email/9'), undefined);
  });

  it('loads both versions side by side, each with its own pipeline, and serves the newest', async () => {
    const repo = createModelRepository({ dir: tmp, pipelines: [emailPipeline], logger: pino({ level: 'silent' }) });
    try {
      const [status] = await repo.reload();
      assert.deepEqual(
        status!.versions.map((v) => [v.version, v.state]),
        [
          [2, 'serving'],
          [1, 'ready'],
        ],
      );
      assert.equal(repo.serving('email')!.pipeline?.featuresVersion, 'email/2');
      await repo.reload(new Map([['email', 1]]));
      assert.equal(repo.serving('email')!.version, 1);
      assert.equal(repo.serving('email')!.pipeline?.featuresVersion, 'email/1');
    } finally {
      await repo.close();
    }
  });
});
