/** ip/2 features: the ip/1 columns unchanged, plus the /24 (IPv6 /48) reputation, out-of-fold for training rows. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainIp } from '../../../src/indicators/ip/explain';
import {
  type Counts,
  IP_FEATURE_COUNT,
  IP_FEATURE_NAMES,
  type IpFeatureAssets,
  type IpIndicator,
  ipFeatures,
} from '../../../src/indicators/ip/features';
import {
  IP_FEATURE_COUNT_V2,
  IP_FEATURE_NAMES_V2,
  IP_FEATURES_V2,
  ipFeaturesV2,
} from '../../../src/indicators/ip/features-v2';
import { buildIpAssets, parseIpAssets, serializeIpAssets } from '../../../src/indicators/ip/reputation-assets';
import { ipFromContext } from '../../../src/scoring/pipelines/ip';

function indicator(text: string, asn = 64500): IpIndicator {
  const x = ipFromContext(text, { asn, as_organization: 'Example Hosting', country_code: 'NL' });
  assert.ok(x.ok, text);
  return x.value;
}

// 16 malicious and 4 benign training addresses: a benign one weighs 4 in the log-odds.
const ASSETS: IpFeatureAssets = {
  version: IP_FEATURES_V2,
  totals: [16, 4],
  asn: new Map<number, Counts>([[64500, [6, 1]]]),
  prefix: new Map<string, Counts>([['52.95', [2, 0]]]),
  country: new Map<string, Counts>([['NL', [7, 1]]]),
  net24: new Map<string, Counts>([
    ['52.95.110.0/24', [5, 0]],
    ['52.95.111.0/24', [0, 2]],
    ['20010db80001/48', [1, 0]],
  ]),
};

function row(x: IpIndicator, assets = ASSETS, own?: Parameters<typeof ipFeaturesV2>[4]): Record<string, number> {
  const out = new Float32Array(IP_FEATURE_COUNT_V2);
  ipFeaturesV2(x, assets, out, 0, own);
  return Object.fromEntries(IP_FEATURE_NAMES_V2.map((n, i) => [n, out[i] as number]));
}

describe('ip/2 feature row', () => {
  it('is the ip/1 row followed by three /24 columns', () => {
    assert.deepEqual(IP_FEATURE_NAMES_V2.slice(0, IP_FEATURE_COUNT), IP_FEATURE_NAMES);
    assert.equal(IP_FEATURE_COUNT_V2, IP_FEATURE_COUNT + 3);
    const x = indicator('52.95.110.7');
    const v1 = new Float32Array(IP_FEATURE_COUNT);
    ipFeatures(x, ASSETS, v1, 0);
    const v2 = new Float32Array(IP_FEATURE_COUNT_V2);
    ipFeaturesV2(x, ASSETS, v2, 0);
    assert.deepEqual(Array.from(v2.subarray(0, IP_FEATURE_COUNT)), Array.from(v1));
  });

  it('counts the /24 of the address, weighing benign by the class balance', () => {
    const bad = row(indicator('52.95.110.7'));
    assert.equal(bad.net24_malicious_log1p, Math.fround(Math.log1p(5)));
    assert.equal(bad.net24_benign_log1p, 0);
    assert.equal(bad.net24_log_odds, Math.fround(Math.log(6)));
    const good = row(indicator('52.95.111.9'));
    assert.equal(good.net24_log_odds, Math.fround(Math.log(1 / (2 * 4 + 1))));
    // Same /16 and ASN, another /24: the /24 columns know nothing, the /16 columns still do.
    const other = row(indicator('52.95.112.1'));
    assert.deepEqual([other.net24_malicious_log1p, other.net24_benign_log1p, other.net24_log_odds], [0, 0, 0]);
    assert.equal(other.prefix_malicious_log1p, Math.fround(Math.log1p(2)));
  });

  it('keys IPv6 by its /48', () => {
    assert.equal(row(indicator('2001:db8:1:ffff::1')).net24_malicious_log1p, Math.fround(Math.log1p(1)));
    assert.equal(row(indicator('2001:db8:2::1')).net24_malicious_log1p, 0);
  });

  it("subtracts a training row's own fold from every count (out-of-fold), never below zero", () => {
    const own = { asn: [1, 0], prefix: [1, 0], country: [1, 0], net24: [2, 0] } as const;
    const r = row(indicator('52.95.110.7'), ASSETS, own);
    assert.equal(r.net24_malicious_log1p, Math.fround(Math.log1p(3)));
    assert.equal(r.asn_malicious_log1p, Math.fround(Math.log1p(5)));
    const over = row(indicator('52.95.110.7'), ASSETS, { ...own, net24: [9, 9] });
    assert.deepEqual([over.net24_malicious_log1p, over.net24_benign_log1p], [0, 0]);
  });

  it('refuses assets without /24 counts (ip/1 assets)', () => {
    const { net24: _, ...v1 } = ASSETS;
    assert.throws(() => row(indicator('52.95.110.7'), { ...v1, version: 'ip/1' }), /\/24 counts/);
  });

  it('explains a /24 full of listed addresses with its counts', () => {
    const out = new Float32Array(IP_FEATURE_COUNT_V2);
    const x = indicator('52.95.110.7');
    ipFeaturesV2(x, ASSETS, out, 0);
    const r = explainIp(x, out).find((e) => e.code === 'PREFIX_REPUTATION_BAD' && e.message.includes('/24'));
    assert.equal(r?.message, '52.95.110.0/24 held 5 malicious and 0 benign training addresses');
  });
});

describe('ip/2 reputation assets', () => {
  const built = buildIpAssets(
    [
      { asn: 64500, prefix: '52.95', country: 'NL', net24: '52.95.110.0/24', malicious: true },
      { asn: 64500, prefix: '52.95', country: 'NL', net24: '52.95.110.0/24', malicious: false },
    ],
    IP_FEATURES_V2,
  );

  it('counts per /24 and round-trips through assets.json with its features version', () => {
    assert.deepEqual([...(built.net24 ?? [])], [['52.95.110.0/24', [1, 1]]]);
    const parsed = parseIpAssets(serializeIpAssets(built));
    assert.equal(parsed.version, IP_FEATURES_V2);
    assert.deepEqual(parsed, built);
  });

  it('refuses ip/2 assets without the /24 table, and keeps ip/1 assets without one', () => {
    const file = JSON.parse(serializeIpAssets(built));
    delete file.net24;
    assert.throws(() => parseIpAssets(JSON.stringify(file)), /net24 missing/);
    const v1 = parseIpAssets(JSON.stringify({ ...file, features_version: 'ip/1' }));
    assert.equal(v1.net24, undefined);
  });
});
