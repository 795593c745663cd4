/**
 * domain/5 features: the domain/4 columns unchanged in front (v3 and v4 keep their inputs), then the
 * counts of crypto project names and giveaway words that domain/4's lists do not know.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildDomainAssets } from '../../../src/indicators/domain/assets';
import { DOMAIN_FEATURES_5, domainFeatureSet } from '../../../src/indicators/domain/feature-sets';
import {
  DOMAIN_FEATURE_COUNT_4,
  DOMAIN_FEATURE_NAMES_4,
  domainFeatures4,
} from '../../../src/indicators/domain/features-v4';
import {
  CRYPTO_PROJECTS,
  createWordCounter,
  DOMAIN_FEATURE_COUNT_5,
  DOMAIN_FEATURE_NAMES_5,
  domainFeatures5,
  GIVEAWAY_WORDS,
} from '../../../src/indicators/domain/features-v5';
import { parseDomain } from '../../../src/indicators/domain/parse';
import { pipelineForFeatures } from '../../../src/scoring/pipeline';
import { domainPipeline } from '../../../src/scoring/pipelines/domain';

const ASSETS = buildDomainAssets(
  ['weather', 'newspaper', 'garden', 'travel'].map((sld) => ({ sld, tld: 'com', malicious: false })),
);

function row(name: string): Float32Array {
  const p = parseDomain(name);
  assert.ok(p.ok, `${name} should parse`);
  const out = new Float32Array(DOMAIN_FEATURE_COUNT_5 + 2).fill(-99);
  domainFeatures5(p.value, ASSETS, out, 1);
  assert.equal(out[0], -99, 'writes nothing before offset');
  assert.equal(out[DOMAIN_FEATURE_COUNT_5 + 1], -99, 'writes nothing after offset + count');
  return out.subarray(1, DOMAIN_FEATURE_COUNT_5 + 1);
}
const project = (name: string) => row(name)[DOMAIN_FEATURE_NAMES_5.indexOf('crypto_project_count')];
const giveaway = (name: string) => row(name)[DOMAIN_FEATURE_NAMES_5.indexOf('giveaway_word_count')];

describe('domain/5 features', () => {
  it('starts with the domain/4 columns, same values, and serves through the domain pipeline', () => {
    assert.equal(domainFeatureSet('domain/5'), DOMAIN_FEATURES_5);
    assert.deepEqual(DOMAIN_FEATURE_NAMES_5.slice(0, DOMAIN_FEATURE_COUNT_4), [...DOMAIN_FEATURE_NAMES_4]);
    assert.equal(DOMAIN_FEATURE_COUNT_5, DOMAIN_FEATURE_COUNT_4 + 2);
    for (const name of ['btrfs.wiki.kernel.org', 'idex-market.com', 'elonmusk-giveaway.net', 'a.b.weebly.com']) {
      const p = parseDomain(name);
      assert.ok(p.ok);
      const v4 = new Float32Array(DOMAIN_FEATURE_COUNT_4);
      domainFeatures4(p.value, ASSETS, v4, 0);
      assert.deepEqual(Array.from(row(name).subarray(0, DOMAIN_FEATURE_COUNT_4)), Array.from(v4), name);
    }
    assert.equal(pipelineForFeatures(domainPipeline, 'domain/5')?.featuresVersion, 'domain/5');
    assert.equal(pipelineForFeatures(domainPipeline, 'domain/4')?.featuresVersion, 'domain/4');
  });

  it('counts crypto projects the domain/4 lists do not know, but not on the project own site', () => {
    assert.equal(project('idex-market.com'), 1);
    assert.equal(project('hitbtc-polkastarter.io'), 2);
    assert.equal(project('xrp-drop.org'), 1);
    assert.equal(project('xrpa.com'), 0, 'short names only as whole tokens');
    assert.equal(project('idex.market'), 0, 'the project itself');
    assert.equal(project('beta.hitbtc.com'), 0, 'the project itself, a subdomain');
    assert.equal(project('hitbtc.com-wallet.info'), 1);
    assert.equal(project('myetherwallet.com'), 0, 'not a list word: the real wallet');
    assert.equal(project('weather.com'), 0);
  });

  it('counts giveaway words: long ones anywhere, short ones as whole tokens', () => {
    assert.equal(giveaway('elonmusk-giveaway.net'), 1, 'elonmusk; giveaway is a domain/4 crypto word');
    assert.equal(giveaway('tesla-eth-gift.com'), 2);
    assert.equal(giveaway('musk2.top'), 1, 'a digit ends a token');
    assert.equal(giveaway('muskrat.com'), 0);
    assert.equal(giveaway('btrfs.wiki.kernel.org'), 0);
  });

  it('word counter: 5+ letters distinct anywhere, shorter each time as a token', () => {
    const count = createWordCounter(['stellar', 'xrp']);
    assert.equal(count('stellarstellar.xrp.xrp-x.com'), 3);
    assert.equal(count('interstellarx.com'), 1);
    assert.ok(CRYPTO_PROJECTS.length >= 20 && GIVEAWAY_WORDS.includes('musk'));
  });
});
