/**
 * Rebuilds src/indicators/domain/data/allow-list.txt: the registrable domains of the csirtg
 * silver-spork top-10k list (MPL-2.0, redistributable) that are still popular (present in the Tranco
 * top 100k of 2026, used here only as a filter), minus shared hosting platforms and private suffixes,
 * whose customers must never inherit the platform's reputation.
 *
 *   npx tsx scripts/domain/build-allow-list.ts [--data ../shared/data]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDomain } from '../../src/indicators/domain/parse';

const { values } = parseArgs({ options: { data: { type: 'string', default: '../shared/data' } } });
const lines = (f: string) =>
  readFileSync(join(values.data, 'domains', f), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

const regdom = (v: string) => {
  const p = parseDomain(v);
  return p.ok && !p.value.sharedHostingPlatform && !p.value.privateSuffix ? p.value.registrableDomain : '';
};
const popular = new Set(lines('tranco_top100k.txt').map(regdom));
const out = new Set<string>();
for (const v of lines('silver_spork_whitelist_top10k.txt')) {
  const r = regdom(v);
  if (r !== '' && popular.has(r)) out.add(r);
}
const header = [
  '# Allow-listed registrable domains (exact match on the registrable domain, never a regex or substring).',
  '# Source: csirtgadgets/silver-spork data/whitelist.txt (MPL-2.0), kept only where still in the Tranco',
  '# top 100k (2026); shared hosting platforms and private PSL suffixes removed. Rebuild with',
  '# scripts/domain/build-allow-list.ts.',
];
writeFileSync('src/indicators/domain/data/allow-list.txt', `${[...header, ...[...out].sort()].join('\n')}\n`);
console.log(`${out.size} registrable domains`);
