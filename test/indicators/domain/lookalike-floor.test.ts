/**
 * The lookalike verdict floor of domain/2+ versions (lookalike-floor.ts): typosquats and look-alike
 * characters are still raised to suspicious; real projects named like a brand, from the half of
 * MetaMask's legitimate crypto list the rule was chosen on (models/domain/README.md, "Lookalike
 * floor"), are left to the model: labels made of dictionary words, two edits of a 9-letter brand.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildDomainAssets } from '../../../src/indicators/domain/assets';
import { DOMAIN_SUBJECT, explainDomain2 } from '../../../src/indicators/domain/explain-v2';
import {
  DOMAIN_FEATURE_COUNT_2,
  DOMAIN_FEATURE_NAMES_2,
  domainFeatures2,
} from '../../../src/indicators/domain/features-v2';
import { madeOfWords } from '../../../src/indicators/domain/lookalike-floor';
import { parseDomain } from '../../../src/indicators/domain/parse';
import type { Reason } from '../../../src/indicators/types';
import { domainVerdictFloor2 } from '../../../src/scoring/pipelines/domain';

const ASSETS = buildDomainAssets([{ sld: 'garden', tld: 'com', malicious: false }]);
const LOOKALIKE = DOMAIN_FEATURE_NAMES_2.indexOf('brand_lookalike');

/** The floor of `name` and the lookalike kind its features carry. */
function floorOf(name: string) {
  const p = parseDomain(name);
  assert.ok(p.ok, `${name} should parse`);
  const row = new Float32Array(DOMAIN_FEATURE_COUNT_2);
  domainFeatures2(p.value, ASSETS, row, 0);
  return { floor: domainVerdictFloor2(row, p.value), kind: row[LOOKALIKE] };
}

describe('lookalike floor', () => {
  const raised: [string, number][] = [
    ['paypa1.com', 1], // digit swap
    ['rnetamask.io', 1], // rn for m
    ['meta-mask.com', 1], // a hyphen in the brand
    ['g00gle.com', 1],
    ['metamsk.io', 2], // a letter dropped: garbles a word
    ['trezcr.com', 2],
    ['myetherwalet.com', 2],
    ['xn--unswap-xk8b.com', 2], // unỉswap: a Latin letter with a diacritic
    ['steamcomnnunity.eu', 3], // two edits of a 14-letter brand
  ];
  for (const [name, kind] of raised) {
    it(`raises ${name} (lookalike kind ${kind})`, () => {
      assert.deepEqual(floorOf(name), { floor: 'suspicious', kind });
    });
  }

  it('raises a label that mixes scripts, whatever the brand', () => {
    assert.equal(floorOf('xn--pypal-4ve.com').floor, 'suspicious'); // pаypal, Cyrillic а
  });

  // Legitimate crypto sites of the choose half (whitelist/fuzzylist of eth-phishing-detect 1.2.0).
  const left: [string, number][] = [
    ['metamusk.io', 2], // meta + musk
    ['metacask.com', 2],
    ['metamash.io', 2],
    ['openseas.com', 2],
    ['eitherscan.com', 2], // either + scan
    ['ethercat.org', 3], // two edits of etherscan (9 letters)
    ['etherwan.com', 3],
    ['everscan.io', 3],
  ];
  for (const [name, kind] of left) {
    it(`leaves ${name} to the model (lookalike kind ${kind})`, () => {
      assert.deepEqual(floorOf(name), { floor: undefined, kind });
    });
  }

  it('leaves brands themselves and names that imitate none to the model', () => {
    assert.equal(floorOf('metamask.io').floor, undefined);
    assert.equal(floorOf('garden-tools.com').floor, undefined);
  });
});

describe('the BRAND_LOOKALIKE reason', () => {
  function message(name: string): string | undefined {
    const p = parseDomain(name);
    assert.ok(p.ok);
    const row = new Float32Array(DOMAIN_FEATURE_COUNT_2);
    domainFeatures2(p.value, ASSETS, row, 0);
    return explainDomain2(p.value, row, false, undefined, DOMAIN_SUBJECT, [] as Reason[]).find(
      (r) => r.code === 'BRAND_LOOKALIKE',
    )?.message;
  }

  it('says a raised name imitates the brand', () => {
    assert.equal(message('metamsk.io'), '"metamsk" imitates the brand "metamask" (one edit)');
  });

  it('names the brand an internationalised label imitates under a subdomain too', () => {
    // pаypal with a Cyrillic а: the reason must read the registrable label, not the first one (www, login)
    assert.match(message('xn--pypal-4ve.com') ?? '', /"paypal"/);
    assert.match(message('login.xn--pypal-4ve.com') ?? '', /"paypal"/);
  });

  it('says why the floor left a lookalike to the model', () => {
    assert.equal(
      message('metamusk.io'),
      '"metamusk" is one edit from the brand "metamask", but made of dictionary words: not raised on that alone',
    );
    assert.equal(
      message('ethercat.org'),
      '"ethercat" is two edits from the brand "etherscan", but two edits of a brand under 10 letters: not raised on that alone',
    );
  });
});

describe('madeOfWords', () => {
  const cases: [string, boolean][] = [
    ['metamusk', true],
    ['meta-musk', true],
    ['openseas', true],
    ['goggle', true],
    ['metamsk', false], // msk is no word
    ['metamas', false], // mas: 3-letter words are mostly fragments
    ['open5e', false],
    ['paypa1', false],
    ['xn--unswap-xk8b', false],
    ['meta--mask', false],
    ['', false],
  ];
  for (const [label, expected] of cases) {
    it(`${JSON.stringify(label)} -> ${expected}`, () => assert.equal(madeOfWords(label), expected));
  }
});
