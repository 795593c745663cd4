/**
 * Step 1 of the domain training pipeline (models/training/train.sh runs it): read the labelled
 * sources, normalise each name with the serving parser, split by site, learn the feature assets on
 * the training split, and write every row's features with the serving feature code. Python then
 * trains on exactly these numbers, so training and serving cannot drift.
 *
 *   tsx src/training/export-domain.ts --sources models/training/domain-sources.json \
 *       --data ../shared/data --out models/training/.work/domain [--sample 5000] \
 *       [--assets-without all|S1,S2] [--word-odds-without all|S1,S2] [--later-than auto|yyyy-mm-dd]
 *
 * --assets-without: also write, per listed source S (all: every source whose rows feed a learned
 * asset), OUT/assets-without-S/ with the same rows and features whose assets (benign n-gram table,
 * TLD log-odds, word log-odds if the features have them) were all learned without S's rows nor rows
 * derived from it, for `evaluate.py --loso-export S=DIR`. This is what a model trained without S
 * would ship: the honest leave-one-source-out. Without it a left-out benign source's own trigrams are
 * in the n-gram table its test rows are scored against (and its TLDs in the log-odds), so it looks
 * more benign than an unseen source would.
 *
 * --later-than: also write OUT/later-than/ with the same rows and features whose assets were learned
 * only from training rows that are undated or dated before the cut-off (auto: the date that leaves the
 * last fifth of the dated rows after it, evaluate.py's default), and OUT/later-than/cutoff.json, for
 * `evaluate.py --later-in-time-export`. Without it the later-in-time model is scored against TLD
 * log-odds and an n-gram table learned with the later rows themselves (the later phishing hosts' TLDs).
 *
 * --word-odds-without: also write, per listed source S (all: every source whose rows feed the word
 * log-odds), OUT/word-odds-without-S/ with the same rows and features whose word log-odds were learned
 * without S (nor rows derived from it), for `evaluate.py --loso-export S=DIR`: a left-out source's words
 * would otherwise reach the model through the vocabulary. The n-gram table and TLD log-odds stay as in
 * the main export (v2 was evaluated so too).
 *
 * A sources file's `validation_sites_from: {source, share}` moves a hashed share of that source's training
 * sites (all their rows) to validation before folds and assets (split.ts moveSitesToValidation), for a
 * source whose validation quantile stands on too few names; spec.json records what moved.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildDomainAssets, serializeDomainAssets } from '../indicators/domain/assets';
import { domainFeatureSet, LATEST_DOMAIN_FEATURES } from '../indicators/domain/feature-sets';
import { secondLevelLabel } from '../indicators/domain/features';
import { type DomainName, parseDomain } from '../indicators/domain/parse';
import { type MachineSubdomainSpec, machineSubdomain } from './machine-subdomains';
import { readSource, readSourcesFile, type SourceRow, stableUnit } from './sources';
import { foldOf, moveSitesToValidation, type Split, splitOf, type ValidationSitesFrom } from './split';

const { values: args } = parseArgs({
  options: {
    sources: { type: 'string', default: 'models/training/domain-sources.json' },
    data: { type: 'string', default: '../shared/data' },
    out: { type: 'string', default: 'models/training/.work/domain' },
    sample: { type: 'string' },
    'assets-without': { type: 'string' },
    'word-odds-without': { type: 'string' },
    'later-than': { type: 'string' },
  },
});

interface Row extends SourceRow {
  name: DomainName;
  split: Split;
  /** The source a derived row was made from (its own source otherwise): leave-one-source-out drops both. */
  lineage: string;
}

const specs = readSourcesFile(args.sources);
const sourcesFile = JSON.parse(readFileSync(args.sources, 'utf8')) as {
  train_params?: object;
  features_version?: string;
  benign_machine_subdomains?: MachineSubdomainSpec;
  long_label_weight?: { min_length_exclusive: number; weight: number };
  threshold_policy?: {
    on: 'pooled' | 'hardest-source';
    suspicious_fpr: number;
    malicious_fpr: number;
    /** Benign sources held to FPRs of their own (train.py source_fpr). */
    source_fprs?: { match: string; suspicious: number; malicious: number }[];
  };
  /** A hashed share of one source's training sites moved to validation before folds and assets (split.ts). */
  validation_sites_from?: ValidationSitesFrom;
};
const trainParams = sourcesFile.train_params ?? {};
// The features version is part of what a sources file describes: domain/1 models retrain on domain/1.
const featureSet =
  sourcesFile.features_version === undefined ? LATEST_DOMAIN_FEATURES : domainFeatureSet(sourcesFile.features_version);
