/**
 * Checks data/known-services.json against the data it must not contradict:
 * 1. every /24 of a coarsened relay block (Apple's egress list is ~3,000 fragments, kept as a few blocks)
 *    is announced by the relay operator's own ASNs in the bundled ASN table, so the block holds no other
 *    tenant;
 * 2. how many labelled training addresses fall inside the known-service ranges (a malicious one would be
 *    answered "known service": the rule's false negatives on our data).
 *
 *   npx tsx scripts/ip/check-known-services.ts [--data ../shared/data]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import services from '../../src/indicators/ip/data/known-services.json';
import { createGeoLookup } from '../../src/indicators/ip/geo';
import { createKnownServiceLookup, rangeOf } from '../../src/indicators/ip/known-services';
import { parseIp } from '../../src/indicators/ip/parse';

const { values: args } = parseArgs({ options: { data: { type: 'string', default: '../shared/data' } } });

async function main(): Promise<void> {
  const geo = await createGeoLookup();
  const relay = services.services.find((s) => s.id === 'apple-private-relay');
  for (const block of relay?.ipv4 ?? []) {
    const { start, end } = rangeOf(block);
    const asns = new Map<string, number>();
    const ip = Uint8Array.from(start);
    for (;;) {
      const p = parseIp(`${ip[0]}.${ip[1]}.${ip[2]}.1`);
      if (p.ok) {
        const g = geo.lookup(p.value);
        const key = `AS${g.asn} ${g.asOrganization}`;
        asns.set(key, (asns.get(key) ?? 0) + 1);
      }
      if (ip[0] === end[0] && ip[1] === end[1] && ip[2] === end[2]) break;
      ip[2] = (ip[2]! + 1) & 255;
      if (ip[2] === 0) ip[1] = (ip[1]! + 1) & 255;
    }
    console.log(`${block}: /24s by ASN ${JSON.stringify(Object.fromEntries(asns))}`);
  }
  const known = createKnownServiceLookup();
  console.log(`${known.rangeCount} known-service ranges`);
  const files: [string, string][] = [
    ['ipsum', 'ips/ipsum_2plus_lists_2026-08-22.csv'],
    ['c2_tracker', 'ips/c2_tracker_first_seen_until_2025-06-30.csv.gz'],
    ['tranco', 'ips/tranco_top10k_resolved_ip_asn.csv'],
  ];
  for (const [name, path] of files) {
    const buf = readFileSync(join(args.data, path));
    const lines = (path.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8').split('\n');
    const col = (lines[0] ?? '').split(',').indexOf('ip');
    const hits = new Map<string, number>();
    let total = 0;
    for (const line of lines.slice(1)) {
      const f = line.split(',');
      const p = parseIp(f[col === -1 ? 0 : f.length - (lines[0]!.split(',').length - col)] ?? '');
      if (!p.ok) continue;
      total++;
      const s = known.find(p.value);
      if (s !== undefined) hits.set(s.id, (hits.get(s.id) ?? 0) + 1);
    }
    console.log(`${name}: ${total} addresses, in known-service ranges ${JSON.stringify(Object.fromEntries(hits))}`);
  }
  geo.close();
}

void main();
