/**
 * Turns one .mmdb record into the fields IpEnrichment needs, whatever schema the database uses:
 * - MaxMind GeoIP2/GeoLite2 City and Country, and DB-IP's own *-lite.mmdb (same schema):
 *   `country.iso_code`, `country.names.en`, `city.names.en`, `location.{latitude,longitude,time_zone}`;
 * - ip-location-db city/country mmdbs (flat): `country_code`, `city`, `latitude`, `longitude`, `timezone`;
 * - ASN data (GeoLite2-ASN, GeoIP2-ISP, ip-location-db asn): `autonomous_system_number`,
 *   `autonomous_system_organization`.
 */

export interface GeoFields {
  countryCode: string;
  countryName: string;
  city: string;
  latitude: number;
  longitude: number;
  hasLocation: boolean;
  timeZone: string;
}

export interface AsnFields {
  asn: number;
  asOrganization: string;
}

import tzLookup from '@photostructure/tz-lookup';

type Obj = Readonly<Record<string, unknown>>;

const obj = (v: unknown): Obj | undefined => (typeof v === 'object' && v !== null ? (v as Obj) : undefined);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function localName(place: Obj | undefined, language: string): string {
  const names = obj(place?.names);
  return str(names?.[language]) || str(names?.en);
}

// Intl.DisplayNames.of costs ~2 microseconds, as much as the rest of a lookup: memoise (at most ~250 codes).
const countryNames = new Map<string, string>();

/** English (or `language`) country name from an ISO code, for databases that store only the code. */
export function countryNameOf(code: string, language = 'en'): string {
  const key = `${language}:${code}`;
  let name = countryNames.get(key);
  if (name === undefined) {
    name = '';
    if (/^[A-Z]{2}$/.test(code)) {
      try {
        name = new Intl.DisplayNames([language, 'en'], { type: 'region', fallback: 'none' }).of(code) ?? '';
      } catch {
        // an unknown language tag: leave the name empty rather than fail the lookup
      }
    }
    if (countryNames.size < 10_000) countryNames.set(key, name);
  }
  return name;
}

/**
 * The IANA time zone at a point, for databases that give coordinates but no zone (DB-IP City Lite has
 * none). tz-lookup is a ~0.3 us polygon lookup, accurate away from borders; '' for impossible coordinates.
 */
export function zoneAt(latitude: number, longitude: number): string {
  try {
    return tzLookup(latitude, longitude);
  } catch {
    return '';
  }
}

/** Geo fields of a record, or undefined when it says nothing about place (e.g. an ASN record). */
export function geoFieldsOf(record: unknown, language = 'en'): GeoFields | undefined {
  const r = obj(record);
  if (!r) return undefined;
  // The physical country first; a database that only knows the registrant's country still beats nothing.
  const country = obj(r.country) ?? obj(r.registered_country);
  const location = obj(r.location);
  const countryCode = (str(country?.iso_code) || str(r.country_code)).toUpperCase();
  const city = localName(obj(r.city), language) || str(r.city);
  const latitude = num(location?.latitude) ?? num(r.latitude);
  const longitude = num(location?.longitude) ?? num(r.longitude);
  if (!countryCode && !city && latitude === undefined) return undefined;
  const hasLocation = latitude !== undefined && longitude !== undefined;
  return {
    countryCode,
    countryName: localName(country, language) || countryNameOf(countryCode, language),
    city,
    latitude: hasLocation ? latitude : 0,
    longitude: hasLocation ? longitude : 0,
    hasLocation,
    timeZone: str(location?.time_zone) || str(r.timezone) || (hasLocation ? zoneAt(latitude, longitude) : ''),
  };
}

/** ASN fields of a record, or undefined when it has no AS number. */
export function asnFieldsOf(record: unknown): AsnFields | undefined {
  const r = obj(record);
  const asn = num(r?.autonomous_system_number);
  if (asn === undefined) return undefined;
  return { asn, asOrganization: str(r?.autonomous_system_organization) };
}
