/**
 * Opens the geo/ASN databases the way the service is configured: the bundled free databases when no
 * directory is set (works with no licence key and no download), else the geoipupdate `DatabaseDirectory`
 * (or a folder of DB-IP lite downloads), watched so that a replaced file is reloaded while calls go on.
 */
import { createGeoLookup, type GeoLookup, type ReloadResult } from './geo';
import { geoIpDirectoryPaths } from './geo-defaults';

export interface GeoLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export async function openConfiguredGeo(directory: string, log?: GeoLog): Promise<GeoLookup> {
  const onReload = (r: ReloadResult) => {
    const sources = r.sources.map((s) => s.path);
    if (r.ok) log?.info({ sources }, 'geo databases reloaded');
    else
      log?.error({ err: r.error?.message, sources }, 'geo database reload failed; the previous databases stay in use');
  };
  if (directory === '') return createGeoLookup({ onReload });
  const paths = geoIpDirectoryPaths(directory);
  if (paths.cityDbPath.length === 0 && paths.asnDbPath.length === 0) {
    throw new Error(
      `no GeoIP database in ${directory} (expected GeoLite2-City.mmdb, GeoLite2-ASN.mmdb, GeoIP2-City.mmdb, ` +
        'GeoIP2-ISP.mmdb or dbip-city-lite-YYYY-MM.mmdb / dbip-asn-lite-YYYY-MM.mmdb)',
    );
  }
  const geo = await createGeoLookup({ ...paths, watch: true, onReload });
  log?.info({ sources: geo.sources.map((s) => s.path) }, 'geo databases opened');
  return geo;
}
