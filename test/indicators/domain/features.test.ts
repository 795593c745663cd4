import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildDomainAssets } from '../../../src/indicators/domain/assets';
import {
  charStats,
  DOMAIN_FEATURE_COUNT,
  DOMAIN_FEATURE_NAMES,
  type DomainFeatureName,
  domainFeatures,
} from '../../../src/indicators/domain/features';
import { KEYWORDS } from '../../../src/indicators/domain/lexicon';
import {
  boundedDistance,
  embeddedBrand,
  nearestBrand,
  skeleton,
  tokenBrand,
} from '../../../src/indicators/domain/lookalike';
import { parseDomain } from '../../../src/indicators/domain/parse';
import { createSubstringIndex } from '../../../src/indicators/domain/substrings';

// A tiny benign "training set" so the n-gram and TLD statistics are known here, not taken from a model.
const BENIGN = [
  'weather',
  'newspaper',
  'bookstore',
  'garden',
  'travel',
  'mountain',
  'reading',
  'coffee',
  'kitchen',
  'football',
  'science',
  'history',
  'market',
  'water',
  'planet',
  'music',
  'gardening',
  'marketplace',
  'readers',
];
const ASSETS = buildDomainAssets([
  ...BENIGN.map((sld) => ({ sld, tld: 'com', malicious: false })),
  ...['qx', 'zv', 'kw'].map((sld) => ({ sld, tld: 'ru', malicious: true })),
]);

function features(name: string): Record<DomainFeatureName, number> {
  const p = parseDomain(name);
  assert.ok(p.ok, `${name} should parse`);
  const out = new Float32Array(DOMAIN_FEATURE_COUNT + 2);
  out.fill(-99);
  domainFeatures(p.value, ASSETS, out, 1);
  assert.equal(out[0], -99, 'writes nothing before offset');
  assert.equal(out[DOMAIN_FEATURE_COUNT + 1], -99, 'writes nothing after offset + count');
  return Object.fromEntries(DOMAIN_FEATURE_NAMES.map((n, i) => [n, out[i + 1] as number])) as Record<
    DomainFeatureName,
    number
  >;
}

describe('brand lookalikes', () => {
  const table: { name: string; distance: number; exact: number; mixed: number }[] = [
    { name: 'paypal.com', distance: 0, exact: 1, mixed: 0 },
    { name: 'paypa1.com', distance: 1, exact: 0, mixed: 0 }, // digit swap: skeleton is paypal
    { name: 'pаypal.com', distance: 1, exact: 0, mixed: 1 }, // Cyrillic а
    { name: 'xn--pypal-4ve.com', distance: 1, exact: 0, mixed: 1 }, // the same name in punycode
    { name: 'rnicrosoft.com', distance: 1, exact: 0, mixed: 0 }, // rn reads as m
    { name: 'micros0ftt.com', distance: 1, exact: 0, mixed: 0 },
    { name: 'gardenmarket.com', distance: 3, exact: 0, mixed: 0 }, // no brand near: the "none" value
  ];
  for (const t of table) {
    it(t.name, () => {
      const f = features(t.name);
      assert.equal(f.brand_distance, t.distance);
      assert.equal(f.brand_exact_sld, t.exact);
      assert.equal(f.mixed_script, t.mixed);
    });
  }
  it('skeleton folds homoglyphs, digit swaps, rn and vv', () => {
    assert.equal(skeleton('pаypa1'), 'paypal');
    assert.equal(skeleton('rnicrosoft'), 'microsoft');
    assert.equal(skeleton('vvhatsapp'), 'whatsapp');
    assert.equal(skeleton('g00gle'), 'google');
    assert.equal(skeleton('plain'), 'plain');
  });
  it('skeleton drops hyphens before reading rn and vv, left to right (the ASCII fast path)', () => {
    assert.equal(skeleton('r-nicrosoft'), 'microsoft');
    assert.equal(skeleton('vvvhats'), 'wvhats');
    assert.equal(skeleton('rrnn-0'), 'rmno');
    assert.equal(skeleton('paypa1-login'), 'paypallogin');
    assert.equal(skeleton('p@ypal'), 'paypal');
    // Longer than a label can be: folded the slow way, the same answer.
    assert.equal(skeleton(`${'x'.repeat(70)}1`), `${'x'.repeat(70)}l`);
  });
  it('nearestBrand keeps short brands strict', () => {
    assert.deepEqual(nearestBrand('paypa1'), { brand: 'paypal', distance: 1 });
    assert.deepEqual(nearestBrand('ups'), { brand: 'ups', distance: 0 });
    assert.equal(nearestBrand('upx'), undefined); // 3-letter brands match only exactly
    assert.equal(nearestBrand('weather'), undefined);
  });
  it('boundedDistance counts a transposition as one edit and gives up above the bound', () => {
    assert.equal(boundedDistance('paypla', 'paypal', 2), 1);
    assert.equal(boundedDistance('abc', 'abc', 2), 0);
    assert.equal(boundedDistance('abcdef', 'uvwxyz', 2), 3);
  });
});

