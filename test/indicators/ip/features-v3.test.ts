/** ip/3 features: the ip/2 columns unchanged, plus cdn_edge (published CDN front-end ranges). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCdnEdgeLookup } from '../../../src/indicators/ip/cdn-edges';
import { explainIp } from '../../../src/indicators/ip/explain';
import type { Counts, IpFeatureAssets, IpIndicator } from '../../../src/indicators/ip/features';
import { IP_FEATURE_COUNT_V2, IP_FEATURE_NAMES_V2, ipFeaturesV2 } from '../../../src/indicators/ip/features-v2';
import {
  cdnEdgeOf,
  IP_FEATURE_COUNT_V3,
  IP_FEATURE_NAMES_V3,
  IP_FEATURES_V3,
  ipFeaturesV3,
} from '../../../src/indicators/ip/features-v3';
import { parseIp } from '../../../src/indicators/ip/parse';
import { buildIpAssets, parseIpAssets, serializeIpAssets } from '../../../src/indicators/ip/reputation-assets';
import { ipFromContext } from '../../../src/scoring/pipelines/ip';

function indicator(text: string, asn = 16509): IpIndicator {
  const x = ipFromContext(text, { asn, as_organization: 'Amazon.com, Inc.', country_code: 'US' });
  assert.ok(x.ok, text);
  return x.value;
}

const ASSETS: IpFeatureAssets = {
  version: IP_FEATURES_V3,
  totals: [16, 4],
  asn: new Map<number, Counts>([[16509, [6, 1]]]),
  prefix: new Map<string, Counts>([['13.32', [0, 2]]]),
  country: new Map<string, Counts>([['US', [7, 1]]]),
  net24: new Map<string, Counts>([['13.32.1.0/24', [0, 1]]]),
};

function v3(x: IpIndicator): Float32Array {
  const out = new Float32Array(IP_FEATURE_COUNT_V3);
  ipFeaturesV3(x, ASSETS, out, 0);
  return out;
}
const edge = (x: IpIndicator) => v3(x)[IP_FEATURE_NAMES_V3.indexOf('cdn_edge')];

describe('ip/3 feature row', () => {
  it('is the ip/2 row followed by cdn_edge', () => {
    assert.deepEqual(IP_FEATURE_NAMES_V3.slice(0, IP_FEATURE_COUNT_V2), IP_FEATURE_NAMES_V2);
    assert.deepEqual(IP_FEATURE_NAMES_V3.slice(IP_FEATURE_COUNT_V2), ['cdn_edge']);
    const x = indicator('13.32.1.5');
    const two = new Float32Array(IP_FEATURE_COUNT_V2);
    ipFeaturesV2(x, ASSETS, two, 0);
    assert.deepEqual(Array.from(v3(x).subarray(0, IP_FEATURE_COUNT_V2)), Array.from(two));
  });

  it('marks CloudFront, Fastly and Cloudflare edges, and not rented servers of the same networks', () => {
    assert.equal(edge(indicator('13.32.1.5')), 1); // CloudFront 13.32.0.0/15
    assert.equal(cdnEdgeOf(indicator('13.32.1.5')), 'Amazon CloudFront');
    assert.equal(edge(indicator('151.101.1.69', 54113)), 1); // Fastly 151.101.0.0/16
    assert.equal(edge(indicator('104.16.1.1', 13335)), 1); // Cloudflare, from the hosting ranges
    assert.equal(cdnEdgeOf(indicator('104.16.1.1', 13335)), 'Cloudflare');
    assert.equal(edge(indicator('2600:9000:1001::1')), 1); // CloudFront IPv6
    // EC2 (13.208.0.0/16 is Osaka EC2): same AS16509 as CloudFront, not an edge.
    assert.equal(indicator('13.208.1.1').geo.hostingProvider, 'amazon');
    assert.equal(edge(indicator('13.208.1.1')), 0);
    assert.equal(edge(indicator('192.0.2.1', 64500)), 0);
  });

  it('names the CDN in the reasons of an edge address, and keeps the cloud reason for others', () => {
    const x = indicator('13.32.1.5');
    const r = explainIp(x, v3(x)).find((e) => e.code === 'HOSTING_PROVIDER');
    assert.match(r?.message ?? '', /edge ranges of Amazon CloudFront/);
    const ec2 = indicator('13.208.1.1');
    const e = explainIp(ec2, v3(ec2)).find((e) => e.code === 'HOSTING_PROVIDER');
    assert.match(e?.message ?? '', /published amazon cloud ranges/);
  });
});

describe('CDN edge lookup', () => {
  it('finds the operator of a range and nothing outside it', () => {
    const look = createCdnEdgeLookup({
      operators: [{ id: 'x', name: 'Example CDN', ipv4: ['198.51.100.0/25'], ipv6: ['2001:db8::/32'] }],
    });
    const ip = (s: string) => {
      const p = parseIp(s);
      assert.ok(p.ok);
      return p.value;
    };
    assert.equal(look.find(ip('198.51.100.127')), 'Example CDN');
    assert.equal(look.find(ip('198.51.100.128')), undefined);
    assert.equal(look.find(ip('2001:db8:ffff::1')), 'Example CDN');
    assert.equal(look.rangeCount, 2);
  });

  it('refuses overlapping ranges (the answer would depend on list order)', () => {
    assert.throws(() =>
      createCdnEdgeLookup({
        operators: [
          { id: 'a', name: 'A', ipv4: ['198.51.100.0/24'], ipv6: [] },
          { id: 'b', name: 'B', ipv4: ['198.51.100.128/25'], ipv6: [] },
        ],
      }),
    );
  });
});

describe('ip/3 reputation assets', () => {
  const built = buildIpAssets(
    [{ asn: 16509, prefix: '13.32', country: 'US', net24: '13.32.1.0/24', malicious: false }],
    IP_FEATURES_V3,
  );

  it('round-trips with the /24 table and the CDN edge table hash', () => {
    const file = JSON.parse(serializeIpAssets(built));
    assert.match(file.cdn_edges_sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(parseIpAssets(JSON.stringify(file)), built);
  });

  it('refuses assets built with another CDN edge table', () => {
    const file = JSON.parse(serializeIpAssets(built));
    file.cdn_edges_sha256 = '0'.repeat(64);
    assert.throws(() => parseIpAssets(JSON.stringify(file)), /CDN edge ranges/);
  });
});
