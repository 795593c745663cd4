import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createHostingLookup, type HostingRangesData } from '../../../src/indicators/ip/hosting';
import { parseIp } from '../../../src/indicators/ip/parse';

const repo = path.resolve(__dirname, '../../..');
const bytes = (text: string) => {
  const r = parseIp(text);
  if (!r.ok) throw r.error;
  return r.value;
};

describe('hosting lookup over the committed ranges', () => {
  const hosting = createHostingLookup();

  const TABLE: [string, string][] = [
    ['1.178.1.0', 'amazon'], // first address of amazon 1.178.1.0/24
    ['1.178.1.255', 'amazon'],
    ['1.178.0.255', ''], // just before it
    ['13.64.0.1', 'microsoft'],
    ['8.8.8.8', 'google'],
    ['104.16.0.1', 'cloudflare'],
    ['140.82.112.0', 'github'], // GitHub's own 140.82.112.0/20, first and last address
    ['140.82.127.255', 'github'],
    ['140.82.128.0', ''],
    ['38.104.155.92', 'oracle'], // a /31: both addresses, and either neighbour
    ['38.104.155.93', 'oracle'],
    ['38.104.155.91', ''],
    ['38.104.155.94', ''],
    // Listed by both github and microsoft (4.148.0.0/16), or github inside microsoft's 4.146.0.0/15:
    // Azure capacity that GitHub uses, reported as its owner.
    ['4.148.0.1', 'microsoft'],
    ['4.147.189.200', 'microsoft'],
    ['192.168.1.1', ''],
    ['2400:cb00::', 'cloudflare'],
    ['2400:cb00:ffff:ffff:ffff:ffff:ffff:ffff', 'cloudflare'],
    ['2400:cb01::', ''],
    ['2400:caff:ffff:ffff:ffff:ffff:ffff:ffff', ''],
    ['2001:db8::1', ''],
    ['10.0.0.0/8', ''],
    ['52.0.0.0/11', 'amazon'], // a CIDR is looked up by its network address
  ];
  for (const [input, provider] of TABLE) {
    it(`${input} -> ${JSON.stringify(provider)}`, () => {
      assert.equal(hosting.provider(bytes(input)), provider);
    });
  }

  it('holds the flattened range count the build script reported', () => {
    assert.equal(hosting.rangeCount, 2959 + 2074);
  });
});

describe('hosting lookup over given data', () => {
  const data: HostingRangesData = {
    providers: ['a', 'b'],
    ipv4: [
      [0x01020300, 0x010203ff, 1],
      [0x0a000000, 0x0a0000ff, 0],
      [0x0a000100, 0x0a0001ff, 1], // adjacent, other provider
    ],
    ipv6: [['20010db8000000000000000000000000', '20010db8000000000000000000000fff', 0]],
  };
  const hosting = createHostingLookup(data);

  it('finds each range at its edges, and nothing between them', () => {
    assert.equal(hosting.provider(bytes('1.2.3.0')), 'b');
    assert.equal(hosting.provider(bytes('1.2.3.255')), 'b');
    assert.equal(hosting.provider(bytes('1.2.4.0')), '');
    assert.equal(hosting.provider(bytes('10.0.0.255')), 'a');
    assert.equal(hosting.provider(bytes('10.0.1.0')), 'b');
    assert.equal(hosting.provider(bytes('10.0.2.0')), '');
    assert.equal(hosting.provider(bytes('0.0.0.0')), '');
    assert.equal(hosting.provider(bytes('2001:db8::fff')), 'a');
    assert.equal(hosting.provider(bytes('2001:db8::1000')), '');
  });

  it('refuses overlapping ranges and bad provider indexes', () => {
    assert.throws(
      () =>
        createHostingLookup({
          ...data,
          ipv4: [
            [1, 10, 0],
            [5, 20, 1],
          ],
        }),
      /overlaps/,
    );
    assert.throws(() => createHostingLookup({ ...data, ipv4: [[1, 10, 7]] }), /provider index 7/);
    assert.throws(() => createHostingLookup({ ...data, ipv6: [['zz', 'zz', 0]] }), /bad IPv6 key/);
  });
});

describe('scripts/ip/build-hosting-ranges.ts', () => {
  const input = path.resolve(repo, '../shared/data/ips/cloud_provider_ranges.csv');
  it(
    'reproduces the committed data file byte for byte',
    { skip: !existsSync(input) && 'shared/ not beside the repo' },
    () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'hosting-'));
      try {
        const out = path.join(dir, 'hosting-ranges.json');
        execFileSync(process.execPath, ['--import', 'tsx', 'scripts/ip/build-hosting-ranges.ts', input, out], {
          cwd: repo,
        });
        const committed = readFileSync(path.join(repo, 'src/indicators/ip/data/hosting-ranges.json'), 'utf8');
        assert.equal(readFileSync(out, 'utf8'), committed);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
