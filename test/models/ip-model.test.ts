/**
 * The committed IP model version: metadata, checksum, feature spec, golden outputs (parity between
 * scikit-learn at training and onnxruntime here), and that the golden check depends on the context
 * recorded at training, not on whichever geo database is configured today.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  IP_FEATURE_COUNT,
  IP_FEATURE_NAMES,
  IP_FEATURES_VERSION,
  type IpFeatureAssets,
} from '../../src/indicators/ip/features';
import { createGeoLookup, type GeoLookup } from '../../src/indicators/ip/geo';
import { GOLDEN_TOLERANCE, type LoadedModel, loadModel } from '../../src/scoring/loaded-model';
import { pipelineForFeatures } from '../../src/scoring/pipeline';
import { ipFromContext, ipPipeline } from '../../src/scoring/pipelines/ip';
import { assertMatchesFeatureCode, committedModel, type GoldenRow } from '../helpers/model';

const DIR = join(__dirname, '../../models/ip/1');
const GEO_FIXTURES = join(__dirname, '../fixtures/geo');

const committed = committedModel<{ asn: number; as_organization: string; country_code: string }>('ip');
const { golden, meta } = committed;

let geo: GeoLookup;
let model: LoadedModel;
before(async () => {
  geo = await createGeoLookup();
  model = await loadModel(DIR, ipPipeline(geo));
});
after(async () => {
  await model.release();
  geo.close();
});

describe('models/ip/1 metadata', () => {
  it('matches the serving feature code and the ONNX file', () => {
    assertMatchesFeatureCode(committed, {
      name: 'ip',
      version: 1,
      featuresVersion: IP_FEATURES_VERSION,
      featureNames: IP_FEATURE_NAMES,
    });
  });

  it('names its training data with licences, and records both evaluations', () => {
    assert.deepEqual(
      meta.training_data.map((s: { name: string }) => s.name),
      ['ipsum_2plus', 'c2_tracker', 'tranco_top10k_resolved'],
    );
    for (const s of meta.training_data) assert.ok(s.license.length > 0 && s.rows > 0, s.name);
    assert.ok(meta.metrics.roc_auc > 0.5 && meta.metrics.roc_auc < 1);
    assert.equal(typeof meta.metrics.group_roc_auc_asn_unseen, 'number');
    assert.equal(typeof meta.time_split_evaluation?.metrics?.roc_auc, 'number');
    assert.ok(meta.thresholds.suspicious <= meta.thresholds.malicious);
  });
});

describe('models/ip/1 golden outputs', () => {
  it('has rows of both classes, each with the database context training saw', () => {
    assert.equal(golden.features_version, IP_FEATURES_VERSION);
    assert.ok(golden.rows.length >= 32);
    for (const r of golden.rows) assert.equal(typeof r.context?.asn, 'number', r.indicator);
  });

  it('re-parses every golden indicator to the recorded features and reproduces the probability', async () => {
    const features = new Float32Array(golden.rows.length * IP_FEATURE_COUNT);
    // The ip/1 parts of the pipeline (the newest features are ip/2; v1 is served with its own).
    const pipeline = pipelineForFeatures(ipPipeline(geo), IP_FEATURES_VERSION);
    assert.ok(pipeline !== undefined);
    golden.rows.forEach((r, i) => {
      const x = ipFromContext(r.indicator, r.context);
      assert.ok(x.ok, r.indicator);
      pipeline.features(x.value, model.assets as IpFeatureAssets, features, i * IP_FEATURE_COUNT);
      const got = Array.from(features.subarray(i * IP_FEATURE_COUNT, (i + 1) * IP_FEATURE_COUNT));
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

  it('loads whatever geo database is configured (the check uses the recorded context)', async () => {
    const other = await createGeoLookup({
      cityDbPath: join(GEO_FIXTURES, 'GeoIP2-City-Test.mmdb'),
      asnDbPath: join(GEO_FIXTURES, 'GeoLite2-ASN-Test.mmdb'),
    });
    const m = await loadModel(DIR, ipPipeline(other));
    assert.equal(m.version, 1);
    await m.release();
    other.close();
  });

  it('refuses the version when a golden row no longer reproduces (the check is not vacuous)', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'ip-model-'));
    try {
      cpSync(DIR, tmp, { recursive: true });
      const changed = structuredClone(golden);
      const row = changed.rows.find((r) => r.context !== undefined && r.context.asn !== 0) as GoldenRow;
      (row.context as { asn: number }).asn = 4_200_000_000; // an ASN the assets never counted
      writeFileSync(join(tmp, 'golden.json'), JSON.stringify(changed));
      await assert.rejects(loadModel(tmp, ipPipeline(geo)), /golden features differ for "[^"]+" at asn_/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('refuses assets built for other hosting ranges', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'ip-model-'));
    try {
      cpSync(DIR, tmp, { recursive: true });
      const assets = JSON.parse(readFileSync(join(DIR, 'assets.json'), 'utf8'));
      writeFileSync(join(tmp, 'assets.json'), JSON.stringify({ ...assets, hosting_ranges_sha256: 'f'.repeat(64) }));
      await assert.rejects(loadModel(tmp, ipPipeline(geo)), /other hosting ranges/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('ip pipeline cache key', () => {
  it('changes when the geo databases are reloaded, so cached enrichment is never served from old data', async () => {
    const p = ipPipeline(geo);
    // The key is the raw value (id and observed_at are not part of it) in the pipeline's key space.
    assert.equal(p.cacheKey, undefined, 'the raw value is the key');
    const before = p.cacheSpace?.();
    assert.equal(p.cacheSpace?.(), before);
    const reloaded = await geo.reload();
    assert.ok(reloaded.ok);
    const afterReload = p.cacheSpace?.();
    assert.notEqual(afterReload, undefined);
    assert.notEqual(afterReload, before);
    assert.equal(p.cacheSpace?.(), afterReload);
  });
});
