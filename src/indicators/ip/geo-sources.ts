/**
 * Opening one geo/ASN database as a lookup source: a MaxMind-format .mmdb through the maxmind reader, or an
 * ip-location-db ASN CSV through asn-csv.ts. Each source answers with normalised fields (geo-record.ts).
 *
 * A database is read once, into shared memory (SourceData): an .mmdb file's bytes, a CSV's built range
 * table. The pipeline workers open the very data the event loop's process opened (sourceFromData), so
 * their answers cannot differ from its own after a file is replaced, the .mmdb files (~130 MB bundled)
 * are held once per process, not once per thread, and no worker parses a CSV again (~2 s bundled).
 */
import { open, stat } from 'node:fs/promises';
import { Reader, type Response } from 'maxmind';
import { type AsnRecord, loadAsnCsv } from './asn-csv';
import { type AsnFields, asnFieldsOf, type GeoFields, geoFieldsOf } from './geo-record';
import type { IpAddress } from './parse';
import { type RangeTableParts, tableFromParts } from './range-table';

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
  /** What it was opened from, for another thread to open the same (sourceFromData). */
  data: SourceData;
  fields(ip: IpAddress): T | undefined;
}

export interface SourceSet {
  city: Source<GeoFields>[];
  asn: Source<AsnFields>[];
  infos: GeoSourceInfo[];
  /** Every source's data, city then ASN, for another thread (openAllFromData). */
  data: SourceData[];
}

/**
 * One database as read, in memory any thread of the process can use: an .mmdb file's bytes (a
 * SharedArrayBuffer), or a CSV's ASN table (its bounds and its records in SharedArrayBuffers).
 */
export type SourceData =
  | { path: string; role: 'city' | 'asn'; format: 'mmdb'; bytes: Uint8Array }
  | {
      path: string;
      role: 'asn';
      format: 'csv';
      version: 4 | 6;
      /** The ranges; a range's value is an index into `records`. */
      table: Omit<RangeTableParts<AsnRecord>, 'values'>;
      records: SharedAsnRecords;
      /** The file's mtime (ISO 8601), its build time. */
      mtime: string;
    };

/**
 * An ASN table's distinct records, as bytes (~136k bundled): record i is AS number asns[i] and the
 * organization whose UTF-8 is organizations[organizationEnds[i - 1] .. organizationEnds[i]). As
 * objects they were copied into every worker (~15 MB of heap each, bundled) and kept on the event
 * loop beside; as bytes they are shared, and each thread decodes the records its lookups hit.
 */
export interface SharedAsnRecords {
  asns: Float64Array;
  organizationEnds: Uint32Array;
  organizations: Uint8Array;
}

function shareAsnRecords(records: readonly AsnRecord[]): SharedAsnRecords {
  const encoded = records.map((r) => Buffer.from(r.organization, 'utf8'));
  const size = encoded.reduce((sum, b) => sum + b.length, 0);
  const asns = new Float64Array(new SharedArrayBuffer(records.length * 8));
  const organizationEnds = new Uint32Array(new SharedArrayBuffer(records.length * 4));
  const organizations = new Uint8Array(new SharedArrayBuffer(size));
  let at = 0;
  records.forEach((r, i) => {
    asns[i] = r.asn;
    organizations.set(encoded[i] as Buffer, at);
    at += (encoded[i] as Buffer).length;
    organizationEnds[i] = at;
  });
  return { asns, organizationEnds, organizations };
}

/** Record i of shared records, decoded once per thread. */
function asnRecordsOf(shared: SharedAsnRecords): (i: number) => AsnFields {
  const { asns, organizationEnds, organizations } = shared;
  const text = Buffer.from(organizations.buffer, organizations.byteOffset, organizations.byteLength);
  const decoded: (AsnFields | undefined)[] = new Array(asns.length);
  return (i) => {
    let fields = decoded[i];
    if (fields === undefined) {
      const from = i === 0 ? 0 : (organizationEnds[i - 1] ?? 0);
      fields = { asn: asns[i] ?? 0, asOrganization: text.toString('utf8', from, organizationEnds[i] ?? from) };
      decoded[i] = fields;
    }
    return fields;
  };
}

