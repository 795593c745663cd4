/**
 * A geoipupdate `DatabaseDirectory` for a server started with `--geoip`: MaxMind's test City and ASN
 * databases under the names geoipupdate writes, in a temporary folder a test may replace files in.
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const GEO_FIXTURES = join(__dirname, '../fixtures/geo');

export function testGeoipDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'geoip-'));
  copyFileSync(join(GEO_FIXTURES, 'GeoIP2-City-Test.mmdb'), join(dir, 'GeoLite2-City.mmdb'));
  copyFileSync(join(GEO_FIXTURES, 'GeoLite2-ASN-Test.mmdb'), join(dir, 'GeoLite2-ASN.mmdb'));
  return dir;
}
