/**
 * Which cloud/hosting provider's published ranges hold an address (amazon, microsoft, google, ...).
 * The data is data/hosting-ranges.json, built by scripts/ip/build-hosting-ranges.ts from the CC0 list in
 * shared/data/ips/; it holds disjoint ranges, so a lookup is one binary search (range-table.ts).
 * A provider name is context for the model, never a verdict: cloud space hosts much of the C2 we see.
 */
import bundled from './data/hosting-ranges.json';
import type { IpAddress } from './parse';
import { createRangeTableBuilder, type RangeTable } from './range-table';

/** The shape of hosting-ranges.json. */
export interface HostingRangesData {
  providers: readonly string[];
  ipv4: readonly (readonly [number, number, number])[];
  ipv6: readonly (readonly [string, string, number])[];
}

export interface HostingLookup {
  /** Provider name, or '' when the address (network address for a CIDR) is in no listed range. */
  provider(ip: Pick<IpAddress, 'bytes'>): string;
  readonly rangeCount: number;
}

function hexToBytes(hex: string): Uint8Array {
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`bad IPv6 key "${hex}" in hosting ranges`);
  return Uint8Array.from({ length: 16 }, (_, i) => Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16));
}

// JSON imports widen tuples to arrays; the shape is checked entry by entry below and by hosting.test.ts.
const BUNDLED = bundled as unknown as HostingRangesData;

let bundledLookup: HostingLookup | undefined;

/** The bundled table's lookup, built once per thread (it is data, the same for every caller). */
export function bundledHostingLookup(): HostingLookup {
  bundledLookup ??= createHostingLookup();
  return bundledLookup;
}

export function createHostingLookup(data: HostingRangesData = BUNDLED): HostingLookup {
  const name = (i: number) => {
    const provider = data.providers[i];
    if (provider === undefined) throw new Error(`provider index ${i} out of range in hosting ranges`);
    return provider;
  };
  const v4 = createRangeTableBuilder<string>(4);
  for (const [start, end, p] of data.ipv4) v4.add(start, end, name(p));
  const v6 = createRangeTableBuilder<string>(6);
  for (const [start, end, p] of data.ipv6) v6.add(hexToBytes(start), hexToBytes(end), name(p));
  const tables: Record<number, RangeTable<string>> = { 4: v4.build(), 16: v6.build() };
  const rangeCount = (tables[4]?.size ?? 0) + (tables[16]?.size ?? 0);
  return {
    rangeCount,
    provider(ip) {
      return tables[ip.bytes.length]?.find(ip.bytes) ?? '';
    },
  };
}
