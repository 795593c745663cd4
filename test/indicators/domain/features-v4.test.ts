/**
 * domain/4 features: the domain/2 columns unchanged in front, then what the registrable label is made
 * of (ordinary words, lure words, noise), from word lists only: no table learned from labelled names.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildDomainAssets } from '../../../src/indicators/domain/assets';
import {
  DOMAIN_FEATURES_4,
  domainFeatureSet,
  LATEST_DOMAIN_FEATURES,
} from '../../../src/indicators/domain/feature-sets';
import {
  DOMAIN_FEATURE_COUNT_2,
  DOMAIN_FEATURE_NAMES_2,
  domainFeatures2,
} from '../../../src/indicators/domain/features-v2';
import {
  DOMAIN_FEATURE_COUNT_4,
  DOMAIN_FEATURE_NAMES_4,
  type DomainFeatureName4,
  domainFeatures4,
  LURE_WORDS,
} from '../../../src/indicators/domain/features-v4';
import { parseDomain } from '../../../src/indicators/domain/parse';

// Assets without word log-odds: domain/4 needs none (its words come from the lists, not from training).
const ASSETS = buildDomainAssets(
  ['weather', 'newspaper', 'garden', 'travel'].map((sld) => ({ sld, tld: 'com', malicious: false })),
);

function row(name: string): Float32Array {
  const p = parseDomain(name);
  assert.ok(p.ok, `${name} should parse`);
  const out = new Float32Array(DOMAIN_FEATURE_COUNT_4 + 2).fill(-99);
  domainFeatures4(p.value, ASSETS, out, 1);
  assert.equal(out[0], -99, 'writes nothing before offset');
  assert.equal(out[DOMAIN_FEATURE_COUNT_4 + 1], -99, 'writes nothing after offset + count');
  return out.subarray(1, DOMAIN_FEATURE_COUNT_4 + 1);
}
function features(name: string): Record<DomainFeatureName4, number> {
  const r = row(name);
  return Object.fromEntries(DOMAIN_FEATURE_NAMES_4.map((n, i) => [n, r[i] as number])) as Record<
    DomainFeatureName4,
    number
  >;
}

describe('domain/4 features', () => {
  it('is the newest features version and starts with the domain/2 columns, same values', () => {
    assert.equal(LATEST_DOMAIN_FEATURES, DOMAIN_FEATURES_4);
    assert.equal(domainFeatureSet('domain/4'), DOMAIN_FEATURES_4);
    assert.equal(DOMAIN_FEATURES_4.wordOdds, undefined, 'no word log-odds in its assets');
    assert.deepEqual(DOMAIN_FEATURE_NAMES_4.slice(0, DOMAIN_FEATURE_COUNT_2), [...DOMAIN_FEATURE_NAMES_2]);
    for (const name of ['btrfs.wiki.kernel.org', 'paypa1-login.com', 'xjwqpzkvt.ru', 'a.b.weebly.com']) {
      const p = parseDomain(name);
      assert.ok(p.ok);
      const v2 = new Float32Array(DOMAIN_FEATURE_COUNT_2);
      domainFeatures2(p.value, ASSETS, v2, 0);
      assert.deepEqual(Array.from(row(name).subarray(0, DOMAIN_FEATURE_COUNT_2)), Array.from(v2), name);
    }
  });
  it('reads the long benign names of the issue as ordinary words only', () => {
    for (const name of ['themetaphysiciansofbutterflies.com', 'californiacontractorbonds.com']) {
      const f = features(name);
      assert.equal(f.sld_word_coverage, 1, name);
      assert.equal(f.sld_plain_word_share, 1, name);
      assert.equal(f.sld_lure_word_count, 0, name);
      assert.ok(f.sld_word_count >= 3 && f.sld_word_count <= 5, `${name}: ${f.sld_word_count} words`);
    }
  });
  it('reads phishing lures as lure words, a brand as one word rather than its pieces', () => {
    const lure = features('secureaccountverifylogin.com');
    assert.equal(lure.sld_word_coverage, 1);
    assert.equal(lure.sld_lure_word_count, 4);
    assert.equal(lure.sld_plain_word_share, 0);
    const brand = features('paypal-login-secure.xyz');
    assert.equal(brand.sld_word_count, 3, 'paypal, login, secure (not pay + pal)');
    assert.equal(brand.sld_lure_word_count, 3);
    const crypto = features('metamaskwalletclaim.io');
    assert.equal(crypto.sld_lure_word_count, 3);
    // Mixed: "claim" is a lure, "your" and "prize" are not; 5 of 14 letters are lure letters.
    const mixed = features('claimyourprize.com');
    assert.equal(mixed.sld_lure_word_count, 1);
    assert.ok(Math.abs(mixed.sld_plain_word_share - 9 / 14) < 1e-6, `${mixed.sld_plain_word_share}`);
    assert.ok(LURE_WORDS.includes('trezor') && LURE_WORDS.includes('airdrop') && LURE_WORDS.includes('verify'));
  });
  it('reads generated names as noise, and marks a label without letters (-1)', () => {
    const dga = features('xjwqpzkvtbhrmd.ru');
    assert.ok(dga.sld_word_coverage < 0.3, `${dga.sld_word_coverage}`);
    assert.ok(dga.sld_plain_word_share < 0.3);
    assert.ok(dga.sld_uncovered_letters >= 10);
    const digits = features('www.12345.com');
    assert.deepEqual([digits.sld_word_coverage, digits.sld_plain_word_share, digits.sld_word_count], [-1, -1, 0]);
    assert.equal(digits.sub_word_coverage, 1, 'www is a word');
    assert.equal(features('12345.com').sub_word_coverage, -1, 'no subdomain');
  });
});
