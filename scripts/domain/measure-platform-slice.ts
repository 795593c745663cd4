/**
 * Thresholds of their own for customer sites of hosting platforms (`x.github.io`), measured: the
 * domain model raises most benign customer sites because its training has thousands of phishing
 * customer names and almost no benign ones. The Debian Homepage hosts on platforms that no training
 * source holds (scripts/domain/extract-long-tail.ts) are split by site into a half that chooses the
 * slice's thresholds (the project's rule: `threshold_policy` quantiles of that benign source) and a
 * half that measures them; OpenPhish's platform hosts of the test split are split the same way.
 * The thresholds follow `--rule`: `supported` (default; src/training/threshold.ts
 * supportedThresholdAtFpr: a quantile needs n * fpr >= 10 names, else an upper-tail extrapolation) or
 * `one-name` (the plain quantile of versions 4-5, which at 0.25% of 359 names is the highest name).
 * `stability` records both rules' thresholds on bootstrap resamples of the choose half's sites and with the
 * halves swapped (the evaluate half choosing).
 * Options, each against the version's global thresholds:
 *
 * - `slice`: every platform customer name uses the slice thresholds;
 * - `slice_unless_lure`: only names without lure evidence (brand, lookalike, phishing keyword, crypto
 *   brand or word, lure word) use them; names with lure evidence keep the global thresholds.
 *
 *   npx tsx scripts/domain/measure-platform-slice.ts --model models/domain/3 \
 *       --debian models/training/.work/long-tail/debian-homepage-hosts.tsv --out result.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type DomainName, parseDomain } from '../../src/indicators/domain/parse';
import { isPlatformCustomer, lureEvidence, PLATFORM_CUSTOMER } from '../../src/indicators/domain/platform-slice';
import { loadModel } from '../../src/scoring/loaded-model';
import { domainPipeline } from '../../src/scoring/pipelines/domain';
import { parseSliceRule, sliceRuleText, sliceStability, sliceThresholds } from '../../src/training/slice-rule';
import { readSource, readSourcesFile, stableUnit } from '../../src/training/sources';
import { splitOf } from '../../src/training/split';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'models/domain/3' },
    sources: { type: 'string', default: 'models/training/domain-sources.json' },
    data: { type: 'string', default: '../shared/data' },
    debian: { type: 'string', default: 'models/training/.work/long-tail/debian-homepage-hosts.tsv' },
    malicious: { type: 'string', default: 'openphish_hosts' },
    rule: { type: 'string', default: 'supported' },
    bootstrap: { type: 'string', default: '1000' },
    out: { type: 'string' },
  },
});

/** Which half of a slice a site is in: `choose` sets thresholds, `evaluate` measures them. */
const halfOf = (d: DomainName) => (stableUnit(`platform-half:${d.siteKey}`) < 0.5 ? 'choose' : 'evaluate');

interface Row {
  host: string;
  site: string;
  half: 'choose' | 'evaluate';
  score: number;
  lure: boolean;
}

