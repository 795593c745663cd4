/**
 * Opening one geo/ASN database as a lookup source: a MaxMind-format .mmdb through the maxmind reader, or an
 * ip-location-db ASN CSV through asn-csv.ts. Each source answers with normalised fields (geo-record.ts).
 */
import { stat } from 'node:fs/promises';
import maxmind from 'maxmind';
import { loadAsnCsv } from './asn-csv';
import { type AsnFields, asnFieldsOf, type GeoFields, geoFieldsOf } from './geo-record';
import type { IpAddress } from './parse';

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

export interface Source<T> {
  info: GeoSourceInfo;
  fields(ip: IpAddress): T | undefined;
}

export interface SourceSet {
  city: Source<GeoFields>[];
  asn: Source<AsnFields>[];
  infos: GeoSourceInfo[];
}

export async function openSource(
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

export async function openAll(city: string[], asn: string[], cacheSize: number, language: string): Promise<SourceSet> {
  const citySources = await Promise.all(city.map((p) => openSource(p, 'city', cacheSize, language)));
  const asnSources = await Promise.all(asn.map((p) => openSource(p, 'asn', cacheSize, language)));
  return {
    city: citySources as Source<GeoFields>[],
    asn: asnSources as Source<AsnFields>[],
    infos: [...citySources, ...asnSources].map((s) => s.info),
  };
}

/** The first source's answer, in configured order. */
export function first<T>(sources: readonly Source<T>[], ip: IpAddress): T | undefined {
  for (const source of sources) {
    const found = source.fields(ip);
    if (found) return found;
  }
  return undefined;
}
