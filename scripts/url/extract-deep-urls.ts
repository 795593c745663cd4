/**
 * Writes a benign list of real deep URLs from packaging metadata on this Debian machine (no download;
 * the repository keeps no copy, it is rebuilt here): src/training/deep-url-sources.ts says what is read
 * and how each URL is cleaned and classified. Also writes provenance.json: inputs (with sha256 of the
 * apt indexes), counts per origin and kind, what was dropped and why, and the licence notes.
 *
 *   npx tsx scripts/url/extract-deep-urls.ts [--lists /var/lib/apt/lists] [--doc /usr/share/doc] \
 *       [--node-modules node_modules] [--python /usr/lib/python3/dist-packages,...] \
 *       [--per-domain 30] [--out models/training/.work/deep-urls]
 *
 * Output: deep-urls.tsv (url, kind, origin, from, registrable_domain; the `tsv` format of the sources
 * files, column `url`), provenance.json.
 *
 * Anything that might be malicious is kept out: every host named by a malicious source of
 * --malicious-sources (the domain model's training lists: OpenPhish, csirtg, pdd and PhishCrawl
 * phishing hosts, DGA names) is dropped with its URLs and listed in provenance.json.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { canonicalizeUrl } from '../../src/indicators/url/canonicalize';
import {
  capPerRegistrableDomain,
  cleanUrls,
  debianHomepageUrls,
  dep11Urls,
  type FoundUrl,
  packageJsonUrls,
  pythonMetadataUrls,
  urlsInText,
} from '../../src/training/deep-url-sources';
import { readSource, readSourcesFile } from '../../src/training/sources';

const { values: args } = parseArgs({
  options: {
    lists: { type: 'string', default: '/var/lib/apt/lists' },
    doc: { type: 'string', default: '/usr/share/doc' },
    'node-modules': { type: 'string', default: 'node_modules' },
    python: { type: 'string', default: '/usr/lib/python3/dist-packages' },
    'per-domain': { type: 'string', default: '30' },
    'malicious-sources': { type: 'string', default: 'models/training/domain-sources.json' },
    data: { type: 'string', default: '../shared/data' },
    out: { type: 'string', default: 'models/training/.work/deep-urls' },
  },
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const found: FoundUrl[] = [];
const inputs: Record<string, unknown> = {};

// apt's own reader undoes whatever compression apt chose (lz4 here, xz or gz elsewhere).
const aptText = (path: string) =>
  execFileSync('/usr/lib/apt/apt-helper', ['cat-file', path], { maxBuffer: 1 << 30 }).toString('utf8');
const listFiles = readdirSync(args.lists).sort();
const packages = listFiles.filter((f) => /_Packages(\.[a-z0-9]+)?$/.test(f));
if (packages.length === 0) throw new Error(`no *_Packages index in ${args.lists}: run apt-get update`);
found.push(...debianHomepageUrls(packages.map((f) => aptText(join(args.lists, f)))));
const components = listFiles.filter((f) => /_Components-[^_]+\.yml(\.[a-z0-9]+)?$/.test(f));
for (const f of components) found.push(...dep11Urls(aptText(join(args.lists, f))));
inputs.apt_indexes = [...packages, ...components].map((f) => ({
  file: f,
  sha256: sha256(readFileSync(join(args.lists, f))),
}));

// Each package's documentation folder: the copyright file, Debian changelog, NEWS and README files.
const DOC_FILE = /^(?:copyright|changelog\.Debian(?:\.gz)?|NEWS\.Debian(?:\.gz)?|README(?:\.[A-Za-z]+)?(?:\.gz)?)$/;
let docFiles = 0;
for (const pkg of readdirSync(args.doc).sort()) {
  const dir = join(args.doc, pkg);
  if (!statSync(dir).isDirectory()) continue;
  for (const f of readdirSync(dir).sort()) {
    if (!DOC_FILE.test(f)) continue;
    const path = join(dir, f);
    if (!statSync(path).isFile() || statSync(path).size > 4 << 20) continue;
    const buf = readFileSync(path);
    const text = (f.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
    const origin = `doc-${f.replace(/\.gz$/, '').replace(/\..*$/, '').toLowerCase()}`;
    for (const u of urlsInText(text)) found.push({ text: u, origin, from: pkg });
    docFiles++;
  }
}
inputs.doc_files = { dir: args.doc, files: docFiles };

// npm: every package.json of a package folder (scoped and nested node_modules included).
let npmPackages = 0;
const walkNodeModules = (dir: string) => {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const sub = join(dir, name);
    if (name.startsWith('@')) {
      walkNodeModules(sub);
      continue;
    }
    const pj = join(sub, 'package.json');
    if (existsSync(pj)) {
      found.push(...packageJsonUrls(readFileSync(pj, 'utf8'), name));
      npmPackages++;
    }
    walkNodeModules(join(sub, 'node_modules'));
  }
};
walkNodeModules(args['node-modules']);
inputs.npm = { dir: args['node-modules'], packages: npmPackages };

// Python: METADATA of every *.dist-info and PKG-INFO of every *.egg-info in the given folders.
let pythonDists = 0;
for (const dir of args.python.split(',').filter((d) => d !== '' && existsSync(d))) {
  for (const name of readdirSync(dir).sort()) {
    const file = name.endsWith('.dist-info')
      ? join(dir, name, 'METADATA')
      : name.endsWith('.egg-info')
        ? join(dir, name, 'PKG-INFO')
        : undefined;
    if (file === undefined || !existsSync(file) || !statSync(file).isFile()) continue;
    found.push(...pythonMetadataUrls(readFileSync(file, 'utf8'), name));
    pythonDists++;
  }
}
inputs.python = { dirs: args.python, distributions: pythonDists };

const cleaned = cleanUrls(found);

// Hosts any malicious training list names: their URLs are left out whatever the packaging says.
const maliciousHosts = new Set<string>();
for (const spec of readSourcesFile(args['malicious-sources']).filter((s) => s.label === 'malicious'))
  for (const r of readSource(spec, args.data)) maliciousHosts.add(r.value.toLowerCase());
const regdomOf = (url: string) => {
  const p = canonicalizeUrl(url);
  return p.ok ? { host: p.value.host, regdom: p.value.domain?.registrableDomain ?? '' } : { host: '', regdom: '' };
};
const flagged = cleaned.rows.filter((r) => maliciousHosts.has(regdomOf(r.url).host));
const clean = cleaned.rows.filter((r) => !maliciousHosts.has(regdomOf(r.url).host));
const rows = capPerRegistrableDomain(clean, Number(args['per-domain']));

const countBy = (xs: readonly string[]) => {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]));
};
mkdirSync(args.out, { recursive: true });
writeFileSync(
  join(args.out, 'deep-urls.tsv'),
  `url\tkind\torigin\tfrom\tregistrable_domain\n${rows
    .map((r) => [r.url, r.kind, r.origin, r.from.replace(/\s/g, ' '), regdomOf(r.url).regdom].join('\t'))
    .join('\n')}\n`,
);
const provenance = {
  made_by: 'scripts/url/extract-deep-urls.ts',
  made_at: new Date().toISOString(),
  inputs,
  found: found.length,
  dropped: cleaned.dropped,
  unique_clean: cleaned.rows.length,
  dropped_named_by_malicious_lists: {
    lists: args['malicious-sources'],
    rows: flagged.length,
    hosts: [...new Set(flagged.map((r) => regdomOf(r.url).host))].sort(),
  },
  per_registrable_domain_cap: Number(args['per-domain']),
  rows: rows.length,
  registrable_domains: new Set(rows.map((r) => regdomOf(r.url).regdom)).size,
  by_kind: countBy(rows.map((r) => r.kind)),
  by_origin: countBy(rows.map((r) => r.origin)),
  top_registrable_domains: Object.fromEntries(
    Object.entries(countBy(rows.map((r) => regdomOf(r.url).regdom))).slice(0, 15),
  ),
  licence:
    'URLs only (no page content), from package metadata: the Debian archive index and AppStream catalogue (each package`s debian/control and metainfo), /usr/share/doc copyright/changelog/README files (each under its package`s licence, quoted as facts: addresses), npm package.json and Python METADATA fields of installed packages. No copy in the repository; rebuild it with this script.',
};
writeFileSync(join(args.out, 'provenance.json'), `${JSON.stringify(provenance, null, 2)}\n`);
console.log(
  `${rows.length} deep-URL rows (${provenance.registrable_domains} registrable domains) from ${found.length} found, ` +
    `${cleaned.rows.length} unique clean, ${flagged.length} named by malicious lists dropped -> ${args.out}`,
);