async function main(): Promise<void> {
  const specs = readSourcesFile(args.sources);
  const policy = (JSON.parse(readFileSync(args.sources, 'utf8')) as { threshold_policy: Record<string, number> })
    .threshold_policy as { suspicious_fpr: number; malicious_fpr: number };
  const known = new Set<string>();
  const openphish: DomainName[] = [];
  /** Every OpenPhish test-split host, platform or not, and whether it is a platform customer site. */
  const openphishAll: DomainName[] = [];
  for (const spec of specs) {
    for (const r of readSource(spec, args.data)) {
      const p = parseDomain(r.value);
      if (!p.ok) continue;
      known.add(p.value.siteKey);
      if (p.value.registrableDomain !== '') known.add(p.value.registrableDomain);
      if (spec.name !== args.malicious || splitOf(p.value.siteKey) !== 'test') continue;
      openphishAll.push(p.value);
      if (isPlatformCustomer(p.value)) openphish.push(p.value);
    }
  }
  const debian: DomainName[] = [];
  for (const line of readFileSync(args.debian, 'utf8').trimEnd().split('\n').slice(1)) {
    const p = parseDomain(line.split('\t')[0]!);
    if (!p.ok || !isPlatformCustomer(p.value)) continue;
    const d = p.value;
    if (known.has(d.siteKey) || known.has(d.registrableDomain)) continue;
    debian.push(d);
  }

  const model = await loadModel(args.model, domainPipeline);
  const pipeline = model.pipeline ?? domainPipeline;
  const width = pipeline.featureNames.length;
  const lure = lureEvidence(pipeline.featureNames);
  const score = async (names: DomainName[]): Promise<Row[]> => {
    const x = new Float32Array(names.length * width);
    names.forEach((d, i) => {
      pipeline.features(d as never, model.assets as never, x, i * width);
    });
    const p = await model.predict(x, names.length);
    return names.map((d, i) => ({
      host: d.ascii,
      site: d.siteKey,
      half: halfOf(d),
      score: p[i]!,
      lure: lure(x.subarray(i * width, (i + 1) * width)),
    }));
  };
  const benign = await score(debian);
  const phish = await score(openphish);
  const phishAll = await score(openphishAll);
  const platformHosts = new Set(openphish.map((d) => d.ascii));
  await model.release();

  const global = model.metadata.thresholds;
  const chooseRows = benign.filter((r) => r.half === 'choose');
  const choose = chooseRows.map((r) => r.score);
  const evaluateScores = benign.filter((r) => r.half === 'evaluate').map((r) => r.score);
  const rule = parseSliceRule(args.rule);
  // The slice never lowers the bar below the global thresholds; a set too small for any supported
  // threshold leaves the global ones (src/training/slice-rule.ts).
  const slice = sliceThresholds(rule, choose, policy, global);
  const oneName = sliceThresholds('one-name', choose, policy, global);
  // Stability: each rule's thresholds on bootstrap resamples of the choose half (seeded), and with the
  // halves swapped.
  const stability = sliceStability(
    choose,
    evaluateScores,
    policy,
    global,
    Number(args.bootstrap),
    chooseRows.map((r) => r.site),
  );
  const options = {
    global: (_r: Row) => global,
    slice: (_r: Row) => slice,
    slice_unless_lure: (r: Row) => (r.lure ? global : slice),
    slice_unless_lure_one_name_rule: (r: Row) => (r.lure ? global : oneName),
  };
  const pct = (k: number, n: number) => (n === 0 ? null : Number(((100 * k) / n).toFixed(2)));
  const rates = (rows: Row[], t: (r: Row) => { suspicious: number; malicious: number }) => ({
    rows: rows.length,
    at_suspicious_pct: pct(rows.filter((r) => r.score >= t(r).suspicious).length, rows.length),
    at_malicious_pct: pct(rows.filter((r) => r.score >= t(r).malicious).length, rows.length),
  });
  const figures: Record<string, unknown> = {};
  for (const [name, t] of Object.entries(options)) {
    const out: Record<string, unknown> = {};
    for (const half of ['choose', 'evaluate'] as const) {
      const b = benign.filter((r) => r.half === half);
      const m = phish.filter((r) => r.half === half);
      out[half] = {
        debian_platform_fp: rates(b, t),
        debian_platform_fp_lure: rates(
          b.filter((r) => r.lure),
          t,
        ),
        openphish_platform_detection: rates(m, t),
        openphish_platform_detection_lure: rates(
          m.filter((r) => r.lure),
          t,
        ),
        openphish_platform_detection_no_lure: rates(
          m.filter((r) => !r.lure),
          t,
        ),
      };
    }
    // The whole OpenPhish test split (both halves): what the slice costs the source's detection.
    out.openphish_test_all = rates(phishAll, (r) => (platformHosts.has(r.host) ? t(r) : global));
    figures[name] = out;
  }
  const top = (rows: Row[], n: number) =>
    [...rows]
      .sort((a, b) => b.score - a.score)
      .slice(0, n)
      .map((r) => `${r.host} ${r.score.toFixed(4)}${r.lure ? ' lure' : ''}`);
  const result = {
    command: ['npx tsx scripts/domain/measure-platform-slice.ts', ...process.argv.slice(2)].join(' '),
    model: { dir: args.model, version: model.version, thresholds: global },
    policy,
    slice: PLATFORM_CUSTOMER,
    slice_thresholds: slice,
    one_name_rule_thresholds: oneName,
    rule: sliceRuleText(rule),
    chosen_on: `${choose.length} Debian Homepage platform customer sites unseen in training (choose half)`,
    figures,
    stability,
    debian_evaluate_highest: top(
      benign.filter((r) => r.half === 'evaluate'),
      15,
    ),
  };
  const text = `${JSON.stringify(result, null, 1)}\n`;
  if (args.out) writeFileSync(args.out, text);
  console.log(text);
}

void main();
