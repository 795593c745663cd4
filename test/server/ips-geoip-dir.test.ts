/**
 * The service pointed at a geoipupdate directory (--geoip) instead of the bundled databases, and a
 * database replaced while calls run: answers switch to the new data, no call fails, and a broken
 * replacement keeps the previous set.
 */
import assert from 'node:assert/strict';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PredictIpsResponse } from '../../src/gen/threatpredict/v1/prediction_service';
import { GEO_FIXTURES, testGeoipDir } from '../helpers/geoip-dir';
import { call, startTestServer, type TestServer } from '../helpers/server';

const dir = testGeoipDir();

let t: TestServer;
before(async () => {
  t = await startTestServer(['--geoip', dir]);
});
after(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const predict = (values: string[]) =>
  call<Parameters<typeof t.predictions.predictIps>[0], PredictIpsResponse>((r, cb) => t.predictions.predictIps(r, cb), {
    items: values.map((value, i) => ({ id: String(i), value })),
    view: 0,
  });

describe('PredictIps with a geoipupdate directory', () => {
  it('enriches from the configured MaxMind-format files, and the ip model still loads', async () => {
    assert.equal(
      t.app.repository.serving('ip')?.version,
      2,
      'the golden check does not depend on the configured database (the newest version serves)',
    );
    const [london, telstra] = (await predict(['81.2.69.160', '1.128.0.0/11'])).results;
    assert.equal(london?.ip?.countryCode, 'GB');
    assert.equal(london?.ip?.city, 'London');
    assert.equal(london?.ip?.timeZone, 'Europe/London');
    assert.equal(typeof london?.score, 'number');
    assert.equal(telstra?.ip?.asn, 1221);
    assert.equal(telstra?.ip?.asOrganization, 'Telstra Pty Ltd');
    assert.deepEqual(
      t.app.geo.sources.map((s) => s.path),
      [join(dir, 'GeoLite2-City.mmdb'), join(dir, 'GeoLite2-ASN.mmdb')],
    );
  });

  it('swaps in a replaced database while calls run, without failing any call', async () => {
    let stop = false;
    let calls = 0;
    const cities = new Set<string>();
    const load = (async () => {
      while (!stop) {
        const res = await predict(Array.from({ length: 50 }, () => '81.2.69.160'));
        calls++;
        for (const r of res.results) {
          assert.equal(r.error, undefined);
          cities.add(r.ip?.city ?? '?');
        }
      }
    })();
    // geoipupdate writes the new file beside the old one and renames it over: do the same.
    copyFileSync(join(GEO_FIXTURES, 'GeoLite2-Country-Test.mmdb'), join(dir, 'next.mmdb'));
    copyFileSync(join(dir, 'next.mmdb'), join(dir, 'GeoLite2-City.mmdb'));
    const result = await t.app.geo.reload();
    // Two more calls after the swap (a fixed pause of 50 ms held one call, and none after the swap,
    // when a batch went to a pipeline worker taking its first IPs on a busy machine).
    const swapped = calls;
    for (let waited = 0; calls < swapped + 2 && waited < 10_000; waited += 10)
      await new Promise((r) => setTimeout(r, 10));
    stop = true;
    await load;
    assert.ok(result.ok);
    assert.ok(calls > 1);
    const [r] = (await predict(['81.2.69.160'])).results;
    assert.equal(r?.ip?.countryCode, 'GB', 'the country database answers');
    assert.equal(r?.ip?.city, '', 'and has no cities');
    assert.ok(
      [...cities].every((c) => c === 'London' || c === ''),
      [...cities].join(','),
    );
  });

  it('keeps the previous databases when the replacement is broken', async () => {
    writeFileSync(join(dir, 'GeoLite2-ASN.mmdb'), 'not a database');
    const result = await t.app.geo.reload();
    assert.equal(result.ok, false);
    assert.match(result.error?.message ?? '', /GeoLite2-ASN\.mmdb/);
    const [r] = (await predict(['1.128.0.0'])).results;
    assert.equal(r?.ip?.asn, 1221);
    assert.ok(t.logs.some((l) => l.msg === 'geo database reload failed; the previous databases stay in use'));
  });
});
