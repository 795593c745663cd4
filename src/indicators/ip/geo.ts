/**
 * Geo/ASN/hosting enrichment of a parsed IP: `createGeoLookup(options)` opens the databases once and
 * returns `lookup(ip)` (synchronous, a few microseconds) plus `reload()`.
 *
 * Databases: any MaxMind-format .mmdb (GeoLite2/GeoIP2 City, Country, ASN, ISP; DB-IP lite downloads;
 * ip-location-db mmdbs), and for ASN also ip-location-db CSV tables. Each role takes a list tried in
 * order, so split IPv4/IPv6 files work and a commercial database can sit in front of a free one. Leaving a
 * path option out means the bundled free databases (geo-defaults.ts); an empty list turns that role off.
 *
 * Reload is atomic: every new source is opened and checked first, then one assignment swaps the whole set,
 * so a lookup sees either the old set or the new one, never a mix; if any source fails, the old set stays
 * and the error is reported. While opening, lookups keep answering from the old set (memory briefly holds
 * both). We do not use maxmind's `watchForUpdates`: it reloads each file on its own (IPv4 and IPv6 halves
 * can disagree), replaces the reader's buffer before parsing it (a truncated file leaves a half-loaded
 * reader) and throws from a file-watch callback, i.e. an unhandled rejection that ends the process; its
 * watcher is persistent by default and cannot be stopped. `watch: true` here polls the files with
 * fs.watchFile (unref'd), waits for writes to settle, then calls reload().
 */
import { type Stats, unwatchFile, watchFile } from 'node:fs';
import { stat } from 'node:fs/promises';
import maxmind from 'maxmind';
import type { IpEnrichment } from '../types';
import { loadAsnCsv } from './asn-csv';
import { bundledGeoPaths } from './geo-defaults';
import { type AsnFields, asnFieldsOf, type GeoFields, geoFieldsOf } from './geo-record';
import { createHostingLookup, type HostingLookup } from './hosting';
import type { IpAddress } from './parse';

export interface GeoLookupOptions {
  /** City or country databases (.mmdb), tried in order. Default: bundled DB-IP City Lite. */
  cityDbPath?: string | readonly string[];
  /** ASN databases (.mmdb, or ip-location-db ASN .csv), tried in order. Default: bundled ip-location-db ASN. */
  asnDbPath?: string | readonly string[];
  /** Hosting-provider ranges; default the bundled table, null for none. */
  hosting?: HostingLookup | null;
  /** Language for country and city names, when the database has it. Default 'en'. */
  language?: string;
  /** Decoded-record LRU size per .mmdb (maxmind's cache). Default 10,000. */
  cacheSize?: number;
  /** Reload when a database file is replaced. Default false. */
  watch?: boolean;
  /** How often a watched file is stat()ed. Default 30 s: geoipupdate runs daily at most. */
  watchIntervalMs?: number;
  /** Wait after the last change before reloading, so a file being copied is complete. Default 2 s. */
  watchSettleMs?: number;
  /** Told about every reload, successful or not (a watch-triggered one has no other caller). */
  onReload?: (result: ReloadResult) => void;
}

export interface GeoSourceInfo {
  path: string;
  role: 'city' | 'asn';
  format: 'mmdb' | 'csv';
  /** The .mmdb metadata's database_type, or 'ip-location-db asn csv'. */
  databaseType: string;
  /** 4: answers IPv4 only; 6: answers both (IPv6 trees hold IPv4 at ::/96) or IPv6 only for a CSV. */
  ipVersion: 4 | 6;
  /** Build time from .mmdb metadata, or the CSV file's mtime (ISO 8601). */
  builtAt: string;
}

export interface ReloadResult {
  ok: boolean;
  error?: Error;
  /** The sources in use after the reload (the old ones when it failed). */
  sources: readonly GeoSourceInfo[];
}

export interface GeoLookup {
  /**
   * Enrichment for one address (a CIDR by its network address). Addresses that are not globally
   * routable get their range and empty geo/ASN/hosting fields: no database is asked about them.
   */
  lookup(ip: IpAddress): IpEnrichment;
  reload(): Promise<ReloadResult>;
  readonly sources: readonly GeoSourceInfo[];
  /** Stops watching. Lookups keep working. */
  close(): void;
}

interface Source<T> {
  info: GeoSourceInfo;
  fields(ip: IpAddress): T | undefined;
}

interface SourceSet {
  city: Source<GeoFields>[];
  asn: Source<AsnFields>[];
  infos: GeoSourceInfo[];
}

const NO_GEO: GeoFields = {
  countryCode: '',
  countryName: '',
  city: '',
  latitude: 0,
  longitude: 0,
  hasLocation: false,
  timeZone: '',
};
const NO_ASN: AsnFields = { asn: 0, asOrganization: '' };

function list(value: string | readonly string[] | undefined, fallback: () => string[]): string[] {
  if (value === undefined) return fallback();
  return typeof value === 'string' ? [value] : [...value];
}

