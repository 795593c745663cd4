/**
 * Writes two real long-tail benign host lists from files on this Debian machine (no download; the
 * repository keeps no copy): the hosts of the Homepage fields of the apt package indexes and the hosts
 * named by the private section of the Public Suffix List (src/training/long-tail-sources.ts says how
 * each is reduced to what a resolver sees). Also writes provenance.json: the input files with their
 * sha256 and the index date, the counts, and what was dropped.
 *
 *   apt-get update    # as root, optional: a fresher index (the date goes into provenance.json)
 *   npx tsx scripts/domain/extract-long-tail.ts [--lists /var/lib/apt/lists] \
 *       [--psl /usr/share/publicsuffix/public_suffix_list.dat] [--out models/training/.work/long-tail]
 *
 * Output (one host a line, `lines` format of the sources files; the TSVs keep what each row came from):
 * debian-homepage-hosts.txt/.tsv, psl-private-hosts.txt/.tsv, provenance.json.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { homepageHosts, privateSuffixes } from '../../src/training/long-tail-sources';

const { values: args } = parseArgs({
  options: {
    lists: { type: 'string', default: '/var/lib/apt/lists' },
    psl: { type: 'string', default: '/usr/share/publicsuffix/public_suffix_list.dat' },
    out: { type: 'string', default: 'models/training/.work/long-tail' },
  },
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

// apt's own reader: it undoes whatever compression apt chose (lz4 here, xz or gz elsewhere).
const indexFiles = readdirSync(args.lists)
  .filter((f) => /_Packages(\.[a-z0-9]+)?$/.test(f))
  .sort();
if (indexFiles.length === 0) throw new Error(`no *_Packages index in ${args.lists}: run apt-get update`);
const indexes = indexFiles.map((f) => {
  const path = join(args.lists, f);
  const text = execFileSync('/usr/lib/apt/apt-helper', ['cat-file', path], { maxBuffer: 1 << 30 }).toString('utf8');
  const release = join(args.lists, f.replace(/_[^_]+_binary-[^_]+_Packages.*$/, '_InRelease'));
  let date = '';
  try {
    date = /^Date:\s*(.+)$/m.exec(readFileSync(release, 'utf8'))?.[1] ?? '';
  } catch {
    // An index without its InRelease file (a local repository) has no date to record.
  }
  return { file: f, sha256: sha256(readFileSync(path)), release_date: date, text };
});
const homepages = homepageHosts(indexes.map((i) => i.text));

const pslBytes = readFileSync(args.psl);
const psl = privateSuffixes(pslBytes.toString('utf8'));
// The list file carries no version of its own; the Debian package that installed it does.
const pslVersion = debianVersionOf(args.psl);

mkdirSync(args.out, { recursive: true });
const write = (name: string, header: string, rows: string[][]) => {
  writeFileSync(join(args.out, `${name}.txt`), `${rows.map((r) => r[0]).join('\n')}\n`);
  writeFileSync(join(args.out, `${name}.tsv`), `${header}\n${rows.map((r) => r.join('\t')).join('\n')}\n`);
};
write(
  'debian-homepage-hosts',
  'host\tpackages\texample_package',
  homepages.hosts.map((h) => [h.host, String(h.packages), h.example]),
);
write(
  'psl-private-hosts',
  'host\torganisation\trule',
  psl.map((p) => [p.host, p.organisation, p.rule]),
);
const provenance = {
  made_by: 'scripts/domain/extract-long-tail.ts',
  debian_homepage_hosts: {
    inputs: indexes.map(({ file, sha256: s, release_date }) => ({ file, sha256: s, release_date })),
    rows: homepages.hosts.length,
    ...homepages.stats,
    licence:
      'Debian archive index: package metadata from each package`s debian/control (no licence stated for the index as a whole); host names only, no copy in the repository',
  },
  psl_private_hosts: {
    input: { file: args.psl, sha256: sha256(pslBytes), version: pslVersion },
    rows: psl.length,
    organisations: new Set(psl.map((p) => p.organisation)).size,
    rules: { plain: 0, wildcard: 0, exception: 0, ...countBy(psl.map((p) => p.rule)) },
    licence: 'MPL-2.0 (Public Suffix List; Debian package publicsuffix)',
  },
};
writeFileSync(join(args.out, 'provenance.json'), `${JSON.stringify(provenance, null, 2)}\n`);
console.log(
  `${homepages.hosts.length} Homepage hosts from ${homepages.stats.withHomepage} of ${homepages.stats.packages} packages; ` +
    `${psl.length} private-suffix hosts of ${provenance.psl_private_hosts.organisations} organisations -> ${args.out}`,
);

function debianVersionOf(path: string): string {
  try {
    const pkg = execFileSync('dpkg-query', ['-S', path]).toString().split(':')[0]!;
    return `${pkg} ${execFileSync('dpkg-query', ['-W', '-f', '$'.concat('{Version}'), pkg]).toString()}`;
  } catch {
    return '';
  }
}

function countBy(xs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}