const FEATURE_COUNT = featureSet.names.length;
const sampleCap = args.sample === undefined ? undefined : Number(args.sample);
const stats: Record<string, { read: number; invalid: number; used: number; tld_dropped?: number }> = {};
const byName = new Map<string, Row>();
const conflicted = new Set<string>();
for (const spec of specs) {
  const st: { read: number; invalid: number; used: number; tld_dropped?: number } = { read: 0, invalid: 0, used: 0 };
  stats[spec.name] = st;
  const groupPatterns = Object.entries(spec.group_patterns ?? {}).map(([g, re]) => [g, new RegExp(re)] as const);
  for (const r of readSource(spec, args.data, sampleCap)) {
    st.read++;
    const p = parseDomain(r.value);
    if (!p.ok) {
      st.invalid++;
      continue;
    }
    // Per-TLD subsampling of a list whose TLD mix is a collection artefact (bulk .tk preloads).
    const keep = spec.tld_keep?.[p.value.labels[p.value.labels.length - 1]!];
    if (keep !== undefined && stableUnit(`tld-keep:${p.value.ascii}`) >= keep) {
      st.tld_dropped = (st.tld_dropped ?? 0) + 1;
      continue;
    }
    if (r.group === '') r.group = groupPatterns.find(([, re]) => re.test(p.value.ascii))?.[0] ?? '';
    const key = p.value.ascii;
    const prev = byName.get(key);
    if (prev !== undefined) {
      // Same name from two sources: keep the first, but a name labelled both ways teaches nothing.
      if (prev.malicious !== r.malicious) conflicted.add(key);
      if (prev.rank === 0 && r.rank > 0) prev.rank = r.rank;
      continue;
    }
    byName.set(key, { ...r, name: p.value, split: splitOf(p.value.siteKey), lineage: r.source });
  }
}
for (const k of conflicted) byName.delete(k);

// The benign lists hold registrable domains only, while phishing hosts usually have subdomains: without
// help the model learns "has a subdomain = malicious" and flags www.bbc.co.uk or docs.github.com. So a
// seeded half of the benign apex names also appear with one common subdomain label. A variant keeps its
// parent's site key (same split, no leak) and is its own source, so its false-positive rate is reported.
const VARIANT_SOURCE = 'benign_subdomain_variants';
const augment = variantSpec();
if (augment !== undefined) {
  stats[VARIANT_SOURCE] = { read: 0, invalid: 0, used: 0 };
  for (const r of [...byName.values()]) {
    if (r.malicious || r.name.subdomain !== '' || stableUnit(`variant:${r.name.ascii}`) >= augment.share) continue;
    const prefix = augment.labels[Math.floor(stableUnit(`prefix:${r.name.ascii}`) * augment.labels.length)]!;
    const p = parseDomain(`${prefix}.${r.name.ascii}`);
    stats[VARIANT_SOURCE]!.read++;
    if (!p.ok || byName.has(p.value.ascii)) continue;
    byName.set(p.value.ascii, {
      ...r,
      value: p.value.ascii,
      source: VARIANT_SOURCE,
      rank: 0,
      name: p.value,
      split: r.split,
      lineage: r.source,
    });
  }
}

// Machine-made hosts of 2-3 labels (CDN, cloud, telemetry naming) under benign apex names, see
// machine-subdomains.ts; like the variants above they keep their parent's site key and split.
const MACHINE_SOURCE = 'benign_machine_subdomains';
const machine = sourcesFile.benign_machine_subdomains;
if (machine !== undefined) {
  stats[MACHINE_SOURCE] = { read: 0, invalid: 0, used: 0 };
  for (const r of [...byName.values()]) {
    if (r.malicious || r.name.subdomain !== '' || r.source === VARIANT_SOURCE) continue;
    const host = machineSubdomain(machine, r.name.ascii);
    if (host === undefined) continue;
    stats[MACHINE_SOURCE]!.read++;
    const p = parseDomain(host);
    if (!p.ok || byName.has(p.value.ascii)) continue;
    byName.set(p.value.ascii, { ...r, value: host, source: MACHINE_SOURCE, rank: 0, name: p.value, lineage: r.source });
  }
}

function variantSpec(): { share: number; labels: string[] } | undefined {
  const raw = JSON.parse(readFileSync(args.sources, 'utf8')) as {
    benign_subdomain_variants?: { share: number; labels: string[] };
  };
  return raw.benign_subdomain_variants;
}
const rows = [...byName.values()];
for (const r of rows) stats[r.source]!.used++;
// Before folds and assets: a moved row gets a validation row's features, not the out-of-fold ones.
const validationSites =
  sourcesFile.validation_sites_from === undefined
    ? undefined
    : {
        ...sourcesFile.validation_sites_from,
        ...moveSitesToValidation(rows, (r) => r.name.siteKey, sourcesFile.validation_sites_from),
      };

