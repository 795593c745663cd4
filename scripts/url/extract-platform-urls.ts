/**
 * A benign source of URLs on hosting platforms (customer sites such as `x.github.io`, `x.netlify.app`,
 * `raw.githubusercontent.com` files) that the URL model never saw: the links written in the code and
 * documentation of software installed on this machine (no download): every text file (by name) of
 * node_modules, /usr/share, /usr/lib and /usr/include, and of the pinned Python venv (gzip undone). These are the platform
 * links a developer's traffic is made of (docs sites, badges, raw files, demo pages), written by
 * the projects themselves; they choose the URL model's thresholds for the platform slice
 * (scripts/url/measure-platform-slice.ts), so they must not be the lists the slice is reported on.
 *
 *   npx tsx scripts/url/extract-platform-urls.ts \
 *       --roots node_modules,/usr/share,/usr/lib,/usr/include,<pinned venv site-packages> \
 *       --out models/training/.work/platform-urls
 *
 * Kept: URLs whose host is a platform customer site (isPlatformCustomer: PSL private suffix or shared
 * hosting, not dynamic DNS). Dropped: URLs any URL training source of --url-sources holds (the
 * deep-URL list included), customer sites those sources hold (except the shared file hosts, one
 * site for everyone: their URLs are dropped one by one), hosts named by a malicious domain list, and
 * template placeholders (cleanUrls). At most --per-unit URLs per unit (site, or owner on a shared file
 * host: `raw.githubusercontent.com/<owner>`) and --per-platform per platform (public suffix), seeded.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { isPlatformCustomer } from '../../src/indicators/domain/platform-slice';
import { canonicalizeUrl } from '../../src/indicators/url/canonicalize';
import { platformUnit } from '../../src/indicators/url/platform-slice';
import { cleanUrls, type FoundUrl, urlsInText } from '../../src/training/deep-url-sources';
import { readSource, readSourcesFile, stableUnit } from '../../src/training/sources';
import { readUrlSourceRows } from '../../src/training/url-source-rows';

const { values: args } = parseArgs({
  options: {
    roots: { type: 'string', default: 'node_modules,/usr/share,/usr/lib,/usr/include' },
    'url-sources': { type: 'string', default: 'models/training/url-3-sources.json' },
    'malicious-sources': { type: 'string', default: 'models/training/domain-sources.json' },
    data: { type: 'string', default: '../shared/data' },
    'per-unit': { type: 'string', default: '10' },
    'per-platform': { type: 'string', default: '150' },
    out: { type: 'string', default: 'models/training/.work/platform-urls' },
  },
});

const TEXT_FILE =
  /\.(?:md|markdown|rst|txt|html?|js|cjs|mjs|ts|py|json|ya?ml|toml|cfg|ini|pod|pm|rb|sh|c|h|1)(?:\.gz)?$/i;
const NAMED_FILE =
  /^(?:readme|changelog|changes|news|history|copyright|authors|metadata|pkg-info)(?:\.[a-z]+)?(?:\.gz)?$/i;
const MAX_BYTES = 2 << 20;

const found: FoundUrl[] = [];
// The first file that names a URL is where it was found.
const seen = new Set<string>();
let files = 0;
const walk = (dir: string, root: string) => {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(path);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) continue;
    if (st.isDirectory()) {
      walk(path, root);
      continue;
    }
    if (!st.isFile() || st.size > MAX_BYTES || !(TEXT_FILE.test(name) || NAMED_FILE.test(name))) continue;
    const buf = readFileSync(path);
    let text: string;
    try {
      text = (name.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
    } catch {
      continue;
    }
    files++;
    const from = path.slice(root.length + 1).split('/')[0] ?? name;
    for (const u of urlsInText(text)) {
      if (seen.has(u)) continue;
      seen.add(u);
      found.push({ text: u, origin: root, from });
    }
  }
};
const roots = args.roots.split(',').filter((r) => r !== '' && existsSync(r));
for (const r of roots) walk(r, r);

// What the version was trained on: every URL and site of its URL sources (all splits), the deep-URL list included.
const trainedUrls = new Set<string>();
const trainedSites = new Set<string>();
for (const r of readUrlSourceRows(args['url-sources'], args.data)) {
  trainedUrls.add(r.url.url);
  trainedSites.add(r.site);
}
const maliciousHosts = new Set<string>();
for (const spec of readSourcesFile(args['malicious-sources']).filter((s) => s.label === 'malicious'))
  for (const r of readSource(spec, args.data)) maliciousHosts.add(r.value.toLowerCase());

const cleaned = cleanUrls(found);
const drops = { not_platform: 0, trained_url: 0, trained_site: 0, malicious_host: 0 };
interface Row {
  url: string;
  unit: string;
  platform: string;
  origin: string;
  from: string;
}
const kept: Row[] = [];
for (const r of cleaned.rows) {
  const p = canonicalizeUrl(r.url);
  if (!p.ok || p.value.domain === undefined || !isPlatformCustomer(p.value.domain)) {
    drops.not_platform++;
    continue;
  }
  const u = p.value;
  const unit = platformUnit(u);
  const shared = unit !== u.domain!.siteKey;
  if (maliciousHosts.has(u.host)) drops.malicious_host++;
  else if (trainedUrls.has(u.url)) drops.trained_url++;
  else if (!shared && trainedSites.has(u.domain!.siteKey)) drops.trained_site++;
  else kept.push({ url: u.url, unit, platform: u.domain!.publicSuffix, origin: r.origin, from: r.from });
}
const byUnit = new Map<string, Row[]>();
for (const r of kept) byUnit.set(r.unit, [...(byUnit.get(r.unit) ?? []), r]);
const cap = Number(args['per-unit']);
const seeded = (list: readonly Row[], key: (r: Row) => string, n: number) =>
  [...list].sort((a, b) => stableUnit(key(a)) - stableUnit(key(b))).slice(0, n);
const perUnit = [...byUnit.values()].flatMap((list) => seeded(list, (r) => `platform-url:${r.url}`, cap));
// One platform must not make the list (a cloud SDK names hundreds of API hosts of one platform).
const byPlatform = new Map<string, Row[]>();
for (const r of perUnit) byPlatform.set(r.platform, [...(byPlatform.get(r.platform) ?? []), r]);
const rows = [...byPlatform.values()].flatMap((list) =>
  seeded(list, (r) => `platform-url:${r.url}`, Number(args['per-platform'])),
);
rows.sort((a, b) => (a.url < b.url ? -1 : 1));

const countBy = (xs: readonly string[]) => {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]));
};
mkdirSync(args.out, { recursive: true });
const tsv = `url\tunit\tplatform\torigin\tfrom\n${rows.map((r) => [r.url, r.unit, r.platform, r.origin, r.from.replace(/\s/g, ' ')].join('\t')).join('\n')}\n`;
writeFileSync(join(args.out, 'platform-urls.tsv'), tsv);
const provenance = {
  made_by: 'scripts/url/extract-platform-urls.ts',
  command: ['npx tsx scripts/url/extract-platform-urls.ts', ...process.argv.slice(2)].join(' '),
  made_at: new Date().toISOString(),
  roots,
  text_files: files,
  found: found.length,
  unique_clean: cleaned.rows.length,
  dropped: { ...cleaned.dropped, ...drops },
  per_unit_cap: cap,
  per_platform_cap: Number(args['per-platform']),
  rows: rows.length,
  units: new Set(rows.map((r) => r.unit)).size,
  sha256: createHash('sha256').update(tsv).digest('hex'),
  by_platform: Object.fromEntries(Object.entries(countBy(rows.map((r) => r.platform))).slice(0, 30)),
  by_root: countBy(rows.map((r) => r.origin)),
  licence: 'URLs only, quoted from the code and documentation of installed packages (each under its own licence).',
};
writeFileSync(join(args.out, 'provenance.json'), `${JSON.stringify(provenance, null, 2)}\n`);
console.log(`${rows.length} platform URLs (${provenance.units} units) from ${files} files -> ${args.out}`);