describe('brands and keywords in the name', () => {
  it('brand in the subdomain of another registrable domain', () => {
    const f = features('paypal.com.evil.net');
    assert.equal(f.brand_in_subdomain, 1);
    assert.equal(f.brand_exact_sld, 0);
    assert.equal(f.subdomain_depth, 2);
  });
  it('short brand as a whole subdomain token', () => {
    assert.equal(features('ups.tracking-parcel.net').brand_in_subdomain, 1);
    assert.equal(features('groups.example.net').brand_in_subdomain, 0); // "ups" inside a word is not a token
  });
  it('the brand on its own domain is not "in the subdomain"', () => {
    assert.equal(features('www.paypal.com').brand_in_subdomain, 0);
    assert.equal(features('www.paypal.com').www_prefix, 1);
  });
  it('brand embedded in a longer registrable label', () => {
    const f = features('secure-login-paypal.com');
    assert.equal(f.brand_embedded_in_sld, 1);
    assert.equal(f.brand_exact_sld, 0);
    assert.equal(f.keyword_count, 2); // secure, login
    assert.equal(f.keyword_in_sld, 1);
    assert.equal(f.sld_hyphen_count, 2);
  });
  it('keywords anywhere in the name, each counted once', () => {
    assert.equal(features('account-verify.example.com').keyword_count, 2);
    assert.equal(features('account-verify.example.com').keyword_in_sld, 0);
    assert.equal(features('login-login.example.com').keyword_count, 1);
    assert.equal(features('gardenmarket.com').keyword_count, 0);
  });
  it('embeddedBrand and tokenBrand', () => {
    assert.equal(embeddedBrand('my-netflix-billing'), 'netflix');
    assert.equal(embeddedBrand('ups-parcel'), undefined); // under 5 letters: only as a token
    assert.equal(tokenBrand('ups-parcel.delivery'), 'ups');
    assert.equal(tokenBrand('groups.delivery'), undefined);
  });
  it('substring index finds overlapping words and counts distinct ones', () => {
    const idx = createSubstringIndex(['login', 'log', 'gin']);
    assert.equal(idx.count('xloginx'), 3);
    assert.equal(idx.count('loglog'), 1);
    assert.equal(idx.count('none'), 0);
    assert.equal(idx.first('aaginlogin'), 'gin');
    assert.equal(idx.first(''), undefined);
    // A word cut off by the end of the text is not in it.
    assert.equal(idx.count('xlogi'), 1);
    assert.equal(idx.first('xlogi'), 'log');
  });
  it('substring index agrees with includes/indexOf on random texts over the keyword list', () => {
    const words = [...KEYWORDS, 'ab', 'abc', 'abcd'];
    const idx = createSubstringIndex(words);
    let seed = 7;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    for (let n = 0; n < 3000; n++) {
      let text = '';
      while (text.length < 40 * next())
        text +=
          next() < 0.3
            ? (words[Math.floor(next() * words.length)] as string).slice(0, 2 + Math.floor(next() * 8))
            : 'abcdefghijklmnopqrstuvwxyz-.0'[Math.floor(next() * 29)];
      assert.equal(idx.count(text), words.filter((w) => text.includes(w)).length, text);
      let first: string | undefined;
      for (let i = 0; i < text.length && first === undefined; i++) first = words.find((w) => text.startsWith(w, i));
      assert.equal(idx.first(text), first, text);
    }
  });
});

