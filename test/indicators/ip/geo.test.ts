import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import ipaddr from 'ipaddr.js';
import { createGeoLookup, type GeoLookup, geoFromShare, type ReloadResult } from '../../../src/indicators/ip/geo';
import { bundledGeoPaths } from '../../../src/indicators/ip/geo-defaults';
import { type IpAddress, parseIp } from '../../../src/indicators/ip/parse';
import type { IpEnrichment } from '../../../src/indicators/types';

const fixtures = path.resolve(__dirname, '../../fixtures/geo');
const CITY = path.join(fixtures, 'GeoIP2-City-Test.mmdb');
const COUNTRY = path.join(fixtures, 'GeoLite2-Country-Test.mmdb');
const ASN = path.join(fixtures, 'GeoLite2-ASN-Test.mmdb');

const ip = (text: string): IpAddress => {
  const r = parseIp(text);
  if (!r.ok) throw r.error;
  return r.value;
};

const EMPTY_GEO = {
  countryCode: '',
  countryName: '',
  city: '',
  latitude: 0,
  longitude: 0,
  hasLocation: false,
  timeZone: '',
};

describe('geo lookup over the MaxMind test databases', () => {
  let geo: GeoLookup;
  before(async () => {
    geo = await createGeoLookup({ cityDbPath: CITY, asnDbPath: ASN });
  });

  it('describes its sources from the .mmdb metadata', () => {
    assert.deepEqual(
      geo.sources.map((s) => [path.basename(s.path), s.role, s.format, s.databaseType, s.ipVersion]),
      [
        ['GeoIP2-City-Test.mmdb', 'city', 'mmdb', 'GeoIP2-City', 6],
        ['GeoLite2-ASN-Test.mmdb', 'asn', 'mmdb', 'GeoLite2-ASN', 6],
      ],
    );
  });

  const TABLE: [string, Partial<IpEnrichment>][] = [
    [
      '81.2.69.160',
      {
        countryCode: 'GB',
        countryName: 'United Kingdom',
        city: 'London',
        latitude: 51.5142,
        longitude: -0.0931,
        hasLocation: true,
        timeZone: 'Europe/London',
        asn: 0,
        asOrganization: '',
      },
    ],
    [
      '2001:218::1',
      {
        version: 6,
        countryCode: 'JP',
        countryName: 'Japan',
        city: '',
        latitude: 35.68536,
        longitude: 139.75309,
        hasLocation: true,
        timeZone: 'Asia/Tokyo',
      },
    ],
    // An IPv4 address answered from the IPv4 part (::/96) of an IPv6 tree.
    ['214.0.0.1', { countryCode: 'SG', city: 'Singapore', timeZone: 'Asia/Singapore' }],
    ['214.0.1.255', { countryCode: 'AU', city: 'Melbourne' }],
    // A location without a country; an empty record.
    [
      '2a02:d500::1',
      { countryCode: '', countryName: '', hasLocation: true, latitude: 48.69096, timeZone: 'Europe/Vaduz' },
    ],
    ['214.1.1.1', EMPTY_GEO],
    // ASN from the ASN database; the IPv4-mapped form is the same host.
    ['1.0.0.1', { asn: 15169, asOrganization: 'Google Inc.', countryCode: '' }],
    ['::ffff:1.0.0.200', { version: 4, address: '1.0.0.200', asn: 15169, asOrganization: 'Google Inc.' }],
    ['1.128.0.0/11', { address: '1.128.0.0', prefixLength: 11, asn: 1221, asOrganization: 'Telstra Pty Ltd' }],
    // Not globally routable: no database is asked, so nothing is attached.
    ['10.0.0.1', { range: 'private', globallyRoutable: false, asn: 0, ...EMPTY_GEO }],
    ['2001:db8::1', { range: 'documentation', globallyRoutable: false, asn: 0, ...EMPTY_GEO }],
  ];
  for (const [input, expected] of TABLE) {
    it(`${input}`, () => {
      const result = geo.lookup(ip(input));
      const picked = Object.fromEntries(Object.keys(expected).map((k) => [k, result[k as keyof IpEnrichment]]));
      assert.deepEqual(picked, expected);
    });
  }

  it('returns every IpEnrichment field', () => {
    assert.deepEqual(Object.keys(geo.lookup(ip('81.2.69.160'))).sort(), [
      'address',
      'asOrganization',
      'asn',
      'city',
      'countryCode',
      'countryName',
      'globallyRoutable',
      'hasLocation',
      'hostingProvider',
      'latitude',
      'longitude',
      'prefixLength',
      'range',
      'timeZone',
      'version',
    ]);
  });

  it('agrees with every record of the ASN test database source', () => {
    const source = JSON.parse(readFileSync(path.join(fixtures, 'GeoLite2-ASN-Test.source.json'), 'utf8')) as Record<
      string,
      { autonomous_system_number: number; autonomous_system_organization: string }
    >[];
    const networks = source.map((entry) => {
      const [cidr = '', record] = Object.entries(entry)[0] ?? [];
      return { cidr, range: ipaddr.parseCIDR(cidr), record };
    });
    let checked = 0;
    for (const { cidr, range } of networks) {
      const address = ip(range[0].toString());
      if (!address.globallyRoutable) continue;
      const probe = ipaddr.parse(address.address);
      // The most specific network of the source holding the address is the one the database answers with.
      const expected = networks
        .filter((n) => n.range[0].kind() === probe.kind() && probe.match(n.range))
        .sort((a, b) => b.range[1] - a.range[1])[0]?.record;
      const got = geo.lookup(address);
      assert.deepEqual(
        [got.asn, got.asOrganization],
        [expected?.autonomous_system_number, expected?.autonomous_system_organization ?? ''],
        cidr,
      );
      checked++;
    }
    assert.ok(checked > 600, `only ${checked} routable networks checked`);
  });

  it('uses the language asked for when the database has it', async () => {
    const german = await createGeoLookup({ cityDbPath: CITY, asnDbPath: [], language: 'de' });
    assert.equal(german.lookup(ip('81.2.69.160')).countryName, 'Vereinigtes Königreich');
  });

  it('tries databases in order and falls through to the next one', async () => {
    // The Country test database has no 214.0.0.0 entry, so the City one answers it.
    const chained = await createGeoLookup({ cityDbPath: [COUNTRY, CITY], asnDbPath: [], hosting: null });
    assert.equal(chained.lookup(ip('214.0.0.1')).city, 'Singapore');
    assert.equal(chained.lookup(ip('2001:218::1')).countryCode, 'JP');
  });

  it('rejects at creation with the path when a database cannot be opened', async () => {
    await assert.rejects(
      createGeoLookup({ cityDbPath: path.join(fixtures, 'missing.mmdb'), asnDbPath: [] }),
      /cannot open city database .*missing\.mmdb: ENOENT/,
    );
    await assert.rejects(
      createGeoLookup({ cityDbPath: [], asnDbPath: path.join(fixtures, 'README.md') }),
      /cannot open asn database .*README\.md/,
    );
    await assert.rejects(
      createGeoLookup({ cityDbPath: path.join(fixtures, 'asn-ipv4.csv'), asnDbPath: [] }),
      /only ASN data can be read from CSV/,
    );
  });

  it('reads ip-location-db ASN CSV files', async () => {
    const csv = await createGeoLookup({
      cityDbPath: [],
      asnDbPath: [path.join(fixtures, 'asn-ipv4.csv'), path.join(fixtures, 'asn-ipv6.csv')],
    });
    assert.deepEqual(
      csv.sources.map((s) => [s.format, s.ipVersion]),
      [
        ['csv', 4],
        ['csv', 6],
      ],
    );
    assert.equal(csv.lookup(ip('8.8.8.8')).asOrganization, 'Plain Org');
    assert.equal(csv.lookup(ip('2a00:1450::1')).asn, 64502);
    assert.equal(csv.lookup(ip('9.9.9.9')).asn, 0);
  });

  it('shares a CSV table as shared memory only: no record is copied into the threads it is posted to', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'geo-csv-share-'));
    try {
      const csvPath = path.join(dir, 'asn-ipv4.csv');
      writeFileSync(
        csvPath,
        `${readFileSync(path.join(fixtures, 'asn-ipv4.csv'), 'utf8')}9.9.9.0,9.9.9.255,4294967295,"Société Générale — 日本"\n`,
      );
      const csv = await createGeoLookup({ cityDbPath: [], asnDbPath: csvPath, hosting: null });
      const share = csv.share();
      assert.ok(share !== undefined);
      // Everything a worker gets by structured clone: typed arrays must be views of shared memory,
      // and no array may hold values (a record each, copied into every worker).
      const outside: string[] = [];
      const walk = (x: unknown, at: string): void => {
        if (ArrayBuffer.isView(x)) {
          if (!(x.buffer instanceof SharedArrayBuffer)) outside.push(`${at} (not shared)`);
        } else if (Array.isArray(x)) {
          if (x.length > 0) outside.push(`${at} (${x.length} values)`);
        } else if (typeof x === 'object' && x !== null) {
          for (const [k, v] of Object.entries(x)) walk(v, `${at}.${k}`);
        }
      };
      for (const [i, s] of share.sources.entries()) walk(s, `sources[${i}]`);
      assert.deepEqual(outside, []);
      const there = geoFromShare(structuredClone(share));
      for (const a of ['1.0.0.1', '1.0.5.5', '8.8.8.8', '9.9.9.9', '214.95.0.1', '215.1.0.1', '7.7.7.7']) {
        assert.deepEqual(there.lookup(ip(a)), csv.lookup(ip(a)), a);
      }
      assert.deepEqual(
        [csv.lookup(ip('9.9.9.9')).asn, csv.lookup(ip('9.9.9.9')).asOrganization],
        [4294967295, 'Société Générale — 日本'],
      );
      assert.equal(csv.lookup(ip('1.0.5.5')).asOrganization, 'LLC "QUOTED"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('geo reload', () => {
  let dir: string;
  let city: string;
  let asn: string;
  const events: ReloadResult[] = [];
  let swaps = 0;
  let geo: GeoLookup;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'geo-reload-'));
    city = path.join(dir, 'GeoLite2-City.mmdb');
    asn = path.join(dir, 'GeoLite2-ASN.mmdb');
    copyFileSync(CITY, city);
    copyFileSync(ASN, asn);
    geo = await createGeoLookup({ cityDbPath: city, asnDbPath: asn, hosting: null, onReload: (r) => events.push(r) });
    geo.onReload(() => swaps++);
  });
  after(() => {
    geo.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps answering from the old databases while the new ones open, then swaps', async () => {
    assert.equal(geo.lookup(ip('1.0.0.1')).asn, 15169);
    // The City database has no ASN data: after the swap the same address has no AS number.
    copyFileSync(CITY, asn);
    const reloading = geo.reload();
    assert.equal(geo.lookup(ip('1.0.0.1')).asn, 15169, 'old set still answers during the reload');
    const result = await reloading;
    assert.equal(result.ok, true);
    assert.equal(geo.lookup(ip('1.0.0.1')).asn, 0);
    assert.equal(geo.lookup(ip('81.2.69.160')).city, 'London');
    assert.equal(events.at(-1), result);
    assert.equal(swaps, 1, 'subscribers hear of the swap');
  });

  it('keeps the whole old set when any new database fails, and reports why', async () => {
    copyFileSync(ASN, asn);
    assert.equal((await geo.reload()).ok, true);
    copyFileSync(COUNTRY, city); // a valid change...
    writeFileSync(asn, 'not a maxmind database'); // ...and a broken one: neither may be taken
    const before = swaps;
    const result = await geo.reload();
    assert.equal(result.ok, false);
    assert.equal(swaps, before, 'a failed reload swaps nothing, so subscribers are not told');
    assert.match(result.error?.message ?? '', /cannot open asn database .*GeoLite2-ASN\.mmdb/);
    assert.deepEqual(
      result.sources.map((s) => s.databaseType),
      ['GeoIP2-City', 'GeoLite2-ASN'],
    );
    assert.equal(geo.lookup(ip('81.2.69.160')).city, 'London', 'city still from the old City database');
    assert.equal(geo.lookup(ip('1.0.0.1')).asn, 15169, 'ASN still from the old database');
    assert.equal(events.at(-1), result);
  });

  it('coalesces concurrent reloads into one', async () => {
    copyFileSync(ASN, asn);
    const [a, b] = [geo.reload(), geo.reload()];
    assert.equal(a, b);
    assert.equal((await a).ok, true);
  });
});

