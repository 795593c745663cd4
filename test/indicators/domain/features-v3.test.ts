/**
 * domain/3 features: the domain/2 columns unchanged in front (v2 keeps its meaning, the v2 verdict
 * floor and reasons read the same positions), then how much of the name is English words.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildDomainAssets, parseDomainAssets, serializeDomainAssets } from '../../../src/indicators/domain/assets';
import { ENGLISH_WORDS, WORD_SEGMENTER } from '../../../src/indicators/domain/english-words';
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
import { buildWordLogOdds, parseWordLogOdds, serializeWordLogOdds } from '../../../src/indicators/domain/word-odds';

const ASSETS = buildDomainAssets(
  ['weather', 'newspaper', 'garden', 'travel'].map((sld) => ({ sld, tld: 'com', malicious: false })),
  undefined,
  { wordOdds: true },
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
  it('is still computed (domain/4 is the newest) and starts with the domain/2 columns, same values', () => {
    assert.notEqual(LATEST_DOMAIN_FEATURES, DOMAIN_FEATURES_3);
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

describe('domain/3 word log-odds', () => {
  // 200 phishing names made of account/verify words, 200 benign names of repair/transmission words, and
  // one word ("butterflies") seen once on each side; "secure" twice, phishing only.
  const rows = [
    ...Array.from({ length: 200 }, (_, i) => ({ sld: `verifyaccount${i}`, tld: 'com', malicious: true })),
    ...Array.from({ length: 200 }, (_, i) => ({ sld: `transmissionrepair${i}`, tld: 'com', malicious: false })),
    { sld: 'butterflies', tld: 'com', malicious: true },
    { sld: 'butterflies', tld: 'com', malicious: false },
    { sld: 'x', tld: 'com', malicious: true, sub: 'secure' },
    { sld: 'y', tld: 'com', malicious: true, sub: 'secure.secure' },
    // Generated names do not count (word_stats: false), however many.
    ...Array.from({ length: 500 }, () => ({ sld: 'repair', tld: 'com', malicious: true, wordStats: false })),
  ];
  const assets = buildDomainAssets(rows, undefined, { wordOdds: true });
  const odds = (w: string) => assets.wordLogOdds![WORD_SEGMENTER.indexOf(w)] as number;

  it('learns which words phishing uses, leaves rare and unseen words near 0, ignores word_stats: false rows', () => {
    assert.ok(odds('verify') > 1.5 && odds('account') > 1.5, `${odds('verify')}`);
    assert.ok(odds('repair') < -1.5 && odds('transmission') < -1.5, `${odds('repair')}`);
    assert.ok(Math.abs(odds('butterflies')) < 0.05, `${odds('butterflies')}`);
    // "secure" on two rows only: a little evidence, shrunk by the prior; each row counts a word once.
    assert.ok(odds('secure') > 0 && odds('secure') < 0.2, `${odds('secure')}`);
    assert.equal(odds('weather'), 0);
    assert.equal(
      buildDomainAssets(rows).wordLogOdds,
      undefined,
      'only when asked (domain/1 and 2 assets stay as they were)',
    );
  });
  it('feeds the odds of the registrable label and of the subdomain to the features', () => {
    const row3 = (name: string) => {
      const p = parseDomain(name);
      assert.ok(p.ok);
      const out = new Float32Array(DOMAIN_FEATURE_COUNT_3);
      domainFeatures3(p.value, assets, out, 0);
      return Object.fromEntries(DOMAIN_FEATURE_NAMES_3.map((n, i) => [n, out[i] as number])) as Record<
        DomainFeatureName3,
        number
      >;
    };
    const bad = row3('secure.verifyaccountnow.com');
    const good = row3('conradsautotransmissionrepair.com');
    assert.ok(bad.sld_word_odds_max > 1.5 && bad.sld_word_odds_sum > 3, `${bad.sld_word_odds_sum}`);
    assert.ok(good.sld_word_odds_min < -1.5 && good.sld_word_odds_sum < -3, `${good.sld_word_odds_sum}`);
    assert.equal(bad.sub_word_odds_max, Math.fround(odds('secure')));
    assert.equal(good.sub_word_odds_max, 0, 'no subdomain');
    const none = row3('12345.com');
    assert.deepEqual([none.sld_word_odds_sum, none.sld_word_odds_max, none.sld_word_odds_min], [0, 0, 0]);
  });
  it('round-trips through assets.json exactly, and refuses assets without them', () => {
    const back = parseDomainAssets(serializeDomainAssets(assets));
    assert.deepEqual(Array.from(back.wordLogOdds!), Array.from(assets.wordLogOdds!));
    const raw = serializeWordLogOdds(ENGLISH_WORDS, assets.wordLogOdds!);
    assert.ok(Object.keys(raw).length < 50, 'only the words seen are stored');
    assert.throws(() => parseWordLogOdds(WORD_SEGMENTER, ENGLISH_WORDS.length, { qqqzzz: 1 }), /not in the word list/);
    const p = parseDomain('example.com');
    assert.ok(p.ok);
    const noWords = buildDomainAssets(rows);
    assert.throws(() => domainFeatures3(p.value, noWords, new Float32Array(DOMAIN_FEATURE_COUNT_3), 0), /wordLogOdds/);
  });
  it('counts a word once per row and shrinks towards the base rate', () => {
    const ids = buildWordLogOdds(WORD_SEGMENTER, ENGLISH_WORDS.length, [
      { texts: ['repairrepairrepair'], malicious: true },
      { texts: ['weather'], malicious: false },
    ]);
    const once = buildWordLogOdds(WORD_SEGMENTER, ENGLISH_WORDS.length, [
      { texts: ['repair'], malicious: true },
      { texts: ['weather'], malicious: false },
    ]);
    const i = WORD_SEGMENTER.indexOf('repair');
    assert.equal(ids[i], once[i]);
    assert.ok((ids[i] as number) > 0 && (ids[i] as number) < 0.1);
  });
});
