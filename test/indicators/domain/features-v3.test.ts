/**
 * domain/3 features: the domain/2 columns unchanged in front (v2 keeps its meaning, the v2 verdict
 * floor and reasons read the same positions), then how much of the name is English words.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildDomainAssets } from '../../../src/indicators/domain/assets';
import {
  DOMAIN_FEATURES_3,
  domainFeatureSet,
  LATEST_DOMAIN_FEATURES,
} from '../../../src/indicators/domain/feature-sets';
import {
  DOMAIN_FEATURE_COUNT_2,
  DOMAIN_FEATURE_NAMES_2,
  domainFeatures2,
} from '../../../src/indicators/domain/features-v2';
import {
  DOMAIN_FEATURE_COUNT_3,
  DOMAIN_FEATURE_NAMES_3,
  type DomainFeatureName3,
  domainFeatures3,
} from '../../../src/indicators/domain/features-v3';
import { parseDomain } from '../../../src/indicators/domain/parse';

const ASSETS = buildDomainAssets(
  ['weather', 'newspaper', 'garden', 'travel'].map((sld) => ({ sld, tld: 'com', malicious: false })),
);

function row(name: string): Float32Array {
  const p = parseDomain(name);
  assert.ok(p.ok, `${name} should parse`);
  const out = new Float32Array(DOMAIN_FEATURE_COUNT_3 + 2).fill(-99);
  domainFeatures3(p.value, ASSETS, out, 1);
  assert.equal(out[0], -99, 'writes nothing before offset');
  assert.equal(out[DOMAIN_FEATURE_COUNT_3 + 1], -99, 'writes nothing after offset + count');
  return out.subarray(1, DOMAIN_FEATURE_COUNT_3 + 1);
}
function features(name: string): Record<DomainFeatureName3, number> {
  const r = row(name);
  return Object.fromEntries(DOMAIN_FEATURE_NAMES_3.map((n, i) => [n, r[i] as number])) as Record<
    DomainFeatureName3,
    number
  >;
}

describe('domain/3 features', () => {
  it('is the newest features version and starts with the domain/2 columns, same values', () => {
    assert.equal(LATEST_DOMAIN_FEATURES, DOMAIN_FEATURES_3);
    assert.equal(domainFeatureSet('domain/3'), DOMAIN_FEATURES_3);
    assert.deepEqual(DOMAIN_FEATURE_NAMES_3.slice(0, DOMAIN_FEATURE_COUNT_2), [...DOMAIN_FEATURE_NAMES_2]);
    for (const name of ['btrfs.wiki.kernel.org', 'paypa1-login.com', 'xjwqpzkvt.ru', 'a.b.weebly.com']) {
      const p = parseDomain(name);
      assert.ok(p.ok);
      const v2 = new Float32Array(DOMAIN_FEATURE_COUNT_2);
      domainFeatures2(p.value, ASSETS, v2, 0);
      assert.deepEqual(Array.from(row(name).subarray(0, DOMAIN_FEATURE_COUNT_2)), Array.from(v2), name);
    }
  });
  it('sees long benign names of the issue as words, and generated names as noise', () => {
    for (const name of ['themetaphysiciansofbutterflies.com', 'californiacontractorbonds.com']) {
      const f = features(name);
      assert.equal(f.sld_word_coverage, 1, name);
      assert.equal(f.sld_uncovered_letters, 0, name);
      assert.ok(f.sld_word_count >= 3 && f.sld_word_count <= 5, `${name}: ${f.sld_word_count} words`);
      assert.ok(f.sld_longest_word >= 10, name);
    }
    const dga = features('xjwqpzkvtbhrmd.ru');
    assert.ok(dga.sld_word_coverage < 0.3, `${dga.sld_word_coverage}`);
    assert.ok(dga.sld_uncovered_letters >= 10);
  });
  it('marks a label without letters (-1) apart from letters outside words (0), for the subdomain too', () => {
    const digits = features('www.12345.com');
    assert.equal(digits.sld_word_coverage, -1);
    assert.equal(digits.sld_word_count, 0);
    assert.equal(digits.sub_word_coverage, 1, 'www is a word');
    assert.equal(features('12345.com').sub_word_coverage, -1, 'no subdomain');
    assert.equal(features('qzx.xjwqpzkvt.com').sub_word_coverage, 0);
  });
});
