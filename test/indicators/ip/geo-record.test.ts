import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asnFieldsOf, countryNameOf, geoFieldsOf, zoneAt } from '../../../src/indicators/ip/geo-record';

describe('geo record normalisation', () => {
  it('reads the MaxMind GeoIP2 / DB-IP lite schema', () => {
    const record = {
      city: { names: { en: 'London', de: 'London' } },
      country: { iso_code: 'GB', names: { en: 'United Kingdom', de: 'Vereinigtes Königreich' } },
      location: { latitude: 51.5142, longitude: -0.0931, time_zone: 'Europe/London' },
      registered_country: { iso_code: 'US' },
    };
    assert.deepEqual(geoFieldsOf(record), {
      countryCode: 'GB',
      countryName: 'United Kingdom',
      city: 'London',
      latitude: 51.5142,
      longitude: -0.0931,
      hasLocation: true,
      timeZone: 'Europe/London',
    });
    assert.equal(geoFieldsOf(record, 'de')?.countryName, 'Vereinigtes Königreich');
    assert.equal(geoFieldsOf(record, 'xx')?.countryName, 'United Kingdom', 'falls back to English names');
  });

  it('reads the flat ip-location-db schema and names the country from its code', () => {
    const record = {
      city: 'Mountain View',
      country_code: 'US',
      latitude: 37.422,
      longitude: -122.085,
      postcode: '',
      state1: 'California',
      state2: '',
      timezone: '',
    };
    assert.deepEqual(geoFieldsOf(record), {
      countryCode: 'US',
      countryName: 'United States',
      city: 'Mountain View',
      latitude: 37.422,
      longitude: -122.085,
      hasLocation: true,
      timeZone: 'America/Los_Angeles', // the database has none: taken from the coordinates
    });
    assert.deepEqual(geoFieldsOf({ country_code: 'jp' }), {
      countryCode: 'JP',
      countryName: 'Japan',
      city: '',
      latitude: 0,
      longitude: 0,
      hasLocation: false,
      timeZone: '',
    });
  });

  it('falls back to the registered country, and says nothing for records without place', () => {
    assert.equal(geoFieldsOf({ registered_country: { iso_code: 'DE', names: { en: 'Germany' } } })?.countryCode, 'DE');
    assert.equal(geoFieldsOf({}), undefined);
    assert.equal(geoFieldsOf(null), undefined);
    assert.equal(geoFieldsOf({ autonomous_system_number: 15169 }), undefined);
    // Half a location is no location.
    assert.equal(geoFieldsOf({ country_code: 'FR', latitude: 46 })?.hasLocation, false);
  });

  it('reads ASN records', () => {
    assert.deepEqual(asnFieldsOf({ autonomous_system_number: 15169, autonomous_system_organization: 'Google Inc.' }), {
      asn: 15169,
      asOrganization: 'Google Inc.',
    });
    assert.deepEqual(asnFieldsOf({ autonomous_system_number: 64512 }), { asn: 64512, asOrganization: '' });
    assert.equal(asnFieldsOf({ country_code: 'US' }), undefined);
  });

  it('names countries from ISO codes, and nothing for non-codes', () => {
    assert.deepEqual(
      ['DE', 'KR', 'EU', 'QQ', 'usa', ''].map((c) => countryNameOf(c)),
      ['Germany', 'South Korea', 'European Union', '', '', ''],
    );
    assert.equal(countryNameOf('DE', 'fr'), 'Allemagne');
  });
});

describe('zoneAt', () => {
  const cases: [number, number, string][] = [
    [37.422, -122.085, 'America/Los_Angeles'],
    [48.3459, 10.9161, 'Europe/Berlin'],
    [-27.4767, 153.017, 'Australia/Brisbane'],
    [35.6895, 139.6917, 'Asia/Tokyo'],
    [91, 0, ''],
  ];
  for (const [lat, lon, zone] of cases) {
    it(`${lat},${lon} -> ${zone || "''"}`, () => assert.equal(zoneAt(lat, lon), zone));
  }
  it('a zone the database gives wins over the coordinates', () => {
    const r = {
      location: { latitude: 37.422, longitude: -122.085, time_zone: 'Etc/UTC' },
      country: { iso_code: 'US' },
    };
    assert.equal(geoFieldsOf(r)?.timeZone, 'Etc/UTC');
  });
});
