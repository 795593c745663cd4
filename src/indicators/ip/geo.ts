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
 * watcher is persistent by default and cannot be stopped. `watch: true` here polls the files' stat()
 * (an unref'd timer), waits for writes to settle, then calls reload(). The first stats are taken before
 * the databases are opened: fs.watchFile compares each poll with its own first one, taken some time after
 * it starts, so a file replaced in between went unnoticed until its next change.
 */
import { statSync } from 'node:fs';
import type { IpEnrichment } from '../types';
import { bundledGeoPaths } from './geo-defaults';
import type { AsnFields, GeoFields } from './geo-record';
import { first, type GeoSourceInfo, openAll, openAllFromData, type SourceData, type SourceSet } from './geo-sources';
import { bundledHostingLookup, type HostingLookup } from './hosting';
import type { IpAddress } from './parse';

export type { GeoSourceInfo } from './geo-sources';

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
  /**
   * The databases in use now, for another thread to open the same (geoFromShare): the same object
   * until a reload swaps them. Undefined when they cannot be (a hosting table given as an object).
   */
  share(): GeoShare | undefined;
  /**
   * Tells `listener` after every successful reload (SIGHUP or a watched file), e.g. so that threads
   * holding the old share get the new one now rather than at their next request.
   */
  onReload(listener: () => void): void;
  /** Stops watching. Lookups keep working. */
  close(): void;
}

/** The location fields of an address no database knows (or was asked about). */
export const NO_GEO: Readonly<GeoFields> = {
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

/** Opens every database (rejecting with the path and reason if one fails) and returns the lookup. */
export async function createGeoLookup(options: GeoLookupOptions = {}): Promise<GeoLookup> {
  const cityPaths = list(options.cityDbPath, () => bundledGeoPaths().cityDbPath);
  const asnPaths = list(options.asnDbPath, () => bundledGeoPaths().asnDbPath);
  const cacheSize = options.cacheSize ?? 10_000;
  const language = options.language ?? 'en';
  const hosting = options.hosting === undefined ? bundledHostingLookup() : options.hosting;

  const watched: string[] = options.watch ? [...cityPaths, ...asnPaths] : [];
  const known = new Map(watched.map((path) => [path, fileIdentity(path)]));
  let current = await openAll(cityPaths, asnPaths, cacheSize, language);
  let shared: { from: SourceSet; share: GeoShare } | undefined;
  let pending: Promise<ReloadResult> | undefined;
  const reloaded: (() => void)[] = [];

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
      if (result.ok) for (const l of reloaded) l();
      return result;
    })();
    return pending;
  };

  let settle: NodeJS.Timeout | undefined;
  const poll = () => {
    for (const path of watched) {
      const now = fileIdentity(path);
      if (now === undefined || now === known.get(path)) continue; // removed: wait for the replacement
      known.set(path, now);
      clearTimeout(settle);
      settle = setTimeout(() => void reload(), options.watchSettleMs ?? 2_000);
      settle.unref();
    }
  };
  const poller = watched.length > 0 ? setInterval(poll, options.watchIntervalMs ?? 30_000) : undefined;
  poller?.unref();

  return {
    get sources() {
      return current.infos;
    },
    reload,
    onReload: (l) => reloaded.push(l),
    close() {
      clearInterval(poller);
      clearTimeout(settle);
    },
    share() {
      // A hosting table given by the caller cannot be rebuilt on another thread.
      if (options.hosting !== undefined && options.hosting !== null) return undefined;
      if (shared?.from !== current)
        shared = {
          from: current,
          share: { sources: current.data, cacheSize, language, hosting: options.hosting === undefined },
        };
      return shared.share;
    },
    lookup: (ip) => lookupIn(current, hosting, ip), // one snapshot of the sources per lookup
  };
}

/**
 * What another thread needs to open the same databases as a GeoLookup (GeoLookup.share): their data
 * in shared memory and the options that shape answers. Structured clone shares the bytes.
 */
export interface GeoShare {
  sources: SourceData[];
  cacheSize: number;
  language: string;
  /** The bundled hosting table, or none. */
  hosting: boolean;
}

/**
 * A lookup over another thread's databases (a pipeline worker's, for the IP pipeline): the same
 * data, so the same answers. It does not watch or reload: the thread that shared them does, and
 * shares the new set.
 */
export function geoFromShare(share: GeoShare): GeoLookup {
  const sources = openAllFromData(share.sources, share.cacheSize, share.language);
  const hosting = share.hosting ? bundledHostingLookup() : null;
  return {
    sources: sources.infos,
    reload: () => Promise.reject(new Error('a shared geo lookup is reloaded by the thread that shared it')),
    onReload() {},
    close() {},
    share: () => share,
    lookup: (ip) => lookupIn(sources, hosting, ip),
  };
}

function lookupIn(sources: SourceSet, hosting: HostingLookup | null, ip: IpAddress): IpEnrichment {
  const routable = ip.globallyRoutable;
  const geo = (routable && first(sources.city, ip)) || NO_GEO;
  const asn = (routable && first(sources.asn, ip)) || NO_ASN;
  // Field by field, in the order the spreads of geo and asn gave (GeoFields', then AsnFields'): one
  // object literal of one shape, without the two spreads' generic copy (~0.3 us of a new IP).
  return {
    version: ip.version,
    address: ip.address,
    prefixLength: ip.prefixLength,
    range: ip.range,
    globallyRoutable: routable,
    countryCode: geo.countryCode,
    countryName: geo.countryName,
    city: geo.city,
    latitude: geo.latitude,
    longitude: geo.longitude,
    hasLocation: geo.hasLocation,
    timeZone: geo.timeZone,
    asn: asn.asn,
    asOrganization: asn.asOrganization,
    hostingProvider: (routable && hosting?.provider(ip)) || '',
  };
}

/** Inode, size and mtime of a file, or undefined when it does not exist (being replaced). */
function fileIdentity(path: string): string | undefined {
  try {
    const st = statSync(path);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return undefined;
  }
}
