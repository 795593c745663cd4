/**
 * False positives of a URL model version on the benign deep-URL list of this machine (written by
 * scripts/url/extract-deep-urls.ts), per kind of page (forge, docs, homepage, ...; never mixed), two ways:
 *
 * - `model`: the version's own score (serving feature code and assets, its ONNX file) against its
 *   thresholds, for every URL: what the leave-one-source-out figures of the model card measure;
 * - `served` (with --served): the answer of the service as it runs (`createApp` on --models):
 *   allow-list, rules and thresholds, i.e. what a sensor would be told.
 *
 * With --only-split test, only the rows whose site is on the test side of the training split (what a
 * version trained on this list never saw) are kept, for both the list and the probe.
 *
 * A row whose registrable domain (or site key) is in any source of --sources (the version's training
 * sources, all splits, both labels) is `seen`; `unseen` is the honest figure. The forge-link probe
 * builds, for every registrable domain of the list that is not a platform, the link a self-hosted forge
 * of that organisation would have (`https://git.<domain>/<first label>/<package>`): invented addresses
 * on real organisations' names, the shape of the links that scored 0.95-0.99.
 *
 *   npx tsx scripts/url/measure-deep-urls.ts --model models/url/2 --served \
 *       --out models/training/results/url-2-deep-urls.json models/training/.work/deep-urls/deep-urls.tsv
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import pino from 'pino';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import type { Verdict } from '../../src/indicators/types';
import { type CanonicalUrl, canonicalizeUrl } from '../../src/indicators/url/canonicalize';
import { loadModel } from '../../src/scoring/loaded-model';
import { urlPipeline } from '../../src/scoring/pipelines/url';
import { readSource, type SourceSpec } from '../../src/training/sources';
import { splitOf } from '../../src/training/split';
import { splitUrlCsvLine, urlSiteKey } from '../../src/training/url-rows';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    model: { type: 'string', default: 'models/url/2' },
    served: { type: 'boolean', default: false },
    'allow-unsigned': { type: 'boolean', default: false },
    models: { type: 'string', default: 'models' },
    sources: { type: 'string', default: 'models/training/url-sources.json' },
    data: { type: 'string', default: '../shared/data' },
    top: { type: 'string', default: '15' },
    /**
     * Keep only the rows whose site falls in this split of the training split function (`test`: sites
     * a version trained on this list never saw), so versions with and without the list compare on the
     * same rows.
     */
    'only-split': { type: 'string' },
    out: { type: 'string' },
  },
});
if (positionals.length !== 1) throw new Error('one deep-urls.tsv expected');

interface Row {
  url: CanonicalUrl;
  kind: string;
  seen: boolean;
  /** The host is a user's site on a platform (private suffix or shared hosting: `x.github.io`). */
  platform: boolean;
  score: number;
  model: Verdict;
  served?: Verdict | undefined;
  reasons?: string[] | undefined;
}

