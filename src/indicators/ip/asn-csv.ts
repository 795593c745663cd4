/**
 * Loads an ip-location-db ASN table (CSV: ip_range_start,ip_range_end,autonomous_system_number,
 * autonomous_system_organization; https://github.com/sapics/ip-location-db) into a range table.
 *
 * Why a CSV reader next to the .mmdb one: the npm registry carries the ip-location-db ASN data
 * (@ip-location-db/asn, CC BY 4.0 RouteViews + DB-IP + NRO) only as CSV; its -mmdb twin is not published
 * there. Both forms of range bound are accepted: address text (asn-ipv4.csv, asn-ipv6.csv) and numbers
 * (asn-ipv4-num.csv; a numeric file whose name contains "ipv6" is read as IPv6).
 * Overlapping rows are trimmed, first row winning: the 2026-06 package has one (214.95.0.0-215.0.255.255
 * AS749 vs 215.0.0.0/22 AS721, both DoD), and one stray row must not cost us the whole table.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { createRangeTableBuilder, type RangeTable } from './range-table';

export interface AsnRecord {
  readonly asn: number;
  readonly organization: string;
}

export interface AsnTable {
  readonly version: 4 | 6;
  readonly table: RangeTable<AsnRecord>;
}

/** Unquotes one CSV field (RFC 4180: "" inside quotes is a quote). */
function unquote(field: string): string {
  return field.startsWith('"') && field.endsWith('"') && field.length >= 2
    ? field.slice(1, -1).replaceAll('""', '"')
    : field;
}

function v4Text(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4) return Number.NaN;
  let value = 0;
  for (const part of parts) {
    const octet = Number(part);
    if (!(octet >= 0 && octet <= 255) || part === '') return Number.NaN;
    value = value * 256 + octet;
  }
  return value;
}

function v6Bytes(text: string, numeric: boolean): Uint8Array {
  if (!numeric) return Uint8Array.from(ipaddr.IPv6.parse(text).toByteArray());
  let n = BigInt(text);
  const out = new Uint8Array(16);
  for (let i = 15; i >= 0; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

/** Parses the whole CSV text. Throws with the line number on the first malformed line. */
export function parseAsnCsv(text: string, fileName: string): AsnTable {
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0);
  const firstField = firstLine.slice(0, firstLine.indexOf(',') >>> 0);
  const numeric = /^\d+$/.test(firstField);
  const version: 4 | 6 = numeric ? (/ipv6/i.test(path.basename(fileName)) ? 6 : 4) : firstField.includes(':') ? 6 : 4;
  const builder = createRangeTableBuilder<AsnRecord>(version);
  const records = new Map<string, AsnRecord>();
  let lineNo = 0;
  for (const raw of text.split('\n')) {
    lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') continue;
    const c1 = line.indexOf(',');
    const c2 = line.indexOf(',', c1 + 1);
    const c3 = line.indexOf(',', c2 + 1);
    if (c1 < 0 || c2 < 0) throw new Error(`${fileName}:${lineNo}: expected start,end,asn,organization`);
    const start = line.slice(0, c1);
    const end = line.slice(c1 + 1, c2);
    const asn = Number(line.slice(c2 + 1, c3 < 0 ? undefined : c3));
    const organization = c3 < 0 ? '' : unquote(line.slice(c3 + 1));
    if (!Number.isInteger(asn) || asn < 0) throw new Error(`${fileName}:${lineNo}: bad AS number`);
    const key = `${asn}\u0000${organization}`;
    let record = records.get(key);
    if (!record) {
      // A slice would keep the whole multi-megabyte file text alive (V8 sliced strings): copy it out.
      record = { asn, organization: Buffer.from(organization, 'utf8').toString('utf8') };
      records.set(key, record);
    }
    try {
      if (version === 4) {
        const s = numeric ? Number(start) : v4Text(start);
        const e = numeric ? Number(end) : v4Text(end);
        if (!(s >= 0 && e <= 0xffffffff)) throw new Error('bad IPv4 bound');
        builder.add(s, e, record);
      } else {
        builder.add(v6Bytes(start, numeric), v6Bytes(end, numeric), record);
      }
    } catch (err) {
      throw new Error(`${fileName}:${lineNo}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { version, table: builder.build('trim') };
}

export async function loadAsnCsv(file: string): Promise<AsnTable> {
  return parseAsnCsv(await readFile(file, 'utf8'), file);
}
