/**
 * The committed email model v3 (features email/3): metadata with sources, licences, the text model
 * and the out-of-source evaluation the card quotes; golden parity from the raw messages through the
 * serving parser, the v3 feature code and the text model in assets.json (the text column must match
 * what training's scipy product wrote, bit for bit); a broken text asset refuses the version; and a
 * repository holding v1, v2 and v3 serves each with its own feature code.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import {
  EMAIL_V3_FEATURE_COUNT,
  EMAIL_V3_FEATURE_NAMES,
  EMAIL_V3_FEATURES_VERSION,
  emailFeaturesV3,
} from '../../src/indicators/email/message-features-v3';
import { parseEmail } from '../../src/indicators/email/parse-email';
import { parseTextModel, TEXT_BUCKETS } from '../../src/indicators/email/text-hash';
import { GOLDEN_TOLERANCE, type LoadedModel, loadModel } from '../../src/scoring/loaded-model';
import { createModelRepository } from '../../src/scoring/model-repository';
import { pipelineForFeatures } from '../../src/scoring/pipeline';
import { decodeRawEmail, emailPipeline } from '../../src/scoring/pipelines/email';
import { assertMatchesFeatureCode, committedModel } from '../helpers/model';

const committed = committedModel('email', 3);
const { golden, meta } = committed;
const textModel = () => parseTextModel(JSON.parse(readFileSync(join(committed.dir, 'assets.json'), 'utf8')).text_model);

let model: LoadedModel;
before(async () => {
  model = await loadModel(committed.dir, emailPipeline);
});
after(() => model.release());

describe('models/email/3 metadata', () => {
  it('matches the v3 feature code and the ONNX file, and names its text model', () => {
    assertMatchesFeatureCode(committed, {
      name: 'email',
      version: 3,
      featuresVersion: EMAIL_V3_FEATURES_VERSION,
      featureNames: EMAIL_V3_FEATURE_NAMES,
    });
    assert.equal(meta.text_model.column, 'text_score');
    assert.equal(meta.text_model.buckets, TEXT_BUCKETS);
    assert.equal(textModel().weights.length, TEXT_BUCKETS);
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
    assert.notEqual(meta.thresholds_set_by.malicious, 'pooled');
    assert.ok(meta.thresholds.suspicious <= meta.thresholds.malicious);
  });
});

describe('models/email/3 golden outputs', () => {
  it('re-parses every golden message to the recorded features (text logit included) and probability', async () => {
    assert.equal(golden.features_version, EMAIL_V3_FEATURES_VERSION);
    assert.ok(golden.rows.length >= 32);
    const tm = textModel();
    const col = EMAIL_V3_FEATURE_NAMES.indexOf('text_score');
    const rows = new Float32Array(golden.rows.length * EMAIL_V3_FEATURE_COUNT);
    let nonZero = 0;
    for (const [i, r] of golden.rows.entries()) {
      const parsed = await parseEmail(decodeRawEmail(r.indicator)!);
      assert.ok(parsed.ok);
      emailFeaturesV3(parsed.value, rows, i * EMAIL_V3_FEATURE_COUNT, tm);
      assert.deepEqual(
        Array.from(rows.subarray(i * EMAIL_V3_FEATURE_COUNT, (i + 1) * EMAIL_V3_FEATURE_COUNT)),
        r.features.map((v) => Math.fround(v)),
      );
      if (r.features[col] !== 0) nonZero++;
    }
    assert.ok(nonZero > golden.rows.length / 2, 'the text column carries the logit');
    const p = await model.predict(rows, golden.rows.length);
    golden.rows.forEach((r, i) => {
      assert.ok(Math.abs((p[i] as number) - r.probability) <= GOLDEN_TOLERANCE);
    });
  });

  it('refuses a copy whose text model differs (one weight changed)', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'email-v3-'));
    try {
      cpSync(committed.dir, tmp, { recursive: true });
      const path = join(tmp, 'assets.json');
      const assets = JSON.parse(readFileSync(path, 'utf8'));
      const w = Buffer.from(assets.text_model.weights_f32_b64, 'base64');
      // The weights' largest entry (a word the golden rows surely use) set to 0.
      let at = 0;
      for (let i = 0; i < w.length / 4; i++)
        if (Math.abs(w.readFloatLE(i * 4)) > Math.abs(w.readFloatLE(at * 4))) at = i;
      w.writeFloatLE(0, at * 4);
      assets.text_model.weights_f32_b64 = w.toString('base64');
      writeFileSync(path, JSON.stringify(assets));
      await assert.rejects(loadModel(tmp, emailPipeline), /golden features differ .* at text_score/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('feature code per version (v1, v2, v3)', () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'email-versions-'));
    for (const v of [1, 2, 3])
      cpSync(committedModel('email', v).dir, join(tmp, 'email', String(v)), { recursive: true });
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('computes email/3, email/2 and email/1', () => {
    assert.equal(pipelineForFeatures(emailPipeline, 'email/3')?.featureNames.length, EMAIL_V3_FEATURE_COUNT);
    assert.equal(pipelineForFeatures(emailPipeline, 'email/2')?.featureNames.length, 1053);
    assert.equal(pipelineForFeatures(emailPipeline, 'email/1')?.featureNames.length, 294);
  });

  it('loads the three versions side by side and serves the newest; each pinned one gets its own features', async () => {
    const repo = createModelRepository({ dir: tmp, pipelines: [emailPipeline], logger: pino({ level: 'silent' }) });
    try {
      const [status] = await repo.reload();
      assert.deepEqual(
        status!.versions.map((v) => [v.version, v.state]),
        [
          [3, 'serving'],
          [2, 'ready'],
          [1, 'ready'],
        ],
      );
      assert.equal(repo.serving('email')!.pipeline?.featuresVersion, 'email/3');
      for (const v of [2, 1]) {
        await repo.reload(new Map([['email', v]]));
        assert.equal(repo.serving('email')!.version, v);
        assert.equal(repo.serving('email')!.pipeline?.featuresVersion, `email/${v}`);
      }
    } finally {
      await repo.close();
    }
  });
});
