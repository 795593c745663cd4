/**
 * Thresholds of their own for URLs on hosting platforms' customer sites, measured (the URL model's
 * counterpart of scripts/domain/measure-platform-slice.ts). The benign platform URLs of
 * scripts/url/extract-platform-urls.ts (links in installed software's code and docs, never in the
 * URL model's sources) are split by unit (site, or owner on a shared file host) into a half that
 * chooses the slice's thresholds (the FPRs of the version's `threshold_fprs` on that source, never below
 * the global thresholds) and a half that measures them. Reported beside it, never used to choose:
 * the deep-URL list's platform URLs on sites the version never saw (test split), the lists given
 * with --benign-list (the raw.githubusercontent.com probe, platform links in legitimate mail), the
 * malicious sources' platform URLs of the test split (sites never trained on), and the lists of
 * --malicious-list (URLhaus). Options, each against the version's global thresholds:
 *
 * - `slice`: every platform URL uses the slice thresholds;
 * - `slice_unless_host_lure`: not the URLs whose host has lure evidence (the domain slice's rule);
 * - `slice_unless_lure_or_shell_script`: not the URLs with lure evidence in the host, the path and
 *   query (URL_LURE_COLUMNS) or the file (lureFile), nor shell scripts;
 * - `slice_unless_lure`: the same, shell scripts relaxed: what the served slice does.
 *
 * The thresholds follow `--rule` (src/training/slice-rule.ts): `supported` (default; a quantile needs
 * n * fpr >= 10 URLs behind it, else an upper-tail extrapolation: issue 12,
 * models/training/url-slice-rule-criteria.md) or `one-name` (the plain quantile of version 4, which at
 * 0.5% of 345 URLs is the 2nd highest: `--rule one-name` reproduces results/url-3-platform-slice.json).
 * `support` says how many URLs stand behind each threshold; `stability` records both rules' thresholds
 * on bootstrap resamples of the choose half's units (each with all its URLs) and with the halves
 * swapped (the evaluate half choosing).
 * `--write-lists DIR` writes the evaluate half's and the test split's platform URLs for served runs.
 * With `--rule supported`, `slice_unless_lure_one_name_rule` is the served option with the old rule.
 *
 * `lure_columns` gives, per candidate path column, the share of each set's platform URLs that have
 * it: how the path columns were chosen.
 *
 *   npx tsx scripts/url/measure-platform-slice.ts --model models/url/3 --rule one-name \
 *       --benign-list raw_github_probe=models/training/.work/probes/raw-githubusercontent-debian.txt \
 *       --benign-list mail_platform_urls=models/training/.work/probes/mail-platform-urls.txt \
 *       --malicious-list urlhaus=models/training/.work/malware/urlhaus-urls.txt \
 *       --out models/training/results/url-3-platform-slice.json
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { DOMAIN_FEATURE_NAMES_2 } from '../../src/indicators/domain/features-v2';
import { type CanonicalUrl, canonicalizeUrl } from '../../src/indicators/url/canonicalize';
import { fileExtension } from '../../src/indicators/url/extension';
import { URL_OWN_OFFSET_2 } from '../../src/indicators/url/features-v2';
import {
  isPlatformUrl,
  lureFile,
  PLATFORM_CUSTOMER,
  platformUnit,
  URL_LURE_COLUMNS,
  urlLureEvidence,
} from '../../src/indicators/url/platform-slice';
import { loadModel } from '../../src/scoring/loaded-model';
import { urlPipeline } from '../../src/scoring/pipelines/url';
import {
  parseSliceRule,
  sliceRuleText,
  sliceStability,
  sliceSupport,
  sliceThresholds,
} from '../../src/training/slice-rule';
import { stableUnit } from '../../src/training/sources';
import { readUrlSourceRows } from '../../src/training/url-source-rows';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'models/url/3' },
    sources: { type: 'string', default: 'models/training/url-3-sources.json' },
    data: { type: 'string', default: '../shared/data' },
    /** The committed list (scripts/url/extract-platform-urls.ts writes one into models/training/.work/platform-urls). */
    benign: { type: 'string', default: 'models/training/data/platform-urls.tsv.gz' },
    'benign-list': { type: 'string', multiple: true, default: [] },
    'malicious-list': { type: 'string', multiple: true, default: [] },
    rule: { type: 'string', default: 'supported' },
    bootstrap: { type: 'string', default: '1000' },
    /** Write the evaluate half's and the test split's platform URLs, one a line, for served runs (scripts/url/served-slice-rule.sh). */
    'write-lists': { type: 'string' },
    out: { type: 'string' },
  },
});

/** Path columns considered as lure evidence (URL_LURE_COLUMNS is the chosen subset). */
const CANDIDATE_COLUMNS = [
  ...URL_LURE_COLUMNS,
  'ext_executable',
  'ext_archive',
  'ext_php',
  'ext_html',
  'ext_server_script',
  'ext_document',
  'wordpress_path',
  'hex_token',
  'tilde_in_path',
] as const;