// Assets learned from labels (the benign n-gram table, TLD log-odds) would leak into the training rows'
// own features: a training name's trigrams are in the table it is scored against, so "unseen trigram"
// would mean "not in the training set" and the model would learn to flag every new benign name.
// Training rows therefore get out-of-fold features (assets from the other folds); validation and test
// rows, like serving, use the assets learned on the whole training split, which ship with the model.
const FOLDS = 5;
// Variants repeat their parent's TLD: they are not new observations of it.
const tldStats = new Map([
  ...specs.map((s) => [s.name, s.tld_stats !== false] as const),
  [VARIANT_SOURCE, false] as const,
  [MACHINE_SOURCE, false] as const,
]);
// Word log-odds (domain/3): real names only; the derived rows repeat their parent's label with made-up
// subdomain words, and generated names (word_stats: false) are not anyone's choice of words.
const wordStats = new Map([
  ...specs.map((s) => [s.name, s.word_stats !== false] as const),
  [VARIANT_SOURCE, false] as const,
  [MACHINE_SOURCE, false] as const,
]);
const labelled = (r: Row) => ({
  sld: secondLevelLabel(r.name),
  tld: r.name.labels[r.name.labels.length - 1]!,
  malicious: r.malicious,
  tldStats: tldStats.get(r.source) ?? true,
  sub: r.name.subdomain,
  wordStats: wordStats.get(r.source) ?? true,
});
const assetOptions = { wordOdds: featureSet.wordOdds === true };
const train = rows.filter((r) => r.split === 'train');
const assets = buildDomainAssets(train.map(labelled), undefined, assetOptions);
const fold = new Map(train.map((r) => [r, foldOf(r.name.siteKey, FOLDS)]));
const foldAssets = Array.from({ length: FOLDS }, (_, k) =>
  buildDomainAssets(train.filter((r) => fold.get(r) !== k).map(labelled), undefined, assetOptions),
);

function computeFeatures(whole: typeof assets, folds: (typeof assets)[]): Float32Array {
  const out = new Float32Array(rows.length * FEATURE_COUNT);
  rows.forEach((r, i) => {
    const k = fold.get(r);
    featureSet.compute(r.name, k === undefined ? whole : folds[k]!, out, i * FEATURE_COUNT);
  });
  return out;
}
const t0 = process.hrtime.bigint();
const features = computeFeatures(assets, foldAssets);
const nsPerRow = Number(process.hrtime.bigint() - t0) / rows.length;

mkdirSync(args.out, { recursive: true });
writeFileSync(join(args.out, 'features.f32'), Buffer.from(features.buffer));
const tsv = rows.map((r) =>
  [r.name.ascii, r.malicious ? 1 : 0, r.source, r.group, r.rank, r.split, r.name.siteKey, r.lineage, r.date].join('\t'),
);
writeFileSync(
  join(args.out, 'rows.tsv'),
  `indicator\tlabel\tsource\tgroup\trank\tsplit\tsite\tlineage\tdate\n${tsv.join('\n')}\n`,
);
writeFileSync(join(args.out, 'assets.json'), serializeDomainAssets(assets));
writeFileSync(
  join(args.out, 'spec.json'),
  JSON.stringify(
    {
      model: 'domain',
      features_version: featureSet.version,
      feature_names: featureSet.names,
      sources: [
        ...specs.map((s) => ({ ...s, ...stats[s.name] })),
        ...(augment === undefined
          ? []
          : [
              {
                name: VARIANT_SOURCE,
                path: '(derived)',
                format: 'derived',
                label: 'benign',
                license: 'derived from the benign lists above; their terms apply',
                origin: `a seeded ${augment.share * 100}% of benign apex names, each with one label from benign_subdomain_variants.labels`,
                ...stats[VARIANT_SOURCE],
              },
            ]),
        ...(machine === undefined
          ? []
          : [
              {
                name: MACHINE_SOURCE,
                path: '(derived, synthetic)',
                format: 'derived',
                label: 'benign',
                license: 'derived from the benign lists above; their terms apply',
                origin: `a seeded ${machine.share * 100}% of benign apex names, each with 2-3 machine-made labels (src/training/machine-subdomains.ts: service words, region codes, node numbers, hex ids)`,
                ...stats[MACHINE_SOURCE],
              },
            ]),
      ],
      label_conflicts_dropped: conflicted.size,
      sample_cap: sampleCap ?? null,
      out_of_fold_assets: FOLDS,
      train_params: trainParams,
      ...(sourcesFile.long_label_weight === undefined ? {} : { long_label_weight: sourcesFile.long_label_weight }),
      ...(sourcesFile.threshold_policy === undefined ? {} : { threshold_policy: sourcesFile.threshold_policy }),
      ...(validationSites === undefined ? {} : { validation_sites_from: validationSites }),
    },
    null,
    2,
  ),
);
console.log(
  `exported ${rows.length} rows (${conflicted.size} label conflicts dropped), ${featureSet.version}: ${FEATURE_COUNT} features, ${nsPerRow.toFixed(0)} ns/row`,
);
console.log(JSON.stringify(stats));
if (validationSites !== undefined) console.log(`moved to validation: ${JSON.stringify(validationSites)}`);

