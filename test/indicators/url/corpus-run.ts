/**
 * Not a test: runs canonicalizeUrl over a URL CSV (first column `url`, RFC 4180 quoting) and prints
 * (1) ns per URL on the first N rows, best of several rounds, and (2) failures grouped by reason and
 * message pattern, with examples.
 *
 *   node --import tsx test/indicators/url/corpus-run.ts [file.csv.gz] [benchRows]
 *
 * Under tsx every cross-module call goes through an export getter, which inflates the timing by
 * 30-80%; for numbers that match production, run the tsc output (`npm run build` or tsc to a temp dir).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseDomain } from '../../../src/indicators/domain/parse';
import { canonicalizeUrl } from '../../../src/indicators/url/canonicalize';

const file = process.argv[2] ?? '/work/shared/data/urls/urls_train.csv.gz';
const benchRows = Number(process.argv[3] ?? 20_000);

/** First field of each CSV record; fields may be quoted with `""` escapes. */
function firstColumn(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quote');
        field += text.slice(i, q);
        if (text[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    } else {
      let j = i;
      while (j < text.length && text[j] !== ',' && text[j] !== '\n') j++;
      field = text.slice(i, j);
      i = j;
    }
    out.push(field);
    const nl = text.indexOf('\n', i);
    i = nl < 0 ? text.length : nl + 1;
  }
  return out;
}

const raw = readFileSync(file);
const urls = firstColumn((file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8')).slice(1);

const sample = urls.slice(0, benchRows);
let sink = 0;
let best = Number.POSITIVE_INFINITY;
for (let round = 0; round < 7; round++) {
  const t0 = process.hrtime.bigint();
  for (const u of sample) {
    const r = canonicalizeUrl(u);
    sink += r.ok ? r.value.url.length : 1;
  }
  best = Math.min(best, Number(process.hrtime.bigint() - t0) / sample.length);
}
/** Baseline: WHATWG parsing, optionally followed by the same domain parsing canonicalizeUrl does. */
function baseline(withDomain: boolean): number {
  let b = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 7; round++) {
    const t0 = process.hrtime.bigint();
    for (const u of sample) {
      try {
        const x = new URL(u.includes('://') ? u : `http://${u}`);
        sink += withDomain ? (parseDomain(x.hostname).ok ? 2 : 1) : x.href.length;
      } catch {
        sink += 1;
      }
    }
    b = Math.min(b, Number(process.hrtime.bigint() - t0) / sample.length);
  }
  return b;
}
const bare = baseline(false);
const withDomain = baseline(true);
console.log(
  `bench: ${sample.length} rows, canonicalizeUrl best of 7: ${best.toFixed(0)} ns/URL (${(1e9 / best / 1000).toFixed(0)}k URLs/s on one core)`,
);
console.log(
  `       baselines: new URL() ${bare.toFixed(0)} ns/URL; new URL() + parseDomain(hostname) ${withDomain.toFixed(0)} ns/URL (sink ${sink % 10})`,
);

const groups = new Map<string, { count: number; examples: string[] }>();
let failed = 0;
let defanged = 0;
let userinfo = 0;
const kinds = { domain: 0, ipv4: 0, ipv6: 0 };
for (const u of urls) {
  const r = canonicalizeUrl(u);
  if (r.ok) {
    kinds[r.value.hostKind]++;
    if (r.value.defanged) defanged++;
    if (r.value.hadUserinfo) userinfo++;
    continue;
  }
  failed++;
  // Group by message shape: quoted values and numbers replaced.
  const key = `${r.error.reason}: ${r.error.message.replace(/"[^"]*"/g, '"…"').replace(/\d+/g, 'N')}`;
  const g = groups.get(key) ?? { count: 0, examples: [] };
  g.count++;
  if (g.examples.length < 3) g.examples.push(u.slice(0, 100));
  groups.set(key, g);
}
console.log(
  `\ncorpus: ${urls.length} URLs, ${urls.length - failed} ok (${JSON.stringify(kinds)}, defanged ${defanged}, user-info ${userinfo}), ${failed} failed (${((100 * failed) / urls.length).toFixed(2)}%)`,
);
for (const [key, g] of [...groups].sort((a, b) => b[1].count - a[1].count)) {
  console.log(`${String(g.count).padStart(7)}  ${key}`);
  for (const e of g.examples) console.log(`           e.g. ${JSON.stringify(e)}`);
}
