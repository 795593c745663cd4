/**
 * Rebuilds src/indicators/domain/data/brand-domains.txt: the popular registrable domains whose own
 * name carries a brand of the domain/2 brand lists (googleapis.com, googleusercontent.com,
 * microsoftonline.com, ebay-kleinanzeigen.de). A link to one of them is the brand's own site or a
 * site too popular to be an imitation, never a look-alike (email features email/7, lookalike-links.ts).
 *
 * The same source and filter as the allow-list (build-allow-list.ts: csirtg silver-spork top-10k,
 * MPL-2.0, kept where still in the Tranco top 100k of 2026, Tranco used only as a filter), with two
 * differences: registrable domains are taken under ICANN rules alone, and hosting platforms are
 * kept. The allow-list drops platforms so that a customer's site never inherits the platform's
 * reputation; here the question is only whose name the registrable label is, and googleapis.com is
 * Google's even though `storage.googleapis.com` serves anyone's files (a customer's own label under a
 * platform is still judged: lookalike-links.ts).
 *
 *   npx tsx scripts/domain/build-brand-domains.ts [--data ../shared/data]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { getDomain } from 'tldts';
import { BRAND_MATCHER_2 } from '../../src/indicators/domain/features-v2';

const { values } = parseArgs({ options: { data: { type: 'string', default: '../shared/data' } } });
const lines = (f: string) =>
  readFileSync(join(values.data, 'domains', f), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

const icann = (v: string) => getDomain(v, { allowPrivateDomains: false }) ?? '';
const popular = new Set(lines('tranco_top100k.txt').map(icann));
const out = new Set<string>();
for (const v of lines('silver_spork_whitelist_top10k.txt')) {
  const r = icann(v);
  if (r === '' || !popular.has(r)) continue;
  const label = r.split('.')[0] ?? '';
  if (BRAND_MATCHER_2.lookalike(label) !== undefined || BRAND_MATCHER_2.named(label) !== undefined) out.add(r);
}
const header = [
  '# Popular registrable domains (ICANN rules) whose label names or imitates a brand of the domain/2 lists:',
  "# the brand's own domains, or sites too popular to be look-alikes. Exact match on the registrable domain.",
  '# Source: csirtgadgets/silver-spork data/whitelist.txt (MPL-2.0), kept only where still in the Tranco',
  "# top 100k (2026); hosting platforms kept (googleapis.com is Google's). Rebuild with",
  '# scripts/domain/build-brand-domains.ts.',
];
writeFileSync('src/indicators/domain/data/brand-domains.txt', `${[...header, ...[...out].sort()].join('\n')}\n`);
console.log(`${out.size} registrable domains`);