/** Reads a whole file into a SharedArrayBuffer (posting it to a worker shares it, copies nothing). */
async function readShared(path: string): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const bytes = new Uint8Array(new SharedArrayBuffer(size));
    for (let at = 0; at < size; ) {
      const { bytesRead } = await file.read(bytes, at, size - at, at);
      if (bytesRead === 0) throw new Error(`${path} is shorter than its size (${at} of ${size} bytes)`);
      at += bytesRead;
    }
    return bytes;
  } finally {
    await file.close();
  }
}

/**
 * The data last read from each path, with the identity of the file it came from (device, inode, size,
 * mtime and ctime, to the nanosecond). Opening the same unchanged file again shares that data instead
 * of reading and parsing it again (the bundled ASN CSVs cost ~2.5 s of CPU and much garbage per
 * open): another app in the same process (the tests start dozens), or a reload that did not replace
 * the file. A replaced or rewritten file has another identity (a rewrite changes the ctime even when
 * the mtime is set back) and is read again; the data is never written after it is built.
 */
const lastRead = new Map<string, { identity: string; data: Promise<SourceData> }>();

async function readSource(path: string, role: 'city' | 'asn'): Promise<SourceData> {
  const s = await stat(path, { bigint: true });
  const identity = `${role} ${s.dev}:${s.ino} ${s.size} ${s.mtimeNs} ${s.ctimeNs}`;
  const last = lastRead.get(path);
  if (last?.identity === identity) return last.data;
  const data = readSourceFile(path, role, s.mtime);
  lastRead.set(path, { identity, data });
  // A failed read is not kept: the next open tries the file again.
  data.catch(() => {
    if (lastRead.get(path)?.data === data) lastRead.delete(path);
  });
  return data;
}

/** `mtime`: the file's, from the stat that gave its identity (readSource). */
async function readSourceFile(path: string, role: 'city' | 'asn', mtime: Date): Promise<SourceData> {
  if (!/\.csv$/i.test(path)) return { path, role, format: 'mmdb', bytes: await readShared(path) };
  if (role !== 'asn') throw new Error('only ASN data can be read from CSV; use an .mmdb for city/country');
  const { version, table } = await loadAsnCsv(path);
  const { values, ...ranges } = table.parts;
  const records = shareAsnRecords(values);
  return { path, role, format: 'csv', version, table: ranges, records, mtime: mtime.toISOString() };
}

/**
 * Two generations of at most max/2 entries: a hit in the old one moves to the young one, and a full
 * young one becomes the old one. A Map kept in use order (delete and set again on every hit) made a
 * lookup ~4x slower than tiny-lru (maxmind's own record cache); this is as fast (bundled city
 * database, 100k addresses).
 */
function generations<V>(max: number) {
  const room = Math.max(1, Math.floor(max / 2));
  let young = new Map<number, V>();
  let old = new Map<number, V>();
  const set = (key: number, v: V) => {
    if (young.size >= room) {
      old = young;
      young = new Map();
    }
    young.set(key, v);
  };
  return {
    get(key: number): V | undefined {
      const v = young.get(key);
      if (v !== undefined) return v;
      const aged = old.get(key);
      if (aged !== undefined) set(key, aged);
      return aged;
    },
    set,
  };
}

export async function openSource(
  path: string,
  role: 'city' | 'asn',
  cacheSize: number,
  language: string,
): Promise<Source<GeoFields> | Source<AsnFields>> {
  try {
    return sourceFromData(await readSource(path, role), cacheSize, language);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`cannot open ${role} database ${path}: ${reason}`, { cause: err });
  }
}

