/**
 * Writes MetaMask's crypto phishing list and its legitimate crypto sites (npm `eth-phishing-detect`,
 * pinned and checked by its registry integrity; licence DBAD 1.1) as host lists for
 * scripts/domain/measure-long-tail.ts: an evaluation source no domain version was trained on
 * (issue 12: crypto phishing). src/training/crypto-lists.ts says what each list holds.
 *
 *   npx tsx scripts/domain/extract-crypto-lists.ts [--out models/training/.work/crypto]
 *
 * Output: crypto-phishing-hosts.tsv, crypto-legit-hosts.tsv (host, list, position, part: the blacklist's
 * newest 20% of positions / older, the legitimate sites' held-out / training half by registrable domain;
 * models/training/domain-crypto-sources.json trains on `older` and `train` only), provenance.json;
 * the package tarball stays in --out. Needs the npm registry (npm pack), nothing else.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type CryptoListRow, cryptoLists } from '../../src/training/crypto-lists';

const PACKAGE = 'eth-phishing-detect@1.2.0';
/** `npm view eth-phishing-detect@1.2.0 dist.integrity` (published 2024-12-09). */
const INTEGRITY = 'sha512-+M7D4dhu5tkSA9b5eiBwDeJCjwy+7Lv49nuTEw8fNZIZUAVZC3d2XHatBq1MOW7J8kxNGbBdgBuIf65opI7Tkg==';

const { values: args } = parseArgs({ options: { out: { type: 'string', default: 'models/training/.work/crypto' } } });
mkdirSync(args.out, { recursive: true });

const packed = JSON.parse(
  execFileSync('npm', ['pack', PACKAGE, '--json', '--pack-destination', args.out], { encoding: 'utf8' }),
) as { filename: string }[];
const tarball = join(args.out, packed[0]!.filename);
const bytes = readFileSync(tarball);
const integrity = `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
if (integrity !== INTEGRITY) throw new Error(`${tarball}: integrity ${integrity}, expected ${INTEGRITY}`);
const config = execFileSync('tar', ['-xzOf', tarball, 'package/src/config.json'], { maxBuffer: 1 << 28 }).toString();
const lists = cryptoLists(config);

const write = (name: string, rows: readonly CryptoListRow[]) =>
  writeFileSync(
    join(args.out, `${name}.tsv`),
    `host\tlist\tposition\tpart\n${rows.map((r) => `${r.host}\t${r.list}\t${r.position}\t${r.part}`).join('\n')}\n`,
  );
write('crypto-phishing-hosts', lists.phishing);
write('crypto-legit-hosts', lists.legitimate);
writeFileSync(
  join(args.out, 'provenance.json'),
  `${JSON.stringify(
    {
      made_by: 'scripts/domain/extract-crypto-lists.ts',
      package: PACKAGE,
      integrity,
      licence: 'DBAD Public License 1.1 (package LICENSE)',
      parts:
        'blacklist: newest (first 20% of positions, never trained on) / older; legitimate: held_out / train (seeded half by registrable domain)',
      phishing_rows: lists.phishing.length,
      legitimate_rows: lists.legitimate.length,
      dropped: lists.dropped,
      on_both_lists: lists.conflicting,
    },
    null,
    2,
  )}\n`,
);
console.log(`${lists.phishing.length} phishing and ${lists.legitimate.length} legitimate crypto hosts -> ${args.out}`);