/** Writes DIR: the same rows, with features from assets learned on the training rows that `labelledWithout` keeps (as it labels them). */
function writeWithout(dir: string, labelledWithout: (r: Row) => ReturnType<typeof labelled> | undefined): void {
  mkdirSync(dir, { recursive: true });
  const learn = (rs: Row[]) =>
    buildDomainAssets(
      rs.flatMap((r) => labelledWithout(r) ?? []),
      undefined,
      assetOptions,
    );
  const whole = learn(train);
  const folds = Array.from({ length: FOLDS }, (_, k) => learn(train.filter((r) => fold.get(r) !== k)));
  writeFileSync(join(dir, 'features.f32'), Buffer.from(computeFeatures(whole, folds).buffer));
  writeFileSync(join(dir, 'assets.json'), serializeDomainAssets(whole));
  for (const f of ['rows.tsv', 'spec.json']) {
    try {
      symlinkSync(join('..', f), join(dir, f));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

function sourceList(option: string, value: string, counted: Set<string>): string[] {
  const list = value === 'all' ? [...counted].sort() : value.split(',');
  for (const s of list)
    if (!counted.has(s)) throw new Error(`--${option}: no rows of "${s}" feed the assets it rebuilds`);
  return list;
}

const assetsWithout = args['assets-without'];
if (assetsWithout !== undefined) {
  // A source feeds the assets through its benign names (n-gram table) or its TLDs (log-odds), or its words.
  const feeds = (r: Row) =>
    !r.malicious || (tldStats.get(r.source) ?? true) || (assetOptions.wordOdds && (wordStats.get(r.source) ?? true));
  const counted = new Set(rows.filter((r) => r.source === r.lineage && feeds(r)).map((r) => r.source));
  for (const s of sourceList('assets-without', assetsWithout, counted)) {
    const dir = join(args.out, `assets-without-${s}`);
    writeWithout(dir, (r) => (r.source === s || r.lineage === s ? undefined : labelled(r)));
    console.log(`assets without ${s}: ${dir}`);
  }
}

const without = args['word-odds-without'];
if (without !== undefined) {
  if (!assetOptions.wordOdds) throw new Error(`--word-odds-without: ${featureSet.version} has no word log-odds`);
  const counted = new Set(rows.filter((r) => wordStats.get(r.source) ?? true).map((r) => r.source));
  for (const s of sourceList('word-odds-without', without, counted)) {
    const dir = join(args.out, `word-odds-without-${s}`);
    writeWithout(dir, (r) => ({
      ...labelled(r),
      wordStats: r.source !== s && r.lineage !== s && (wordStats.get(r.source) ?? true),
    }));
    console.log(`word log-odds without ${s}: ${dir}`);
  }
}

const laterThan = args['later-than'];
if (laterThan !== undefined) {
  const dates = rows.flatMap((r) => (r.date === '' ? [] : [r.date])).sort();
  if (dates.length === 0) throw new Error('--later-than: no source has dated rows (date_column)');
  const cutoff = laterThan === 'auto' ? dates[Math.floor(0.8 * dates.length)]! : laterThan;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(cutoff)) throw new Error(`--later-than: ${cutoff} is not yyyy-mm-dd`);
  const dir = join(args.out, 'later-than');
  // Derived rows are made from undated benign rows only, so a row's own date decides.
  writeWithout(dir, (r) => (r.date !== '' && r.date >= cutoff ? undefined : labelled(r)));
  const later = dates.filter((d) => d >= cutoff).length;
  writeFileSync(
    join(dir, 'cutoff.json'),
    `${JSON.stringify({ cutoff, dated_rows: dates.length, later_rows: later })}\n`,
  );
  console.log(`assets from rows before ${cutoff} (${later} of ${dates.length} dated rows left out): ${dir}`);
}