const halfOf = (unit: string) => (stableUnit(`platform-half:${unit}`) < 0.5 ? 'choose' : 'evaluate');

interface Row {
  url: string;
  unit: string;
  score: number;
  hostLure: boolean;
  lure: boolean;
  /** Lure evidence if shell scripts counted as programs (the option not taken). */
  lureWithShell: boolean;
  columns: Record<string, boolean>;
}
type Thresholds = { suspicious: number; malicious: number };

function readList(path: string): CanonicalUrl[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => canonicalizeUrl(l))
    .flatMap((p) => (p.ok && isPlatformUrl(p.value) ? [p.value] : []));
}

async function main(): Promise<void> {
  const rule = parseSliceRule(args.rule);
  const model = await loadModel(args.model, urlPipeline);
  const pipeline = model.pipeline ?? urlPipeline;
  if (pipeline.featuresVersion !== urlPipeline.featuresVersion)
    throw new Error(`${args.model} is ${pipeline.featuresVersion}; the slice reads url/1+domain/2 rows`);
  const width = pipeline.featureNames.length;
  const hostLure = urlLureEvidence(DOMAIN_FEATURE_NAMES_2, URL_OWN_OFFSET_2, []);
  const lure = urlLureEvidence(DOMAIN_FEATURE_NAMES_2, URL_OWN_OFFSET_2);
  const columnIndex = CANDIDATE_COLUMNS.map((c) => [c, pipeline.featureNames.indexOf(c)] as const);
  const score = async (urls: readonly CanonicalUrl[]): Promise<Row[]> => {
    const x = new Float32Array(urls.length * width);
    urls.forEach((u, i) => {
      pipeline.features(u as never, model.assets as never, x, i * width);
    });
    const p = urls.length === 0 ? new Float32Array(0) : await model.predict(x, urls.length);
    return urls.map((u, i) => {
      const row = x.subarray(i * width, (i + 1) * width);
      return {
        url: u.url,
        unit: platformUnit(u),
        score: p[i] as number,
        hostLure: hostLure(row),
        lure: lure(row) || lureFile(u),
        lureWithShell: lure(row) || lureFile(u) || fileExtension(u.path) === 'sh',
        columns: Object.fromEntries(columnIndex.map(([c, k]) => [c, (row[k] as number) > 0])),
      };
    });
  };

  // The version's sources: what it never saw (test split) on platforms, by label and source.
  const sourceRows = readUrlSourceRows(args.sources, args.data);
  const trainedUrls = new Set(sourceRows.map((r) => r.url.url));
  const testPlatform = sourceRows.filter((r) => r.split === 'test' && isPlatformUrl(r.url));
  const benignSets: Record<string, Row[]> = {};
  const maliciousSets: Record<string, Row[]> = {};
  const raw = readFileSync(args.benign);
  const platformTsv = (args.benign.endsWith('.gz') ? gunzipSync(raw) : raw)
    .toString('utf8')
    .trimEnd()
    .split('\n')
    .slice(1);
  const installed = await score(
    platformTsv.flatMap((l) => {
      const p = canonicalizeUrl(l.split('\t')[0]!);
      return p.ok && isPlatformUrl(p.value) && !trainedUrls.has(p.value.url) ? [p.value] : [];
    }),
  );
  const choose = installed.filter((r) => halfOf(r.unit) === 'choose');
  benignSets.installed_software_choose = choose;
  benignSets.installed_software_evaluate = installed.filter((r) => halfOf(r.unit) === 'evaluate');
  for (const src of [...new Set(testPlatform.map((r) => r.source))].sort()) {
    const rows = testPlatform.filter((r) => r.source === src);
    (rows[0]!.malicious ? maliciousSets : benignSets)[`${src}_test_platform`] = await score(rows.map((r) => r.url));
  }
  // Each malicious source's whole test split (platform or not): what the slice costs its detection.
  const wholeTest: Record<string, { rows: Row[]; platform: Set<Row> }> = {};
  for (const src of [...new Set(sourceRows.filter((r) => r.malicious).map((r) => r.source))].sort()) {
    const rows = sourceRows.filter((r) => r.source === src && r.split === 'test');
    const scored = await score(rows.map((r) => r.url));
    wholeTest[`${src}_test_all`] = {
      rows: scored,
      platform: new Set(scored.filter((_, i) => isPlatformUrl(rows[i]!.url))),
    };
  }
  for (const spec of args['benign-list']) {
    const [name, path] = spec.split('=') as [string, string];
    benignSets[name] = await score(readList(path));
  }
  for (const spec of args['malicious-list']) {
    const [name, path] = spec.split('=') as [string, string];
    maliciousSets[name] = await score(readList(path));
  }
  await model.release();
  if (args['write-lists'] !== undefined) {
    mkdirSync(args['write-lists'], { recursive: true });
    for (const [set, rows] of Object.entries({ ...benignSets, ...maliciousSets }))
      if (set === 'installed_software_evaluate' || set.endsWith('_test_platform'))
        writeFileSync(`${args['write-lists']}/${set}.txt`, rows.map((r) => `${r.url}\n`).join(''));
  }

  // The version's own rule (train.py's threshold_fprs: the FPRs its global thresholds were set at).
  const meta = model.metadata as typeof model.metadata & { threshold_fprs?: { suspicious: number; malicious: number } };
  const fprs = meta.threshold_fprs;
  if (fprs === undefined) throw new Error(`${args.model} records no threshold_fprs`);
  const policy = { suspicious_fpr: fprs.suspicious, malicious_fpr: fprs.malicious };
  const global = meta.thresholds;
  // Chosen on the URLs the slice thresholds apply to: lure-bearing ones keep the global thresholds.
  const chooseRows = choose.filter((r) => !r.lure);
  const chooseScores = chooseRows.map((r) => r.score);
  const slice: Thresholds = sliceThresholds(rule, chooseScores, policy, global);
  const oneName: Thresholds = sliceThresholds('one-name', chooseScores, policy, global);
  const evaluateScores = benignSets.installed_software_evaluate!.filter((r) => !r.lure).map((r) => r.score);
  const stability = sliceStability(
    chooseScores,
    evaluateScores,
    policy,
    global,
    Number(args.bootstrap),
    chooseRows.map((r) => r.unit),
  );
  const options: Record<string, (r: Row) => Thresholds> = {
    global: () => global,
    slice: () => slice,
    slice_unless_host_lure: (r) => (r.hostLure ? global : slice),
    slice_unless_lure_or_shell_script: (r) => (r.lureWithShell ? global : slice),
    slice_unless_lure: (r) => (r.lure ? global : slice),
    ...(rule === 'one-name' ? {} : { slice_unless_lure_one_name_rule: (r: Row) => (r.lure ? global : oneName) }),
  };
  const pct = (k: number, n: number) => (n === 0 ? null : Number(((100 * k) / n).toFixed(2)));
  const rates = (rows: readonly Row[], t: (r: Row) => Thresholds) => ({
    rows: rows.length,
    at_suspicious_pct: pct(rows.filter((r) => r.score >= t(r).suspicious).length, rows.length),
    at_malicious_pct: pct(rows.filter((r) => r.score >= t(r).malicious).length, rows.length),
  });
  const figures: Record<string, unknown> = {};
  for (const [name, t] of Object.entries(options)) {
    const out: Record<string, unknown> = {};
    for (const [set, rows] of [...Object.entries(benignSets), ...Object.entries(maliciousSets)]) {
      out[set] = {
        all: rates(rows, t),
        lure: rates(
          rows.filter((r) => r.lure),
          t,
        ),
        no_lure: rates(
          rows.filter((r) => !r.lure),
          t,
        ),
      };
    }
    for (const [set, w] of Object.entries(wholeTest))
      out[set] = rates(w.rows, (r) => (w.platform.has(r) ? t(r) : global));
    figures[name] = out;
  }
  const lureColumns = Object.fromEntries(
    CANDIDATE_COLUMNS.map((c) => [
      c,
      Object.fromEntries(
        [...Object.entries(benignSets), ...Object.entries(maliciousSets)].map(([set, rows]) => [
          set,
          pct(rows.filter((r) => r.columns[c]).length, rows.length),
        ]),
      ),
    ]),
  );
  const top = (rows: readonly Row[], n: number, t: (r: Row) => Thresholds) =>
    [...rows]
      .filter((r) => r.score >= t(r).suspicious)
      .sort((a, b) => b.score - a.score)
      .slice(0, n)
      .map((r) => `${r.url} ${r.score.toFixed(4)}${r.lure ? ' lure' : ''}`);
  const result = {
    command: ['npx tsx scripts/url/measure-platform-slice.ts', ...process.argv.slice(2)].join(' '),
    model: { dir: args.model, version: model.version, thresholds: global },
    policy,
    slice: PLATFORM_CUSTOMER,
    slice_thresholds: slice,
    rule: sliceRuleText(rule),
    one_name_rule_thresholds: oneName,
    support: sliceSupport(chooseScores, policy),
    stability,
    chosen_on: `${chooseScores.length} platform URLs without lure evidence linked from installed software's code and docs (scripts/url/extract-platform-urls.ts, choose half by unit)`,
    lure_columns: URL_LURE_COLUMNS,
    figures,
    lure_column_shares_pct: lureColumns,
    raised_benign_under_v4: Object.fromEntries(
      Object.entries(benignSets)
        .filter(([set]) => set !== 'installed_software_choose')
        .map(([set, rows]) => [set, top(rows, 12, options.slice_unless_lure!)]),
    ),
  };
  const text = `${JSON.stringify(result, null, 1)}\n`;
  if (args.out) writeFileSync(args.out, text);
  console.log(text);
}

void main();