async function openSource(
  path: string,
  role: 'city' | 'asn',
  cacheSize: number,
  language: string,
): Promise<Source<GeoFields> | Source<AsnFields>> {
  try {
    if (/\.csv$/i.test(path)) {
      if (role !== 'asn') throw new Error('only ASN data can be read from CSV; use an .mmdb for city/country');
      const [{ version, table }, stats] = await Promise.all([loadAsnCsv(path), stat(path)]);
      const info: GeoSourceInfo = {
        path,
        role,
        format: 'csv',
        databaseType: 'ip-location-db asn csv',
        ipVersion: version,
        builtAt: stats.mtime.toISOString(),
      };
      const bytes = version === 4 ? 4 : 16;
      return {
        info,
        fields: (ip) => {
          if (ip.bytes.length !== bytes) return undefined;
          const hit = table.find(ip.bytes);
          return hit && { asn: hit.asn, asOrganization: hit.organization };
        },
      };
    }
    const reader = await maxmind.open(path, { cache: { max: cacheSize } });
    const { ipVersion, databaseType, buildEpoch } = reader.metadata;
    const info: GeoSourceInfo = {
      path,
      role,
      format: 'mmdb',
      databaseType,
      ipVersion: ipVersion === 4 ? 4 : 6,
      builtAt: buildEpoch.toISOString(),
    };
    // An IPv4-only tree must never see an IPv6 address: the walk would stop at depth 32 and return the
    // record of the address's first 32 bits.
    const answers = (ip: IpAddress) => info.ipVersion === 6 || ip.version === 4;
    return role === 'city'
      ? { info, fields: (ip) => (answers(ip) ? geoFieldsOf(reader.get(ip.address), language) : undefined) }
      : { info, fields: (ip) => (answers(ip) ? asnFieldsOf(reader.get(ip.address)) : undefined) };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`cannot open ${role} database ${path}: ${reason}`, { cause: err });
  }
}

async function openAll(city: string[], asn: string[], cacheSize: number, language: string): Promise<SourceSet> {
  const citySources = await Promise.all(city.map((p) => openSource(p, 'city', cacheSize, language)));
  const asnSources = await Promise.all(asn.map((p) => openSource(p, 'asn', cacheSize, language)));
  return {
    city: citySources as Source<GeoFields>[],
    asn: asnSources as Source<AsnFields>[],
    infos: [...citySources, ...asnSources].map((s) => s.info),
  };
}

function first<T>(sources: readonly Source<T>[], ip: IpAddress): T | undefined {
  for (const source of sources) {
    const found = source.fields(ip);
    if (found) return found;
  }
  return undefined;
}

/** Opens every database (rejecting with the path and reason if one fails) and returns the lookup. */
export async function createGeoLookup(options: GeoLookupOptions = {}): Promise<GeoLookup> {
  const cityPaths = list(options.cityDbPath, () => bundledGeoPaths().cityDbPath);
  const asnPaths = list(options.asnDbPath, () => bundledGeoPaths().asnDbPath);
  const cacheSize = options.cacheSize ?? 10_000;
  const language = options.language ?? 'en';
  const hosting = options.hosting === undefined ? createHostingLookup() : options.hosting;

  let current = await openAll(cityPaths, asnPaths, cacheSize, language);
  let pending: Promise<ReloadResult> | undefined;

  const reload = (): Promise<ReloadResult> => {
    pending ??= (async () => {
      let result: ReloadResult;
      try {
        current = await openAll(cityPaths, asnPaths, cacheSize, language);
        result = { ok: true, sources: current.infos };
      } catch (err) {
        result = { ok: false, error: err instanceof Error ? err : new Error(String(err)), sources: current.infos };
      } finally {
        pending = undefined;
      }
      options.onReload?.(result);
      return result;
    })();
    return pending;
  };

  const watched: string[] = options.watch ? [...cityPaths, ...asnPaths] : [];
  let timer: NodeJS.Timeout | undefined;
  const onChange = (now: Stats, before: Stats) => {
    if (now.mtimeMs === before.mtimeMs && now.ino === before.ino && now.size === before.size) return;
    if (now.nlink === 0) return; // removed: wait for the replacement to appear
    clearTimeout(timer);
    timer = setTimeout(() => void reload(), options.watchSettleMs ?? 2_000);
    timer.unref();
  };
  for (const path of watched) {
    watchFile(path, { persistent: false, interval: options.watchIntervalMs ?? 30_000 }, onChange);
  }

  return {
    get sources() {
      return current.infos;
    },
    reload,
    close() {
      for (const path of watched) unwatchFile(path, onChange);
      clearTimeout(timer);
    },
    lookup(ip) {
      const sources = current; // one snapshot per lookup
      const routable = ip.globallyRoutable;
      const geo = (routable && first(sources.city, ip)) || NO_GEO;
      const asn = (routable && first(sources.asn, ip)) || NO_ASN;
      return {
        version: ip.version,
        address: ip.address,
        prefixLength: ip.prefixLength,
        range: ip.range,
        globallyRoutable: routable,
        ...geo,
        ...asn,
        hostingProvider: (routable && hosting?.provider(ip)) || '',
      };
    },
  };
}
