import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainIp } from '../../../src/indicators/ip/explain';
import {
  asOrgAccessWords,
  asOrgHostingWords,
  type Counts,
  IP_FEATURE_COUNT,
  IP_FEATURE_NAMES,
  type IpFeatureAssets,
  type IpIndicator,
  ipFeatures,
  prefixKey,
  splitKey,
} from '../../../src/indicators/ip/features';
import { parseIp } from '../../../src/indicators/ip/parse';
import { buildIpAssets, parseIpAssets, serializeIpAssets } from '../../../src/indicators/ip/reputation-assets';
import type { IpEnrichment } from '../../../src/indicators/types';

function indicator(text: string, geo: Partial<IpEnrichment> = {}): IpIndicator {
  const r = parseIp(text);
  if (!r.ok) throw new Error(r.error.message);
  const ip = r.value;
  return {
    ip,
    geo: {
      version: ip.version,
      address: ip.address,
      prefixLength: ip.prefixLength,
      range: ip.range,
      globallyRoutable: ip.globallyRoutable,
      asn: 0,
      asOrganization: '',
      countryCode: '',
      countryName: '',
      city: '',
      latitude: 0,
      longitude: 0,
      hasLocation: false,
      timeZone: '',
      hostingProvider: '',
      ...geo,
    },
  };
}

function row(x: IpIndicator, assets: IpFeatureAssets, own?: Parameters<typeof ipFeatures>[4]): Record<string, number> {
  const out = new Float32Array(IP_FEATURE_COUNT);
  ipFeatures(x, assets, out, 0, own);
  return Object.fromEntries(IP_FEATURE_NAMES.map((n, i) => [n, out[i] as number]));
}

const f32 = Math.fround;

// 16 malicious and 4 benign in training: a benign address weighs 4.
const ASSETS: IpFeatureAssets = {
  version: 'ip/1',
  totals: [16, 4],
  asn: new Map<number, Counts>([
    [64500, [6, 1]],
    [64501, [0, 3]],
  ]),
  prefix: new Map<string, Counts>([['52.95', [2, 0]]]),
  country: new Map<string, Counts>([['NL', [7, 1]]]),
};

describe('network keys', () => {
  const cases: [string, string, string][] = [
    ['52.95.110.1', '52.95', '52.95.110.0/24'],
    ['10.1.2.3', '10.1', '10.1.2.0/24'],
    ['::ffff:8.8.4.4', '8.8', '8.8.4.0/24'],
    ['2001:db8:abcd:12::1', '20010db8', '20010db8abcd/48'],
    ['2a03:2880::/29', '2a032880', '2a0328800000/48'],
  ];
  for (const [text, prefix, split] of cases) {
    it(`${text} -> ${prefix}, ${split}`, () => {
      const x = indicator(text);
      assert.equal(prefixKey(x.ip), prefix);
      assert.equal(splitKey(x.ip), split);
    });
  }
});

describe('AS organisation words', () => {
  const cases: [string, boolean, boolean][] = [
    ['Hetzner Online GmbH', false, false],
    ['DigitalOcean, LLC', false, false],
    ['OVH Hosting Inc', true, false],
    ['Contabo Cloud', true, false],
    ['M247 Europe SRL Data Center', true, false],
    ['Claro NXT Telecomunicacoes Ltda', false, true],
    ['Deutsche Telekom AG', false, true],
    ['Comcast Cable Communications, LLC', false, true],
    ['T-Mobile USA, Inc.', false, true],
    ['Google LLC', false, false],
    ['Hostinger International Limited', false, false], // a word, not a fragment: "Hostinger" is a brand the ASN counts learn
  ];
  for (const [org, hosting, access] of cases) {
    it(`"${org}": hosting ${hosting}, access ${access}`, () => {
      assert.equal(asOrgHostingWords(org), hosting);
      assert.equal(asOrgAccessWords(org), access);
    });
  }
});