describe('geo watch', () => {
  it('reloads after a database file is replaced the way geoipupdate does it (write, then rename)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'geo-watch-'));
    const asn = path.join(dir, 'GeoLite2-ASN.mmdb');
    copyFileSync(ASN, asn);
    let reloaded: (r: ReloadResult) => void = () => {};
    const next = new Promise<ReloadResult>((resolve) => {
      reloaded = resolve;
    });
    const geo = await createGeoLookup({
      cityDbPath: [],
      asnDbPath: asn,
      watch: true,
      watchIntervalMs: 20,
      watchSettleMs: 20,
      onReload: (r) => reloaded(r),
    });
    try {
      assert.equal(geo.lookup(ip('1.0.0.1')).asn, 15169);
      copyFileSync(CITY, `${asn}.tmp`);
      renameSync(`${asn}.tmp`, asn);
      // The watcher is unref'd (a server keeps the process alive); this timer keeps the test alive.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no reload within 5 s')), 5_000);
      });
      const result = await Promise.race([next, timeout]).finally(() => clearTimeout(timer));
      assert.equal(result.ok, true);
      assert.equal(geo.lookup(ip('1.0.0.1')).asn, 0);
    } finally {
      geo.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bundled default databases (no licence key, no download)', () => {
  let geo: GeoLookup;
  before(async () => {
    geo = await createGeoLookup();
  });

  it('enriches a real address from DB-IP city, ip-location-db ASN and the hosting ranges', () => {
    const google = geo.lookup(ip('8.8.8.8'));
    assert.deepEqual(
      [
        google.countryCode,
        google.countryName,
        google.asn,
        google.asOrganization,
        google.hostingProvider,
        google.hasLocation,
      ],
      ['US', 'United States', 15169, 'Google LLC', 'google', true],
    );
    const v6 = geo.lookup(ip('2001:4860:4860::8888'));
    assert.deepEqual([v6.asn, v6.countryCode !== ''], [15169, true]);
  });

  it('never asks an IPv4-only database about an IPv6 address', async () => {
    // Asked anyway, maxmind would walk 32 bits of 2001:4860:: and answer for 32.1.72.96.
    const v4only = await createGeoLookup({
      cityDbPath: bundledGeoPaths().cityDbPath.slice(0, 1),
      asnDbPath: [],
      hosting: null,
    });
    assert.equal(v4only.sources[0]?.ipVersion, 4);
    assert.equal(v4only.lookup(ip('2001:4860:4860::8888')).countryCode, '');
    assert.equal(v4only.lookup(ip('32.1.72.96')).countryCode, 'US');
  });
});
