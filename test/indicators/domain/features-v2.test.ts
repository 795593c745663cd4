/**
 * domain/2 features: the precise lookalike rule (issue 12's false matches), crypto brands and words,
 * dynamic DNS, and names whose length or depth alone must not show up as a lookalike or keyword.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildDomainAssets } from '../../../src/indicators/domain/assets';
import { createBrandMatcher } from '../../../src/indicators/domain/brand-match';
import { DOMAIN_FEATURES_1, DOMAIN_FEATURES_2, domainFeatureSet } from '../../../src/indicators/domain/feature-sets';
import {
  BRAND_MATCHER_2,
  cryptoWordCount,
  DOMAIN_FEATURE_COUNT_2,
  DOMAIN_FEATURE_NAMES_2,
  type DomainFeatureName2,
  domainFeatures2,
  isDynamicDns,
} from '../../../src/indicators/domain/features-v2';
import { parseDomain } from '../../../src/indicators/domain/parse';

const ASSETS = buildDomainAssets(
  ['weather', 'newspaper', 'garden', 'travel', 'coffee', 'kitchen', 'market'].map((sld) => ({
    sld,
    tld: 'com',
    malicious: false,
  })),
);

function features(name: string): Record<DomainFeatureName2, number> {
  const p = parseDomain(name);
  assert.ok(p.ok, `${name} should parse`);
  const out = new Float32Array(DOMAIN_FEATURE_COUNT_2 + 2).fill(-99);
  domainFeatures2(p.value, ASSETS, out, 1);
  assert.equal(out[0], -99, 'writes nothing before offset');
  assert.equal(out[DOMAIN_FEATURE_COUNT_2 + 1], -99, 'writes nothing after offset + count');
  return Object.fromEntries(DOMAIN_FEATURE_NAMES_2.map((n, i) => [n, out[i + 1] as number])) as Record<
    DomainFeatureName2,
    number
  >;
}

describe('precise lookalikes (domain/2)', () => {
  it('no longer matches ordinary words and short fragments (issue 12)', () => {
    for (const label of ['email', 'hmail', 'intu', 'apply', 'ample', 'visas', 'chasse', 'steams', 'office1']) {
      assert.equal(BRAND_MATCHER_2.lookalike(label), undefined, label);
    }
    assert.equal(features('email.com').brand_lookalike, 4);
    assert.equal(features('hmail.sg').brand_lookalike, 4);
    assert.equal(features('intu.co.uk').brand_lookalike, 4);
  });
  it('still catches homoglyphs, digit swaps and typos of long brands', () => {
    assert.deepEqual(BRAND_MATCHER_2.lookalike('gmai1'), { brand: 'gmail', kind: 1 });
    assert.deepEqual(BRAND_MATCHER_2.lookalike('paypa1'), { brand: 'paypal', kind: 1 });
    assert.deepEqual(BRAND_MATCHER_2.lookalike('rnicrosoft'), { brand: 'microsoft', kind: 1 });
    assert.deepEqual(BRAND_MATCHER_2.lookalike('paypall'), { brand: 'paypal', kind: 2 });
    assert.deepEqual(BRAND_MATCHER_2.lookalike('metamsk'), { brand: 'metamask', kind: 2 });
    assert.deepEqual(BRAND_MATCHER_2.lookalike('coinbsae'), { brand: 'coinbase', kind: 2 });
    assert.deepEqual(BRAND_MATCHER_2.lookalike('unisvvap'), { brand: 'uniswap', kind: 1 });
    assert.deepEqual(BRAND_MATCHER_2.lookalike('paypal'), { brand: 'paypal', kind: 0 });
    assert.equal(features('paypal.com').brand_exact_sld, 1);
    assert.equal(features('paypa1.com').brand_lookalike, 1);
  });
  it('names a brand inside a label only at a token edge, and a common-word brand only as a whole token', () => {
    const m = createBrandMatcher(['paypal', 'apple', 'ups'], ['apple']);
    assert.equal(m.named('paypal-login'), 'paypal');
    assert.equal(m.named('securepaypal'), 'paypal');
    assert.equal(m.named('apple-id'), 'apple');
    assert.equal(m.named('pineapples'), undefined);
    assert.equal(m.named('ups-tracking'), 'ups');
    assert.equal(m.named('groups'), undefined);
    assert.equal(m.named('xpaypalx'), undefined);
  });
});

describe('crypto and C2 signals (domain/2)', () => {
  it('knows the crypto brands and words that domain/1 missed', () => {
    assert.equal(features('trezor-suite-start.com').crypto_brand_in_name, 1);
    assert.equal(features('ledger-live-sync.net').crypto_brand_in_name, 1);
    assert.equal(features('app.uniswap-claim.org').crypto_brand_in_name, 1);
    assert.equal(features('uniswap.org').crypto_brand_in_name, 0, 'the brand on its own domain');
    assert.equal(cryptoWordCount('eth-airdrop-giveaway.xyz'), 3);
    assert.equal(cryptoWordCount('method.com'), 0, 'short words only as whole tokens');
    assert.equal(features('claim-token-rewards.io').crypto_word_count, 4);
  });
  it('flags dynamic-DNS and tunnel hosts, and service words in the registrable label', () => {
    const dyn = (n: string) => {
      const p = parseDomain(n);
      assert.ok(p.ok);
      return isDynamicDns(p.value);
    };
    assert.ok(dyn('office365.duckdns.org'));
    assert.ok(dyn('a-b-c.trycloudflare.com'));
    assert.ok(dyn('x.y.afraid.org'));
    assert.ok(!dyn('duckdns.org'));
    assert.ok(!dyn('www.example.org'));
    assert.equal(features('x1.ddns.net').dynamic_dns, 1);
    assert.equal(features('cdn-update-check.com').tech_word_in_sld, 3);
    assert.equal(features('cdn.example.com').tech_word_in_sld, 0);
  });
});

describe('no length or depth features of the whole name (domain/2)', () => {
  it('has no whole-name length or label count, and depth is the subdomain depth', () => {
    for (const gone of ['name_length', 'label_count', 'subdomain_length'])
      assert.ok(!(DOMAIN_FEATURE_NAMES_2 as readonly string[]).includes(gone), gone);
    const a = features('btrfs.wiki.kernel.org');
    assert.equal(a.subdomain_depth, 2);
    assert.equal(a.brand_lookalike, 4);
    assert.equal(a.keyword_count, 0);
    const b = features('themetaphysiciansofbutterflies.com');
    assert.equal(b.brand_in_sld, 0);
    assert.equal(b.sld_length, 30);
  });
  it('machine-made subdomain labels are measured by their digits', () => {
    assert.ok(features('e1234.a.akamaiedge.net').sub_digit_ratio > 0.3);
    assert.equal(features('docs.example.com').sub_digit_ratio, 0);
  });
});

describe('feature sets by version', () => {
  it('keeps domain/1 computable beside domain/2, by name', () => {
    assert.equal(domainFeatureSet('domain/1'), DOMAIN_FEATURES_1);
    assert.equal(domainFeatureSet('domain/2'), DOMAIN_FEATURES_2);
    assert.throws(() => domainFeatureSet('domain/9'), /unknown domain features version/);
    assert.equal(DOMAIN_FEATURES_1.names.length, 37);
  });
});
