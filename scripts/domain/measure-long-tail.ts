/**
 * False positives of a domain model version on benign host lists it was not trained on (written by
 * scripts/domain/extract-long-tail.ts), two ways:
 *
 * - `model`: the version's own score (serving feature code and assets, its ONNX file) against its
 *   thresholds, for every name: what the leave-one-source-out figures in the model card measure;
 * - `served` (with --served): the answer of the service as it runs (`createApp` on --models, signed
 *   versions only): allow-list, lookalike floor and thresholds, i.e. what a sensor would be told.
 *
 * A row whose site key or registrable domain is in any source of --sources (the version's training
 * sources, all splits) is marked `seen`; the `unseen` slice is the honest figure for a source the
 * model never saw. Slices: registrable label over --long-label characters, hosts on a platform
 * (private suffix or shared hosting, `x.github.io`), platforms' own names (`github.io` itself,
 * src/indicators/domain/platform-own.ts), names the dynamic-DNS feature marks, and a rate
 * that weighs each organisation (--weigh-by column of the TSV) or registrable domain equally.
 *
 * Sources named by --malicious (repeatable) are lists of malicious hosts instead: their shares are
 * detection, not false positives, and each gets the ROC AUC of its unseen rows' model scores against
 * the unseen rows of every benign source of the run (scripts/domain/extract-crypto-lists.ts):
 *
 *   npx tsx scripts/domain/measure-long-tail.ts --model models/domain/3 --served --malicious crypto_phishing \
 *       --out models/training/results/domain-4-crypto-lists.json \
 *       crypto_phishing=models/training/.work/crypto/crypto-phishing-hosts.tsv \
 *       crypto_legit=models/training/.work/crypto/crypto-legit-hosts.tsv \
 *       debian_homepage=models/training/.work/long-tail/debian-homepage-hosts.tsv
 *
 *   npx tsx scripts/domain/measure-long-tail.ts --model models/domain/3 --served \
 *       --sources models/training/domain-sources.json --out models/training/results/domain-3-long-tail.json \
 *       debian_homepage=models/training/.work/long-tail/debian-homepage-hosts.tsv \
 *       psl_private=models/training/.work/long-tail/psl-private-hosts.tsv:organisation
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { type DomainName, parseDomain } from '../../src/indicators/domain/parse';
import type { Verdict } from '../../src/indicators/types';
import { loadModel } from '../../src/scoring/loaded-model';
import { domainPipeline } from '../../src/scoring/pipelines/domain';
import { rocAuc } from '../../src/training/roc-auc';
import { readSource, readSourcesFile } from '../../src/training/sources';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    model: { type: 'string', default: 'models/domain/3' },
    served: { type: 'boolean', default: false },
    /** Names of sources (of the positionals) that list malicious hosts. */
    malicious: { type: 'string', multiple: true, default: [] },
    /** Serve unsigned versions too (a candidate not yet signed), as --allow-unsigned-models does. */
    'allow-unsigned': { type: 'boolean', default: false },
    models: { type: 'string', default: 'models' },
    sources: { type: 'string', default: 'models/training/domain-sources.json' },
    data: { type: 'string', default: '../shared/data' },
    'long-label': { type: 'string', default: '20' },
    top: { type: 'string', default: '30' },
    out: { type: 'string' },
  },
});
const LONG = Number(args['long-label']);

interface Row {
  host: string;
  name: DomainName;
  /** The --weigh-by column's value, or the registrable domain (site key when there is none). */
  unit: string;
  /** The registrable domain (site key when there is none): criteria v2.1 counts benign false positives by it. */
  site: string;
  seen: boolean;
  score: number;
  /** The dynamic-DNS feature is set (the model flags those names on purpose). */
  dynamicDns: boolean;
  model: Verdict;
  served?: Verdict | undefined;
  reasons?: string[] | undefined;
}

let known = new Set<string>();
let model: Awaited<ReturnType<typeof loadModel>>;
let pipeline: typeof domainPipeline | NonNullable<typeof model.pipeline>;
let app: Awaited<ReturnType<typeof createApp>> | undefined;

/** The site keys and registrable domains of every row of the training sources (all splits). */
function trainingSites(): Set<string> {
  const out = new Set<string>();
  for (const spec of readSourcesFile(args.sources)) {
    for (const r of readSource(spec, args.data)) {
      const p = parseDomain(r.value);
      if (!p.ok) continue;
      out.add(p.value.siteKey);
      if (p.value.registrableDomain !== '') out.add(p.value.registrableDomain);
    }
  }
  return out;
}