describe('character and n-gram statistics', () => {
  it('entropy is the sum of -p log2 p over distinct characters in order, to the last bit, at every label length', () => {
    let seed = 11;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    for (let length = 1; length <= 70; length++)
      for (let n = 0; n < 20; n++) {
        let label = '';
        // Few distinct characters in some labels, many in others: counts from 1 to the whole length.
        const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-'.slice(0, 1 + Math.floor(next() * 37));
        while (label.length < length) label += alphabet[Math.floor(next() * alphabet.length)];
        const counts = new Map<string, number>();
        for (const ch of label) counts.set(ch, (counts.get(ch) ?? 0) + 1);
        let expected = 0;
        for (const c of counts.values()) {
          const p = c / label.length;
          expected -= p * Math.log2(p);
        }
        assert.equal(charStats(label).entropy, expected, label);
      }
  });
  it('a DGA-like label is improbable under the benign trigram model, a dictionary-like one is not', () => {
    const dga = features('xjwqpzkvtbh.com');
    const dict = features('gardenmarket.com');
    assert.ok(
      dga.sld_ngram_mean_logp < dict.sld_ngram_mean_logp - 1,
      `${dga.sld_ngram_mean_logp} vs ${dict.sld_ngram_mean_logp}`,
    );
    assert.equal(dga.sld_ngram_unseen_ratio, 1);
    assert.ok(dict.sld_ngram_unseen_ratio < 0.3, String(dict.sld_ngram_unseen_ratio));
    assert.ok(dga.sld_max_consonant_run >= 9);
    assert.equal(dict.sld_max_consonant_run, 2);
  });
  it('exact character counts', () => {
    const f = features('a1b22-c333.example.co.uk');
    assert.equal(f.name_length, 24);
    assert.equal(f.label_count, 4);
    assert.equal(f.sld_length, 7);
    assert.equal(f.suffix_length, 5);
    assert.equal(f.subdomain_length, 10);
    assert.equal(f.name_hyphen_count, 1);
    const g = features('ab12cd345.com');
    assert.equal(g.sld_digit_count, 5);
    assert.equal(g.sld_max_digit_run, 3);
    assert.equal(g.sld_class_switches, 3);
    assert.equal(g.hex_like_sld, 1);
    assert.equal(features('zz12cd345.com').hex_like_sld, 0);
    assert.equal(features('aaaa.com').sld_entropy, 0);
    assert.equal(features('abcd.com').sld_entropy, 2);
    assert.equal(features('abcd.com').sld_unique_ratio, 1);
    assert.equal(features('aabb.com').sld_max_repeat_ratio, 0.5);
    assert.equal(features('_srv.example.com').has_underscore, 1);
  });
  it('TLD log-odds from the training rows; unseen TLDs get the default', () => {
    assert.ok(features('qq.ru').tld_log_odds > 0.5);
    assert.ok(features('qq.com').tld_log_odds < 0);
    assert.equal(features('qq.zw').tld_log_odds, 0);
  });
  it('suffix kinds and platforms', () => {
    const gh = features('foo.github.io');
    assert.equal(gh.private_suffix, 1);
    assert.equal(features('shop.weebly.com').shared_platform, 1);
    assert.equal(features('example.com').icann_suffix, 1);
    assert.equal(features('example.com').shared_platform, 0);
  });
});
