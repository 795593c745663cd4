/**
 * Published front-end (edge) ranges of CDN operators: Amazon CloudFront and Fastly from
 * data/cdn-edges.json, plus Cloudflare, whose published ranges are already in hosting-ranges.json
 * (the geo enrichment's hostingProvider). The ip/3 feature `cdn_edge` is 1 for an address in any of them.
 *
 * Why a feature: a CDN edge address is shared by many customers' sites, which is how a popular site is
 * reached, and the edges of different operators look alike. Told which addresses are edges, a model
 * trained on Cloudflare and CloudFront front ends carries "edge" over to an operator or a site it has not
 * seen, where ASN counts cannot (a CloudFront edge and a rented EC2 server are the same AS16509 to them;
 * 28% of the C2 addresses are in Amazon space, almost none of them on CloudFront).
 * Why not a rule: phishing and C2 can sit behind a CDN too; the model weighs it with the rest.
 */
import { createHash } from 'node:crypto';
import bundled from './data/cdn-edges.json';
import { rangeOf } from './known-services';
import type { IpAddress } from './parse';
import { createRangeTableBuilder, type RangeTable } from './range-table';

interface OperatorEntry {
  id: string;
  name: string;
  ipv4: readonly string[];
  ipv6: readonly string[];
}

export interface CdnEdgesData {
  operators: readonly OperatorEntry[];
}

export interface CdnEdgeLookup {
  /** The name of the CDN operator whose published edge ranges hold the address, if any (not Cloudflare). */
  find(ip: Pick<IpAddress, 'bytes'>): string | undefined;
  readonly rangeCount: number;
}

export function createCdnEdgeLookup(data: CdnEdgesData = bundled): CdnEdgeLookup {
  const v4 = createRangeTableBuilder<string>(4);
  const v6 = createRangeTableBuilder<string>(6);
  /** IPv4 /16s that hold any edge range: most addresses are decided by one array read. */
  const v4Slash16 = new Uint8Array(65536);
  for (const o of data.operators) {
    for (const text of [...o.ipv4, ...o.ipv6]) {
      const r = rangeOf(text);
      (r.version === 4 ? v4 : v6).add(r.start, r.end, o.name);
      if (r.version === 4) {
        const first = ((r.start[0] as number) << 8) | (r.start[1] as number);
        const last = ((r.end[0] as number) << 8) | (r.end[1] as number);
        for (let k = first; k <= last; k++) v4Slash16[k] = 1;
      }
    }
  }
  const tables: Record<number, RangeTable<string>> = { 4: v4.build(), 16: v6.build() };
  const v4Table = tables[4] as RangeTable<string>;
  return {
    rangeCount: (tables[4]?.size ?? 0) + (tables[16]?.size ?? 0),
    find(ip) {
      const b = ip.bytes;
      if (b.length === 4) return v4Slash16[((b[0] as number) << 8) | (b[1] as number)] ? v4Table.find(b) : undefined;
      return tables[b.length]?.find(b);
    },
  };
}

/** sha256 of the bundled edge table as parsed: a model version records it and refuses another table. */
export function cdnEdgesSha256(): string {
  return createHash('sha256').update(JSON.stringify(bundled)).digest('hex');
}

let shared: CdnEdgeLookup | undefined;

/** The lookup over the bundled data, built once. */
export function bundledCdnEdges(): CdnEdgeLookup {
  shared ??= createCdnEdgeLookup();
  return shared;
}