/** Registrable domains and site keys of every row of the version's training sources. */
function trainingSites(): Set<string> {
  const spec = JSON.parse(readFileSync(args.sources, 'utf8')) as {
    file: { path: string };
    host_sources?: SourceSpec[];
    url_sources?: SourceSpec[];
  };
  const out = new Set<string>();
  const add = (text: string) => {
    const p = canonicalizeUrl(text);
    if (!p.ok) return;
    out.add(urlSiteKey(p.value));
    if (p.value.domain?.registrableDomain) out.add(p.value.domain.registrableDomain);
  };
  const buf = readFileSync(join(args.data, spec.file.path));
  const lines = (spec.file.path.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8').split('\n');
  const width = (lines[0] ?? '').split(',').length;
  for (const l of lines.slice(1)) if (l !== '') add(splitUrlCsvLine(l, width)?.[0] ?? '');
  for (const hs of spec.host_sources ?? []) for (const r of readSource(hs, args.data)) add(`http://${r.value}/`);
  for (const us of spec.url_sources ?? []) for (const r of readSource(us, args.data)) add(r.value);
  return out;
}

function readRows(path: string, known: Set<string>): Row[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const cols = header!.split('\t');
  const [cu, ck, cf] = ['url', 'kind', 'from'].map((c) => cols.indexOf(c)) as [number, number, number];
  const rows: Row[] = [];
  const forgeProbe = new Map<string, Row>();
  for (const line of lines) {
    const f = line.split('\t');
    const p = canonicalizeUrl(f[cu]!);
    if (!p.ok || p.value.domain === undefined) continue;
    if (args['only-split'] !== undefined && splitOf(urlSiteKey(p.value)) !== args['only-split']) continue;
    const d = p.value.domain;
    const seen = known.has(urlSiteKey(p.value)) || known.has(d.registrableDomain);
    const platform = d.privateSuffix || d.sharedHostingPlatform;
    rows.push({ url: p.value, kind: f[ck]!, seen, platform, score: 0, model: 'benign' });
    if (!platform && !forgeProbe.has(d.registrableDomain)) {
      const user = d.registrableDomain.split('.')[0]!;
      const repo = (f[cf] ?? 'project').replace(/[^a-z0-9._-]/gi, '') || 'project';
      const q = canonicalizeUrl(`https://git.${d.registrableDomain}/${user}/${repo}`);
      if (q.ok)
        forgeProbe.set(d.registrableDomain, {
          url: q.value,
          kind: 'probe-invented-git-forge-link',
          seen,
          platform: false,
          score: 0,
          model: 'benign',
        });
    }
  }
  return [...rows, ...forgeProbe.values()];
}

async function score(rows: Row[]): Promise<void> {
  const model = await loadModel(args.model, urlPipeline);
  const pipeline = model.pipeline ?? urlPipeline;
  const width = pipeline.featureNames.length;
  const x = new Float32Array(rows.length * width);
  rows.forEach((r, i) => {
    pipeline.features(r.url as never, model.assets as never, x, i * width);
  });
  const p = await model.predict(x, rows.length);
  const t = model.metadata.thresholds;
  rows.forEach((r, i) => {
    r.score = p[i]!;
    r.model = r.score >= t.malicious ? 'malicious' : r.score >= t.suspicious ? 'suspicious' : 'benign';
  });
  result.model = {
    dir: args.model,
    version: model.version,
    features_version: model.metadata.features_version,
    thresholds: t,
  };
  await model.release();
  if (!args.served) return;
  const app = await createApp(
    loadConfig(['--models', args.models, ...(args['allow-unsigned'] ? ['--allow-unsigned-models', 'true'] : [])], {}),
    pino({ level: 'warn' }, process.stderr),
  );
  for (let i = 0; i < rows.length; i += 1000) {
    const batch = rows.slice(i, i + 1000);
    const served = await app.scorer.scoreBatch(
      'url',
      batch.map((r, j) => ({ id: String(j), value: r.url.url })),
      'full',
    );
    served.forEach((s, j) => {
      batch[j]!.served = s.verdict;
      batch[j]!.reasons = s.reasons.map((x) => x.code).filter((c) => c !== 'MODEL_SCORE');
    });
  }
  await app.close();
}

function rates(rows: readonly Row[]) {
  const n = rows.length;
  const pct = (f: (r: Row) => boolean) => (n === 0 ? null : Number((rows.filter(f).length / n).toFixed(4)));
  const out: Record<string, number | null> = {
    rows: n,
    model_fpr_at_suspicious: pct((r) => r.model !== 'benign'),
    model_fpr_at_malicious: pct((r) => r.model === 'malicious'),
  };
  if (rows.some((r) => r.served !== undefined)) {
    out.served_fpr_at_suspicious = pct((r) => r.served !== undefined && r.served !== 'benign');
    out.served_fpr_at_malicious = pct((r) => r.served === 'malicious');
  }
  return out;
}

const result: Record<string, unknown> = {
  command: ['npx tsx scripts/url/measure-deep-urls.ts', ...process.argv.slice(2)].join(' '),
};

async function main(): Promise<void> {
  const rows = readRows(positionals[0]!, trainingSites());
  await score(rows);
  const kinds = [...new Set(rows.map((r) => r.kind))].sort();
  const deep = (r: Row) => !r.kind.startsWith('probe-') && r.kind !== 'homepage';
  const real = rows.filter((r) => !r.kind.startsWith('probe-'));
  result.path = positionals[0];
  result.all_real = {
    all: rates(real),
    unseen: rates(real.filter((r) => !r.seen)),
    unseen_on_platform: rates(real.filter((r) => !r.seen && r.platform)),
    unseen_not_on_platform: rates(real.filter((r) => !r.seen && !r.platform)),
  };
  result.deep_only = { all: rates(real.filter(deep)), unseen: rates(real.filter((r) => deep(r) && !r.seen)) };
  const platforms = new Map<string, Row[]>();
  for (const r of real.filter((r) => r.platform && !r.seen)) {
    const d = r.url.domain!;
    const key = d.sharedHostingPlatform && !d.privateSuffix ? d.registrableDomain : d.publicSuffix;
    platforms.set(key, [...(platforms.get(key) ?? []), r]);
  }
  result.unseen_on_platform_by_suffix = Object.fromEntries(
    [...platforms]
      .sort((a, b) => b[1].length - a[1].length)
      .slice(0, 8)
      .map(([k, rs]) => [k, rates(rs)]),
  );
  result.by_kind = Object.fromEntries(
    kinds.map((k) => {
      const rs = rows.filter((r) => r.kind === k);
      const unseen = rs.filter((r) => !r.seen);
      return [
        k,
        {
          all: rates(rs),
          unseen: rates(unseen),
          unseen_on_platform: rates(unseen.filter((r) => r.platform)),
          unseen_not_on_platform: rates(unseen.filter((r) => !r.platform)),
        },
      ];
    }),
  );
  result.unseen_highest_scores = Object.fromEntries(
    kinds.map((k) => [
      k,
      rows
        .filter((r) => r.kind === k && !r.seen)
        .sort((a, b) => b.score - a.score)
        .slice(0, Number(args.top))
        .map((r) => ({ url: r.url.url, score: Number(r.score.toFixed(4)), served: r.served, reasons: r.reasons })),
    ]),
  );
  const text = `${JSON.stringify(result, null, 1)}\n`;
  if (args.out) writeFileSync(args.out, text);
  console.log(text);
}

void main();