/** A source over the data read by openSource (on this thread or another): synchronous, no file read. */
export function sourceFromData(
  data: SourceData,
  cacheSize: number,
  language: string,
): Source<GeoFields> | Source<AsnFields> {
  const { path, role } = data;
  if (data.format === 'csv') {
    // The values are looked up by index in the shared records (indexOf), not kept as objects.
    const table = tableFromParts({ ...data.table, values: [] });
    const record = asnRecordsOf(data.records);
    const info: GeoSourceInfo = {
      path,
      role,
      format: 'csv',
      databaseType: 'ip-location-db asn csv',
      ipVersion: data.version,
      builtAt: data.mtime,
    };
    const length = data.version === 4 ? 4 : 16;
    return {
      info,
      data,
      fields: (ip) => {
        if (ip.bytes.length !== length) return undefined;
        const i = table.indexOf(ip.bytes);
        return i < 0 ? undefined : record(i);
      },
    };
  }
  const bytes = Buffer.from(data.bytes.buffer, data.bytes.byteOffset, data.bytes.byteLength);
  // What maxmind.open does after reading the file, without its second copy of the bytes.
  if (bytes[0] === 0x1f && bytes[1] === 0x8b)
    throw new Error('Looks like you are passing in a file in gzip format, please use mmdb database instead.');
  // maxmind's decoded-record cache, for what the tree walk cannot bypass (see fieldsOf).
  const reader = new Reader<Response>(bytes, { cache: generations(cacheSize) });
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
    ? { info, data, fields: fieldsOf(reader, bytes, cacheSize, answers, (r) => geoFieldsOf(r, language)) }
    : { info, data, fields: fieldsOf(reader, bytes, cacheSize, answers, asnFieldsOf) };
}

/** The reader's data-section decoder (mmdb-lib 3: `Reader.decoder`, `Decoder.decode`). */
type Decoding = { decoder?: { decode?: (offset: number) => { value: unknown } } };

/**
 * An address's fields (`of` its record), cached by the record's tree pointer: many addresses share a
 * record (a city network), and a record's fields are the same each time. The fields are cached, not
 * the decoded record: a record of a City database is a tree of maps and strings (~1-2 kB: names in
 * several languages) of which the fields keep a few, and a worker scoring new addresses kept ~10,000
 * of them in maxmind's cache long enough to be copied by the scavenger and promoted (~1.3 kB per new
 * address, then old-space collections: issue 17). A top-level record is decoded without that cache
 * (`decoder.decode`); the records it points to (e.g. a country shared by its cities) still go
 * through it, as in `Reader.get`. Without the private methods (another mmdb-lib) this is `recordOf`.
 */
function fieldsOf<T>(
  reader: Reader<Response>,
  db: Buffer,
  cacheSize: number,
  answers: (ip: IpAddress) => boolean,
  of: (record: unknown) => T | undefined,
): (ip: IpAddress) => T | undefined {
  const walk = pointerOf(reader, db);
  const decoder = (reader as unknown as Decoding).decoder;
  const decode = decoder?.decode;
  if (walk === undefined || typeof decode !== 'function') {
    const get = recordOf(reader, db);
    return (ip) => (answers(ip) ? of(get(ip)) : undefined);
  }
  const { nodeCount, searchTreeSize } = reader.metadata;
  // `null`: the record has no such fields (cached too; a Map cannot tell an undefined value from none).
  const cache = generations<T | null>(cacheSize);
  return (ip) => {
    if (!answers(ip)) return undefined;
    const pointer = walk(ip);
    if (pointer === 0) return of(null);
    let fields = cache.get(pointer);
    if (fields === undefined) {
      // Reader.resolveDataPointer's offset, decoded as decodeFast does on a cache miss.
      fields = of(decode.call(decoder, pointer - nodeCount + searchTreeSize).value) ?? null;
      cache.set(pointer, fields);
    }
    return fields ?? undefined;
  };
}

/** The reader's data-section decoding of a tree pointer (mmdb-lib 3: a private method of `Reader`). */
type Resolver = { resolveDataPointer?: (pointer: number) => Response | null };