describe('ipFeatures', () => {
  it('has one name per column and a fixed width', () => {
    assert.equal(IP_FEATURE_NAMES.length, IP_FEATURE_COUNT);
    assert.equal(new Set(IP_FEATURE_NAMES).size, IP_FEATURE_COUNT);
    assert.equal(IP_FEATURE_COUNT, 21);
  });

  it('reads ASN, prefix and country counts with benign weighed by the class balance', () => {
    const x = indicator('52.95.110.1', {
      asn: 64500,
      asOrganization: 'Example Hosting',
      countryCode: 'NL',
      hostingProvider: 'amazon',
    });
    const r = row(x, ASSETS);
    assert.equal(r.asn_known, 1);
    assert.equal(r.asn_malicious_log1p, f32(Math.log1p(6)));
    assert.equal(r.asn_benign_log1p, f32(Math.log1p(1)));
    assert.equal(r.asn_log_odds, f32(Math.log(7 / 5)));
    assert.equal(r.prefix_malicious_log1p, f32(Math.log1p(2)));
    assert.equal(r.prefix_benign_log1p, 0);
    assert.equal(r.prefix_log_odds, f32(Math.log(3)));
    assert.equal(r.country_known, 1);
    assert.equal(r.country_log_odds, f32(Math.log(8 / 5)));
    assert.equal(r.hosting_listed, 1);
    assert.equal(r.hosting_amazon, 1);
    assert.equal(r.hosting_google, 0);
    assert.equal(r.as_org_hosting_words, 1);
    assert.equal(r.as_org_access_words, 0);
    assert.equal(r.special_routable_range, 0);
  });

  it('gives zeros, not invented values, for what the databases do not know', () => {
    const r = row(indicator('1.2.3.4'), ASSETS);
    for (const name of IP_FEATURE_NAMES) assert.equal(r[name], 0, name);
  });

  it('subtracts a training row its own /24, never below zero', () => {
    const x = indicator('52.95.110.1', { asn: 64500, countryCode: 'NL' });
    const r = row(x, ASSETS, { asn: [6, 0], prefix: [5, 0], country: [1, 1] });
    assert.equal(r.asn_malicious_log1p, 0);
    assert.equal(r.asn_benign_log1p, f32(Math.log1p(1)));
    assert.equal(r.asn_log_odds, f32(Math.log(1 / 5)));
    assert.equal(r.prefix_malicious_log1p, 0, 'clamped at 0');
    assert.equal(r.country_log_odds, f32(Math.log(7 / 1)));
  });

  it('marks routable special ranges (6to4, Teredo) and only those', () => {
    assert.equal(row(indicator('2002:c000:204::1'), ASSETS).special_routable_range, 1);
    assert.equal(row(indicator('2001:0:4136:e378:8000:63bf:3fff:fdd2'), ASSETS).special_routable_range, 1);
    assert.equal(row(indicator('2a00:1450::1'), ASSETS).special_routable_range, 0);
  });

  it('does not read the IP version, the prefix length or the observation time', () => {
    const base = row(indicator('2a00:1450::1', { asn: 64501 }), ASSETS);
    const net = row(indicator('2a00:1450::/32', { asn: 64501 }), ASSETS);
    const timed = indicator('2a00:1450::1', { asn: 64501 });
    timed.observedAt = new Date('2026-01-01T03:00:00Z');
    assert.deepEqual(net, base);
    assert.deepEqual(row(timed, ASSETS), base);
  });

  it('writes at the offset and nowhere else', () => {
    const out = new Float32Array(IP_FEATURE_COUNT * 3).fill(-1);
    ipFeatures(indicator('52.95.110.1', { asn: 64500 }), ASSETS, out, IP_FEATURE_COUNT);
    assert.ok(out.subarray(0, IP_FEATURE_COUNT).every((v) => v === -1));
    assert.ok(out.subarray(2 * IP_FEATURE_COUNT).every((v) => v === -1));
    assert.equal(out[IP_FEATURE_COUNT], 1);
  });
});

describe('reputation assets', () => {
  const built = buildIpAssets([
    { asn: 64500, prefix: '52.95', country: 'NL', malicious: true },
    { asn: 64500, prefix: '52.95', country: 'NL', malicious: false },
    { asn: 0, prefix: '52.96', country: '', malicious: true },
  ]);

  it('counts per key, skipping unknown ASN and country', () => {
    assert.deepEqual(built.totals, [2, 1]);
    assert.deepEqual([...built.asn], [[64500, [1, 1]]]);
    assert.deepEqual(
      [...built.prefix],
      [
        ['52.95', [1, 1]],
        ['52.96', [1, 0]],
      ],
    );
    assert.deepEqual([...built.country], [['NL', [1, 1]]]);
  });

  it('round-trips through assets.json', () => {
    assert.deepEqual(parseIpAssets(serializeIpAssets(built)), built);
  });

  it('refuses assets of another features version, other hosting ranges, or malformed counts', () => {
    const good = JSON.parse(serializeIpAssets(built));
    const bad = (patch: object) => JSON.stringify({ ...good, ...patch });
    assert.throws(() => parseIpAssets(bad({ features_version: 'ip/0' })), /features ip\/0/);
    assert.throws(() => parseIpAssets(bad({ hosting_ranges_sha256: '0'.repeat(64) })), /other hosting ranges/);
    assert.throws(() => parseIpAssets(bad({ asn: { 1: [1] } })), /asn\["1"\]/);
    assert.throws(() => parseIpAssets(bad({ country: { NL: [-1, 0] } })), /country\["NL"\]/);
  });
});

describe('explainIp', () => {
  const codes = (x: IpIndicator) => {
    const out = new Float32Array(IP_FEATURE_COUNT);
    ipFeatures(x, ASSETS, out, 0);
    return explainIp(x, out).map((r) => r.code);
  };

  it('names a bad ASN and prefix with their counts', () => {
    const x = indicator('52.95.110.1', { asn: 64500, asOrganization: 'Example Hosting', hostingProvider: 'amazon' });
    const out = new Float32Array(IP_FEATURE_COUNT);
    ipFeatures(x, { ...ASSETS, asn: new Map([[64500, [9, 0]]]) }, out, 0);
    const reasons = explainIp(x, out);
    assert.deepEqual(
      reasons.map((r) => r.code),
      ['ASN_REPUTATION_BAD', 'PREFIX_REPUTATION_BAD', 'HOSTING_PROVIDER'],
    );
    assert.equal(
      reasons[0]?.message,
      'AS64500 (Example Hosting) held 9 malicious and 0 benign addresses in the training data',
    );
    assert.equal(reasons[1]?.message, '52.95.0.0/16 held 2 malicious and 0 benign training addresses');
    assert.ok((reasons[0]?.weight ?? 0) > 2);
  });

  it('names a good ASN, an unseen one, an unknown one and the network kind', () => {
    assert.deepEqual(codes(indicator('9.9.9.9', { asn: 64501, asOrganization: 'Deutsche Telekom AG' })), [
      'ASN_REPUTATION_GOOD',
      'ACCESS_NETWORK',
    ]);
    assert.deepEqual(codes(indicator('9.9.9.9', { asn: 64999, asOrganization: 'Some Cloud' })), [
      'ASN_UNSEEN',
      'HOSTING_NETWORK',
    ]);
    assert.deepEqual(codes(indicator('2002:c000:204::1')), ['ASN_UNKNOWN', 'SPECIAL_RANGE']);
  });
});