async function scoreFile(path: string, weighBy: string | undefined): Promise<Row[]> {
  const [header, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const cols = header!.split('\t');
  const unitCol = weighBy === undefined ? -1 : cols.indexOf(weighBy);
  if (weighBy !== undefined && unitCol < 0) throw new Error(`${path}: no column ${weighBy}`);
  const rows: Row[] = [];
  for (const line of lines) {
    const f = line.split('\t');
    const p = parseDomain(f[0]!);
    if (!p.ok) continue;
    const d = p.value;
    const regdom = d.registrableDomain === '' ? d.siteKey : d.registrableDomain;
    rows.push({
      host: d.ascii,
      name: d,
      unit: unitCol >= 0 ? f[unitCol]! : regdom,
      site: regdom,
      seen: known.has(d.siteKey) || known.has(regdom),
      score: 0,
      dynamicDns: false,
      model: 'benign',
    });
  }
  const width = pipeline.featureNames.length;
  const thresholds = model.metadata.thresholds;
  const dyn = pipeline.featureNames.indexOf('dynamic_dns');
  const x = new Float32Array(rows.length * width);
  rows.forEach((r, i) => {
    pipeline.features(r.name as never, model.assets as never, x, i * width);
  });
  const p = await model.predict(x, rows.length);
  rows.forEach((r, i) => {
    r.score = p[i]!;
    r.model =
      r.score >= thresholds.malicious ? 'malicious' : r.score >= thresholds.suspicious ? 'suspicious' : 'benign';
    r.dynamicDns = dyn >= 0 && x[i * width + dyn] === 1;
  });
  if (app !== undefined) {
    const served = await app.scorer.scoreBatch(
      'domain',
      rows.map((r, i) => ({ id: String(i), value: r.host })),
      'full',
    );
    served.forEach((s, i) => {
      rows[i]!.served = s.verdict;
      rows[i]!.reasons = s.reasons.map((x) => x.code).filter((c) => c !== 'MODEL_SCORE');
    });
  }
  return rows;
}

/** Shares raised by the model and the service: false positives of a benign list, detection of a malicious one. */
let share = 'fpr';

function rates(rows: readonly Row[]) {
  const n = rows.length;
  const pct = (k: number) => (n === 0 ? null : Number((k / n).toFixed(6)));
  const count = (f: (r: Row) => boolean) => rows.filter(f).length;
  const out: Record<string, number | null> = {
    rows: n,
    [`model_${share}_at_suspicious`]: pct(count((r) => r.model !== 'benign')),
    [`model_${share}_at_malicious`]: pct(count((r) => r.model === 'malicious')),
  };
  if (rows.some((r) => r.served !== undefined)) {
    out[`served_${share}_at_suspicious`] = pct(count((r) => r.served !== 'benign'));
    out[`served_${share}_at_malicious`] = pct(count((r) => r.served === 'malicious'));
  }
  return out;
}

/** Each unit (organisation or registrable domain) weighs the same: the mean of its rows' flags. */
function unitRates(rows: readonly Row[]) {
  const units = new Map<string, Row[]>();
  for (const r of rows) units.set(r.unit, [...(units.get(r.unit) ?? []), r]);
  const mean = (f: (r: Row) => boolean) =>
    Number(([...units.values()].reduce((s, rs) => s + rs.filter(f).length / rs.length, 0) / units.size).toFixed(6));
  return {
    units: units.size,
    [`model_${share}_at_suspicious`]: mean((r) => r.model !== 'benign'),
    [`model_${share}_at_malicious`]: mean((r) => r.model === 'malicious'),
  };
}

/**
 * Sites (registrable domains) with at least one row raised at each verdict, beside the rows: a provider's thousand
 * customer CNAMEs under one registrable domain are one site (models/training/domain-supported-threshold.md).
 */
function siteCounts(rows: readonly Row[]) {
  const sites = (f: (r: Row) => boolean) => new Set(rows.filter(f).map((r) => r.site)).size;
  const out: Record<string, number> = {
    sites: sites(() => true),
    model_sites_at_suspicious: sites((r) => r.model !== 'benign'),
    model_sites_at_malicious: sites((r) => r.model === 'malicious'),
  };
  if (rows.some((r) => r.served !== undefined)) {
    out.served_sites_at_suspicious = sites((r) => r.served !== undefined && r.served !== 'benign');
    out.served_sites_at_malicious = sites((r) => r.served === 'malicious');
  }
  return out;
}

/** The platforms (public suffix or shared-hosting registrable domain) with the most rows, each with its rates. */
function bySuffix(rows: readonly Row[]) {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = r.name.sharedHostingPlatform && !r.name.privateSuffix ? r.name.registrableDomain : r.name.publicSuffix;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return Object.fromEntries(
    [...groups]
      .sort((a, b) => b[1].length - a[1].length)
      .slice(0, 8)
      .map(([k, rs]) => [k, rates(rs)]),
  );
}

/** How many of the rows carry each reason code (a row counts once per code), most frequent first. */
function reasonCounts(rows: readonly Row[]) {
  const n = new Map<string, number>();
  for (const r of rows) for (const c of new Set(r.reasons ?? [])) n.set(c, (n.get(c) ?? 0) + 1);
  return Object.fromEntries([...n].sort((a, b) => b[1] - a[1]));
}

function summarise(rows: readonly Row[], weighBy: string | undefined) {
  const unseen = rows.filter((r) => !r.seen);
  const long = (r: Row) => r.name.siteKey.split('.', 1)[0]!.length > LONG;
  const platform = (r: Row) => r.name.privateSuffix || r.name.sharedHostingPlatform;
  const own = (r: Row) => r.name.platformOwn;
  const dynamic = (r: Row) => r.dynamicDns;
  const top = [...unseen]
    .sort((a, b) => b.score - a.score)
    .slice(0, Number(args.top))
    .map((r) => ({ host: r.host, score: Number(r.score.toFixed(4)), served: r.served, reasons: r.reasons }));
  return {
    all: rates(rows),
    seen_in_training_sources: rows.length - unseen.length,
    unseen: rates(unseen),
    unseen_sites: siteCounts(unseen),
    unseen_long_label: rates(unseen.filter(long)),
    unseen_on_platform: rates(unseen.filter(platform)),
    unseen_platform_own: rates(unseen.filter(own)),
    unseen_not_platform_own: rates(unseen.filter((r) => !own(r))),
    unseen_on_platform_by_suffix: bySuffix(unseen.filter(platform)),
    unseen_not_on_platform: rates(unseen.filter((r) => !platform(r))),
    unseen_dynamic_dns: rates(unseen.filter(dynamic)),
    unseen_without_dynamic_dns: rates(unseen.filter((r) => !dynamic(r))),
    [`unseen_each_${weighBy ?? 'registrable_domain'}_equal`]: unitRates(unseen),
    unseen_served_raised_reasons: reasonCounts(unseen.filter((r) => r.served !== undefined && r.served !== 'benign')),
    unseen_highest_scores: top,
  };
}

async function main(): Promise<void> {
  known = trainingSites();
  model = await loadModel(args.model, domainPipeline);
  pipeline = model.pipeline ?? domainPipeline;
  app = args.served
    ? await createApp(
        loadConfig(
          ['--models', args.models, ...(args['allow-unsigned'] ? ['--allow-unsigned-models', 'true'] : [])],
          {},
        ),
        pino({ level: 'warn' }, process.stderr),
      )
    : undefined;

  const result: Record<string, unknown> = {
    command: ['npx tsx scripts/domain/measure-long-tail.ts', ...process.argv.slice(2)].join(' '),
    model: {
      dir: args.model,
      version: model.version,
      features_version: model.metadata.features_version,
      thresholds: model.metadata.thresholds,
    },
    long_label_min_length_exclusive: LONG,
    sources: {},
  };
  const unseenScores = new Map<string, number[]>();
  for (const spec of positionals) {
    const [name, rest] = spec.split('=', 2) as [string, string];
    const [path, weighBy] = rest.split(':', 2) as [string, string | undefined];
    const rows = await scoreFile(path, weighBy);
    share = args.malicious.includes(name) ? 'detection' : 'fpr';
    (result.sources as Record<string, unknown>)[name] = {
      path,
      label: share === 'fpr' ? 'benign' : 'malicious',
      ...summarise(rows, weighBy),
    };
    unseenScores.set(
      name,
      rows.filter((r) => !r.seen).map((r) => r.score),
    );
    console.error(`${name}: ${rows.length} hosts scored`);
  }
  for (const bad of args.malicious) {
    const entry = (result.sources as Record<string, Record<string, unknown>>)[bad];
    if (entry === undefined) throw new Error(`--malicious ${bad}: no such source among the positionals`);
    entry.unseen_roc_auc_vs = Object.fromEntries(
      [...unseenScores]
        .filter(([name]) => !args.malicious.includes(name))
        .map(([name, benign]) => [name, rocAuc(unseenScores.get(bad) ?? [], benign)]),
    );
  }
  await app?.close();
  await model.release();
  const text = `${JSON.stringify(result, null, 1)}\n`;
  if (args.out) writeFileSync(args.out, text);
  console.log(text);
}

void main();
