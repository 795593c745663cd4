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

/** The decimal digits of bytes[from, to) as a number (exact below 2^53), or NaN if there are none or another byte. */
function decimal(bytes: Uint8Array, from: number, to: number): number {
  if (from >= to) return Number.NaN;
  let value = 0;
  for (let i = from; i < to; i++) {
    const d = (bytes[i] as number) - 0x30;
    if (d < 0 || d > 9) return Number.NaN;
    value = value * 10 + d;
  }
  return value;
}

/**
 * The decimal digits of bytes[from, to) as a 128-bit big-endian address in `out`, kept in 16-bit limbs
 * (no BigInt: it made the bundled IPv6 table's load ~3x slower). False if not digits or over 128 bits.
 */
function decimal128(bytes: Uint8Array, from: number, to: number, limbs: Uint32Array, out: Uint8Array): boolean {
  if (from >= to) return false;
  limbs.fill(0);
  // Up to four digits at a time: a limb times 10^4 plus a carry stays below 2^31.
  for (let i = from; i < to; ) {
    let chunk = 0;
    let scale = 1;
    for (const last = Math.min(i + 4, to); i < last; i++) {
      const d = (bytes[i] as number) - 0x30;
      if (d < 0 || d > 9) return false;
      chunk = chunk * 10 + d;
      scale *= 10;
    }
    let carry = chunk;
    for (let k = 7; k >= 0; k--) {
      const x = (limbs[k] as number) * scale + carry;
      limbs[k] = x & 0xffff;
      carry = x >>> 16;
    }
    if (carry !== 0) return false;
  }
  for (let k = 0; k < 8; k++) {
    out[2 * k] = (limbs[k] as number) >>> 8;
    out[2 * k + 1] = (limbs[k] as number) & 0xff;
  }
  return true;
}

const NEWLINE = 0x0a;
const COMMA = 0x2c;

/**
 * Parses the whole CSV (bytes, or text as the tests write it). Throws with the line number on the first
 * malformed line. It reads bytes, not lines of text: the bundled tables are ~515,000 rows, read at
 * every start of a process.
 */
export function parseAsnCsv(data: Uint8Array | string, fileName: string): AsnTable {
  const bytes =
    typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.length);
  const firstLine = bytes.toString('latin1', 0, bytes.indexOf(NEWLINE) >>> 0);
  const firstField = firstLine.slice(0, firstLine.indexOf(',') >>> 0);
  const numeric = /^\d+$/.test(firstField);
  const version: 4 | 6 = numeric ? (/ipv6/i.test(path.basename(fileName)) ? 6 : 4) : firstField.includes(':') ? 6 : 4;
  const builder = createRangeTableBuilder<AsnRecord>(version);
  // By the row's "asn,organization" bytes as written, then by AS number and unquoted name: one record each.
  const written = new Map<string, AsnRecord>();
  const records = new Map<string, AsnRecord>();
  const limbs = new Uint32Array(8);
  const start6 = new Uint8Array(16);
  const end6 = new Uint8Array(16);
  let lineNo = 0;
  for (let at = 0; at < bytes.length; ) {
    let eol = bytes.indexOf(NEWLINE, at);
    if (eol < 0) eol = bytes.length;
    const from = at;
    at = eol + 1;
    lineNo++;
    const to = eol > from && bytes[eol - 1] === 0x0d ? eol - 1 : eol;
    if (to === from) continue;
    const c1 = bytes.indexOf(COMMA, from);
    const c2 = c1 < 0 || c1 >= to ? -1 : bytes.indexOf(COMMA, c1 + 1);
    if (c1 < 0 || c1 >= to || c2 < 0 || c2 >= to)
      throw new Error(`${fileName}:${lineNo}: expected start,end,asn,organization`);
    let c3 = bytes.indexOf(COMMA, c2 + 1);
    if (c3 >= to) c3 = -1;
    const key = bytes.toString('latin1', c2 + 1, to);
    let record = written.get(key);
    if (record === undefined) {
      const asn = decimal(bytes, c2 + 1, c3 < 0 ? to : c3);
      if (!Number.isInteger(asn)) throw new Error(`${fileName}:${lineNo}: bad AS number`);
      const organization = c3 < 0 ? '' : unquote(bytes.toString('utf8', c3 + 1, to));
      const named = `${asn}\u0000${organization}`;
      record = records.get(named);
      if (record === undefined) {
        record = { asn, organization };
        records.set(named, record);
      }
      written.set(key, record);
    }
    try {
      if (version === 4) {
        const s = numeric ? decimal(bytes, from, c1) : v4Text(bytes.toString('latin1', from, c1));
        const e = numeric ? decimal(bytes, c1 + 1, c2) : v4Text(bytes.toString('latin1', c1 + 1, c2));
        if (!(s >= 0 && e <= 0xffffffff)) throw new Error('bad IPv4 bound');
        builder.add(s, e, record);
      } else if (numeric) {
        if (!decimal128(bytes, from, c1, limbs, start6) || !decimal128(bytes, c1 + 1, c2, limbs, end6))
          throw new Error('bad IPv6 bound');
        builder.add(start6, end6, record); // the builder copies the words: the two arrays serve every row
      } else {
        const s = ipaddr.IPv6.parse(bytes.toString('latin1', from, c1)).toByteArray();
        const e = ipaddr.IPv6.parse(bytes.toString('latin1', c1 + 1, c2)).toByteArray();
        builder.add(Uint8Array.from(s), Uint8Array.from(e), record);
      }
    } catch (err) {
      throw new Error(`${fileName}:${lineNo}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { version, table: builder.build('trim') };
}

export async function loadAsnCsv(file: string): Promise<AsnTable> {
  return parseAsnCsv(await readFile(file), file);
}
