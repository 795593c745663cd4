/**
 * The committed IP model v2 (features ip/2) beside v1: metadata with its out-of-source evaluation,
 * golden outputs from the recorded context, and the lifecycle: the repository loads both versions,
 * serves v2 by default, and a pin rolls back to v1, which is still scored with the ip/1 feature code.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { IpFeatureAssets } from '../../src/indicators/ip/features';
import {
  IP_FEATURE_COUNT_V2,
  IP_FEATURE_NAMES_V2,
  IP_FEATURES_V2,
  ipFeaturesV2,
} from '../../src/indicators/ip/features-v2';
import { createGeoLookup, type GeoLookup } from '../../src/indicators/ip/geo';
import { GOLDEN_TOLERANCE, type LoadedModel, loadModel } from '../../src/scoring/loaded-model';
import { createModelRepository, type ModelRepository } from '../../src/scoring/model-repository';
import { ipFromContext, ipPipeline } from '../../src/scoring/pipelines/ip';
import { createScorer } from '../../src/scoring/scorer';
import { assertMatchesFeatureCode, committedModel } from '../helpers/model';

const MODELS = join(__dirname, '../../models');
const committed = committedModel<{ asn: number; as_organization: string; country_code: string }>('ip', 2);
const { golden, meta } = committed;

let geo: GeoLookup;
let model: LoadedModel;
before(async () => {
  geo = await createGeoLookup();
  model = await loadModel(committed.dir, ipPipeline(geo));
});
after(async () => {
  await model.release();
  geo.close();
});

describe('models/ip/2 metadata', () => {
  it('matches the ip/2 feature code and the ONNX file', () => {
    assertMatchesFeatureCode(committed, {
      name: 'ip',
      version: 2,
      featuresVersion: IP_FEATURES_V2,
      featureNames: IP_FEATURE_NAMES_V2,
    });
  });

  it('names its sources with licences and records the out-of-source evaluation per source', () => {
    assert.deepEqual(
      meta.training_data.map((s: { name: string }) => s.name),
      ['ipsum_2plus', 'c2_tracker', 'tranco_cdn_fronted', 'tranco_self_hosted'],
    );
    for (const s of meta.training_data) assert.ok(s.license.length > 0 && s.rows > 0, s.name);
    const ev = meta.out_of_source_evaluation;
    for (const s of ['ipsum_2plus', 'c2_tracker', 'tranco_cdn_fronted', 'tranco_self_hosted']) {
      assert.ok(ev.leave_one_source_out[s], `left out: ${s}`);
      assert.ok(ev.loso_exports[s], `counts rebuilt without ${s}`);
    }
    assert.equal(typeof ev.later_in_time.sources.c2_tracker.roc_auc_vs_benign, 'number');
    assert.equal(typeof ev.summary.macro_roc_auc_left_out_malicious_sources, 'number');
    for (const v of ['suspicious', 'malicious']) assert.match(meta.thresholds_set_by[v], /^tranco_/, v);
    assert.ok(meta.thresholds.suspicious <= meta.thresholds.malicious);
  });
});

describe('models/ip/2 golden outputs', () => {
  it('re-computes every golden row from its recorded context and reproduces the probability', async () => {
    assert.equal(golden.features_version, IP_FEATURES_V2);
    assert.ok(golden.rows.length >= 32);
    const features = new Float32Array(golden.rows.length * IP_FEATURE_COUNT_V2);
    // v2 is scored with the ip/2 feature code (the pipeline's olderFeatures), whatever the newest version computes.
    golden.rows.forEach((r, i) => {
      const x = ipFromContext(r.indicator, r.context);
      assert.ok(x.ok, r.indicator);
      ipFeaturesV2(x.value, model.assets as IpFeatureAssets, features, i * IP_FEATURE_COUNT_V2);
      const got = Array.from(features.subarray(i * IP_FEATURE_COUNT_V2, (i + 1) * IP_FEATURE_COUNT_V2));
      assert.deepEqual(got, r.features.map(Math.fround), r.indicator);
    });
    const probs = await model.predict(features, golden.rows.length);
    golden.rows.forEach((r, i) => {
      assert.ok(Math.abs((probs[i] as number) - r.probability) <= GOLDEN_TOLERANCE, r.indicator);
    });
  });

  it("reads a served address's /24 counts from the version's assets (golden rows are in /24s training never saw)", async () => {
    const assets = model.assets as IpFeatureAssets;
    const [net, [mal]] = [...(assets.net24 ?? new Map())].find(([k, c]) => k.endsWith('.0/24') && c[0] >= 5) ?? [];
    assert.ok(typeof net === 'string' && mal !== undefined, 'a /24 with listed addresses');
    const address = net.replace(/\.0\/24$/, '.77');
    const x = ipFromContext(address, { asn: 0, as_organization: '', country_code: '' });
    assert.ok(x.ok);
    const row = new Float32Array(IP_FEATURE_COUNT_V2);
    ipFeaturesV2(x.value, assets, row, 0);
    const at = IP_FEATURE_NAMES_V2.indexOf('net24_malicious_log1p');
    assert.equal(row[at], Math.fround(Math.log1p(mal)));
    assert.ok((row[at + 2] as number) > 0, 'log-odds towards malicious');
    const [p] = await model.predict(row, 1);
    assert.ok((p as number) >= 0 && (p as number) <= 1);
  });
});

describe('ip model versions side by side', () => {
  let repo: ModelRepository;
  before(async () => {
    repo = createModelRepository({
      dir: MODELS,
      pipelines: [ipPipeline(geo)],
      logger: pino({ level: 'silent' }),
    });
    await repo.reload();
  });
  after(() => repo.close());

  it('loads v1 (ip/1) and v2 (ip/2) and serves the newest', () => {
    const status = repo.list().find((m) => m.name === 'ip');
    const loaded = status?.versions.filter((v) => v.model !== undefined).map((v) => v.version);
    assert.deepEqual(loaded?.sort(), [1, 2]);
    assert.equal(repo.serving('ip')?.version, 2);
  });

  it('scores with the serving version, and with v1 once pinned back (rollback)', async () => {
    const scorer = createScorer({ repository: repo, pipelines: [ipPipeline(geo)] });
    const items = [
      { id: 'a', value: '45.148.10.1' },
      { id: 'b', value: '149.154.167.51' },
    ];
    const v2 = await scorer.scoreBatch('ip', items, 'full');
    assert.equal(v2[0]?.model?.version, 2);
    assert.equal(typeof v2[0]?.score, 'number');
    assert.equal(v2[1]?.verdict, 'benign');
    assert.equal(v2[1]?.score, undefined, 'a known service is answered by the rule, not scored');
    assert.equal(v2[1]?.reasons[0]?.code, 'KNOWN_SERVICE');
    await repo.reload(new Map([['ip', 1]]));
    const v1 = await scorer.scoreBatch('ip', items, 'full');
    assert.equal(v1[0]?.model?.version, 1);
    assert.equal(typeof v1[0]?.score, 'number');
    assert.equal(v1[1]?.reasons[0]?.code, 'KNOWN_SERVICE');
    await repo.reload(new Map([['ip', 0]]));
    assert.equal(repo.serving('ip')?.version, 2);
  });
});
