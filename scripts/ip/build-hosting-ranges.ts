/**
 * Builds src/indicators/ip/data/hosting-ranges.json from the cloud provider prefix list
 * (shared/data/ips/cloud_provider_ranges.csv: provider,cidr,ip_version; CC0, from lord-alfred/ipranges).
 *
 *   node --import tsx scripts/ip/build-hosting-ranges.ts [input.csv] [output.json]
 *
 * Prefixes of different providers can nest (a provider's block inside another's), so the script flattens
 * them into disjoint inclusive ranges (see flatten() for who wins) and merges neighbours of the same
 * provider. The runtime lookup is then one binary search. Output is deterministic (no timestamps): rerunning
 * on the same input gives the same bytes, and the input's SHA-256 is recorded.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ipaddr from 'ipaddr.js';

const repo = path.resolve(__dirname, '../..');
const input = process.argv[2] ?? path.resolve(repo, '../shared/data/ips/cloud_provider_ranges.csv');
const output = process.argv[3] ?? path.join(repo, 'src/indicators/ip/data/hosting-ranges.json');

interface Prefix {
  start: bigint;
  end: bigint;
  bits: number;
  provider: string;
}
interface Segment {
  start: bigint;
  end: bigint;
  provider: string;
}

function toBigInt(bytes: number[]): bigint {
  return bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

function readPrefixes(text: string): Map<4 | 6, Prefix[]> {
  const out = new Map<4 | 6, Prefix[]>([
    [4, []],
    [6, []],
  ]);
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines[0] !== 'provider,cidr,ip_version') throw new Error(`unexpected header: ${lines[0]}`);
  for (const line of lines.slice(1)) {
    const [provider = '', cidr = ''] = line.split(',');
    const [addr, bits] = ipaddr.parseCIDR(cidr);
    const width = addr.kind() === 'ipv4' ? 32 : 128;
    const network = toBigInt(addr.toByteArray()) & ~((1n << BigInt(width - bits)) - 1n);
    const end = network | ((1n << BigInt(width - bits)) - 1n);
    out.get(width === 32 ? 4 : 6)?.push({ start: network, end, bits, provider });
  }
  return out;
}

/**
 * Disjoint segments. When one provider's block lies inside (or equals) another provider's block, the
 * OUTER block's provider wins, i.e. the owner of the address space, not the tenant: every such case in the
 * 2026-08 list is GitHub (Actions runners etc.) inside Microsoft Azure (3,759 nested, 5,075 identical
 * blocks) or Amazon (3 nested), and an attacker's VM there is an Azure/AWS customer, not GitHub. Identical
 * blocks go to the provider holding more address space overall (the infrastructure owner). CIDR blocks
 * either nest or are disjoint, so one pass over the sorted list suffices.
 */
function flatten(prefixes: Prefix[], rank: Map<string, number>): { segments: Segment[]; covered: number } {
  const sorted = [...prefixes].sort(
    (a, b) =>
      (a.start < b.start ? -1 : a.start > b.start ? 1 : 0) ||
      a.bits - b.bits ||
      (rank.get(a.provider) ?? 0) - (rank.get(b.provider) ?? 0),
  );
  const segments: Segment[] = [];
  let coverEnd = -1n;
  let covered = 0;
  for (const p of sorted) {
    if (p.start <= coverEnd) {
      covered++;
      continue;
    }
    coverEnd = p.end;
    const last = segments.at(-1);
    if (last && last.provider === p.provider && last.end + 1n === p.start) last.end = p.end;
    else segments.push({ start: p.start, end: p.end, provider: p.provider });
  }
  return { segments, covered };
}

const text = readFileSync(input, 'utf8');
const byVersion = readPrefixes(text);
const all = [...byVersion.values()].flat();
const providers = [...new Set(all.map((p) => p.provider))].sort();
const index = new Map(providers.map((p, i) => [p, i]));
// Rank 0 = most IPv4 addresses; IPv6 sizes are astronomically skewed by a few /32s, so IPv4 decides.
const space = new Map<string, bigint>(providers.map((p) => [p, 0n]));
for (const p of byVersion.get(4) ?? []) space.set(p.provider, (space.get(p.provider) ?? 0n) + p.end - p.start + 1n);
const byspace = [...providers].sort(
  (a, b) => Number((space.get(b) ?? 0n) - (space.get(a) ?? 0n)) || a.localeCompare(b),
);
const rank = new Map(byspace.map((p, i) => [p, i]));
const v4 = flatten(byVersion.get(4) ?? [], rank);
const v6 = flatten(byVersion.get(6) ?? [], rank);

const hex = (n: bigint) => n.toString(16).padStart(32, '0');
const lines = [
  '{',
  `  "source": "shared/data/ips/cloud_provider_ranges.csv (lord-alfred/ipranges, CC0-1.0)",`,
  `  "sourceSha256": "${createHash('sha256').update(text).digest('hex')}",`,
  `  "format": "disjoint inclusive ranges [start, end, providerIndex]; ipv4 as uint32, ipv6 as 32 hex digits",`,
  `  "providers": ${JSON.stringify(providers)},`,
  '  "ipv4": [',
  v4.segments.map((s) => `    [${s.start}, ${s.end}, ${index.get(s.provider)}]`).join(',\n'),
  '  ],',
  '  "ipv6": [',
  v6.segments.map((s) => `    ["${hex(s.start)}", "${hex(s.end)}", ${index.get(s.provider)}]`).join(',\n'),
  '  ]',
  '}',
  '',
];
writeFileSync(output, lines.join('\n'));
const prefixes = (byVersion.get(4)?.length ?? 0) + (byVersion.get(6)?.length ?? 0);
console.log(
  `${prefixes} prefixes -> ${v4.segments.length} IPv4 + ${v6.segments.length} IPv6 ranges ` +
    `(${v4.covered + v6.covered} blocks inside another block dropped; owner order ${byspace.join(' > ')}) ` +
    `-> ${path.relative(repo, output)}`,
);
