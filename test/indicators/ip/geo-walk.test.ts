import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Reader, type Response } from 'maxmind';
import { bundledGeoPaths } from '../../../src/indicators/ip/geo-defaults';
import { asnFieldsOf, geoFieldsOf } from '../../../src/indicators/ip/geo-record';
import { recordOf, sourceFromData } from '../../../src/indicators/ip/geo-sources';
import { parseIp } from '../../../src/indicators/ip/parse';

const fixtures = path.resolve(__dirname, '../../fixtures/geo');
const DATABASES = [
  path.join(fixtures, 'GeoIP2-City-Test.mmdb'),
  path.join(fixtures, 'GeoLite2-Country-Test.mmdb'),
  path.join(fixtures, 'GeoLite2-ASN-Test.mmdb'),
  ...bundledGeoPaths().cityDbPath.filter((p) => p.endsWith('.mmdb')),
];

let seed = 7;
const rnd = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed;
};

/** Random addresses, and addresses near the fixtures' networks (which are few and small). */
function addresses(ipVersion: number): string[] {
  const out: string[] = [];
  const near = [
    '1.128.0.',
    '2.125.160.',
    '81.2.69.',
    '89.160.20.',
    '175.16.199.',
    '216.160.83.',
    '214.78.120.',
    '12.81.92.',
  ];
  for (let i = 0; i < 4000; i++) {
    const r = rnd();
    out.push(
      i % 2 === 0
        ? `${near[i % near.length]}${r & 255}`
        : `${r >>> 24}.${(r >>> 16) & 255}.${(r >>> 8) & 255}.${r & 255}`,
    );
    if (ipVersion === 6) {
      const g = () => (rnd() & 0xffff).toString(16);
      out.push(
        i % 3 === 0
          ? `2a02:cf40:${g()}::${g()}`
          : i % 3 === 1
            ? `2001:48${g().slice(0, 2)}:${g()}::${g()}`
            : `${(0x2000 + (rnd() & 0x1fff)).toString(16)}:${g()}:${g()}:${g()}::${g()}`,
      );
    }
  }
  return out;
}

describe('the tree walk from parsed bytes (recordOf)', () => {
  for (const file of DATABASES) {
    it(`finds what Reader.get finds for the address text: ${path.basename(file)}`, () => {
      const db = readFileSync(file);
      const reader = new Reader<Response>(db);
      const get = recordOf(reader, db);
      let found = 0;
      let checked = 0;
      for (const text of addresses(reader.metadata.ipVersion)) {
        const p = parseIp(text);
        if (!p.ok) continue;
        checked++;
        const want = reader.get(p.value.address);
        if (want !== null) found++;
        assert.deepEqual(get(p.value), want, text);
      }
      assert.ok(checked >= 4000, `checked ${checked}`);
      assert.ok(found > 0, `no address of ${file} found anything`);
    });
  }
});

describe("a source's fields, cached by record (sourceFromData)", () => {
  for (const file of DATABASES) {
    const role = file.includes('ASN') ? 'asn' : 'city';
    it(`are the fields of what Reader.get finds, again and again: ${path.basename(file)}`, () => {
      const db = readFileSync(file);
      const reader = new Reader<Response>(db);
      // A small cache, so that its generations turn over many times within the addresses.
      const source = sourceFromData({ path: file, role, format: 'mmdb', bytes: db }, 64, 'de');
      const list = addresses(6);
      let found = 0;
      // Twice: the second time most records' fields come from the cache.
      for (const text of [...list, ...list]) {
        const p = parseIp(text);
        if (!p.ok) continue;
        // An IPv4-only tree is never asked about an IPv6 address.
        const record = reader.metadata.ipVersion === 4 && p.value.version === 6 ? null : reader.get(p.value.address);
        const want = role === 'asn' ? asnFieldsOf(record) : geoFieldsOf(record, 'de');
        if (want !== undefined) found++;
        assert.deepEqual(source.fields(p.value), want, text);
      }
      assert.ok(found > 0, `no address of ${file} had fields`);
    });
  }
});