/**
 * `reader.get(ip.address)` from the parsed address's bytes: `Reader.get` takes only text and parses it
 * again (a `split` and four `parseInt`s for IPv4, more for IPv6) before `findAddressInTree` walks the
 * bits. This is that walk over `ip.bytes` (the bytes of `ip.address`, parse.ts), with the same node
 * reads, the IPv4 start node of an IPv6 tree, and the reader's own decoding and record cache of the
 * pointer it ends on. Falls back to `reader.get` if a maxmind version has no `resolveDataPointer`.
 */
export function recordOf(reader: Reader<Response>, db: Buffer): (ip: IpAddress) => Response | null {
  const resolve = (reader as unknown as Resolver).resolveDataPointer;
  const walk = pointerOf(reader, db);
  if (typeof resolve !== 'function' || walk === undefined) return (ip) => reader.get(ip.address);
  return (ip) => {
    const pointer = walk(ip);
    return pointer === 0 ? null : (resolve.call(reader, pointer) as Response | null);
  };
}

/**
 * The tree walk of `recordOf` alone: the data pointer the address's bits end on, or 0 when they end on
 * no record; undefined for a record size this walk does not read.
 */
function pointerOf(reader: Reader<Response>, db: Buffer): ((ip: IpAddress) => number) | undefined {
  const { nodeCount, nodeByteSize, recordSize, ipVersion } = reader.metadata;
  if (recordSize !== 24 && recordSize !== 28 && recordSize !== 32) return undefined;
  const node = (nodeNumber: number, bit: number): number => {
    const offset = nodeNumber * nodeByteSize;
    if (recordSize === 24) return bit ? db.readUIntBE(offset + 3, 3) : db.readUIntBE(offset, 3);
    if (recordSize === 28)
      return bit
        ? ((db[offset + 3] as number) & 0x0f) * 0x1000000 + db.readUIntBE(offset + 4, 3)
        : ((db[offset + 3] as number) & 0xf0) * 0x100000 + db.readUIntBE(offset, 3);
    return bit ? db.readUInt32BE(offset + 4) : db.readUInt32BE(offset);
  };
  // Reader.ipv4Start: 96 zero bits down an IPv6 tree.
  let ipv4Start = 0;
  if (ipVersion !== 4) for (let i = 0; i < 96 && ipv4Start < nodeCount; i++) ipv4Start = node(ipv4Start, 0);
  return (ip) => {
    const raw = ip.bytes;
    const bitLength = raw.length * 8;
    let nodeNumber = raw.length === 4 ? ipv4Start : 0;
    for (let depth = 0; depth < bitLength && nodeNumber < nodeCount; depth++)
      nodeNumber = node(nodeNumber, ((raw[depth >> 3] as number) >>> (7 ^ (depth & 7))) & 1);
    return nodeNumber > nodeCount ? nodeNumber : 0;
  };
}

export async function openAll(city: string[], asn: string[], cacheSize: number, language: string): Promise<SourceSet> {
  const citySources = await Promise.all(city.map((p) => openSource(p, 'city', cacheSize, language)));
  const asnSources = await Promise.all(asn.map((p) => openSource(p, 'asn', cacheSize, language)));
  return setOf(citySources, asnSources);
}

/** The same set as `set` (opened on another thread), opened here from the same data. */
export function openAllFromData(set: readonly SourceData[], cacheSize: number, language: string): SourceSet {
  const sources = set.map((d) => sourceFromData(d, cacheSize, language));
  return setOf(
    sources.filter((s) => s.data.role === 'city'),
    sources.filter((s) => s.data.role === 'asn'),
  );
}

function setOf(
  citySources: readonly (Source<GeoFields> | Source<AsnFields>)[],
  asnSources: readonly (Source<GeoFields> | Source<AsnFields>)[],
): SourceSet {
  return {
    city: citySources as Source<GeoFields>[],
    asn: asnSources as Source<AsnFields>[],
    infos: [...citySources, ...asnSources].map((s) => s.info),
    data: [...citySources, ...asnSources].map((s) => s.data),
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
