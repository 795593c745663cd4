/**
 * What the lookalike verdict floor does as served (models/domain/README.md, "Lookalike floor"): for
 * the test split of each training source (`splitOf(siteKey)`, the split the model cards quote) and for
 * each host list given as NAME=PATH (first TSV column), the served rates at suspicious or above and at
 * malicious, and the same on the lookalike slice, the names whose domain/2 `brand_lookalike` feature
 * (1-3: homoglyphs, one or two edits) or `mixed_script` is set: the names a floor can raise. A
 * malicious source's slice is the lookalike phishing it catches or misses. The names the floor raised
 * (reason VERDICT_RAISED) are listed with the brand each imitates. The service runs the code of the
 * tree it is started from: run the same command on two trees to compare floors.
 *
 *   npx tsx scripts/domain/measure-lookalike-floor.ts [--sources models/training/domain-sources.json] \
 *       [--models models] [--malicious NAME ...] [--out FILE] [NAME=PATH ...]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDomainAssets } from '../../src/indicators/domain/assets';
import { DOMAIN_FEATURE_NAMES_2, domainFeatures2 } from '../../src/indicators/domain/features-v2';
import { type DomainName, parseDomain } from '../../src/indicators/domain/parse';
import { readSource, readSourcesFile } from '../../src/training/sources';
import { splitOf } from '../../src/training/split';
import { servedShares, startServed } from './served';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    sources: { type: 'string', default: 'models/training/domain-sources.json' },
    data: { type: 'string', default: '../shared/data' },
    models: { type: 'string', default: 'models' },
    /** A domain version directory whose assets.json the lookalike columns are computed with. */
    assets: { type: 'string', default: 'models/domain/5' },
    malicious: { type: 'string', multiple: true, default: [] },
    'allow-unsigned': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});

const LOOKALIKE = DOMAIN_FEATURE_NAMES_2.indexOf('brand_lookalike');
const MIXED = DOMAIN_FEATURE_NAMES_2.indexOf('mixed_script');
const ROW = new Float32Array(DOMAIN_FEATURE_NAMES_2.length);
// The lookalike columns read no assets; the features need some to run.
const ASSETS = loadDomainAssets(join(args.assets, 'assets.json'));

/** The domain/2 lookalike feature of `d` (1-3, 0 for the brand itself, 4 for none), -1 when the label mixes scripts. */
function lookalikeKind(d: DomainName): number {
  domainFeatures2(d, ASSETS, ROW, 0);
  return ROW[MIXED] === 1 ? -1 : (ROW[LOOKALIKE] as number);
}

let app: Awaited<ReturnType<typeof startServed>>;

async function measure(label: string, hosts: readonly string[]) {
  const names: DomainName[] = [];
  for (const h of new Set(hosts)) {
    const p = parseDomain(h);
    if (p.ok) names.push(p.value);
  }
  const answers = await app.scorer.scoreBatch(
    'domain',
    names.map((d, i) => ({ id: String(i), value: d.ascii })),
    'full',
  );
  const kinds = names.map(lookalikeKind);
  const slice = answers.filter((_, i) => kinds[i] === -1 || (kinds[i]! >= 1 && kinds[i]! <= 3));
  const raised = answers.filter((a) => a.reasons.some((r) => r.code === 'VERDICT_RAISED'));
  return {
    label,
    served: servedShares(answers),
    lookalike_slice: servedShares(slice),
    raised_by_floor: raised.length,
    raised_hosts: raised.map(
      (a) =>
        `${a.indicator} (${a.reasons.find((r) => r.code === 'BRAND_LOOKALIKE' || r.code === 'IDN_HOMOGLYPH')?.message ?? ''})`,
    ),
  };
}

async function main(): Promise<void> {
  app = await startServed(args.models, args['allow-unsigned']);
  const result: Record<string, unknown> = {
    command: ['npx tsx scripts/domain/measure-lookalike-floor.ts', ...process.argv.slice(2)].join(' '),
    test_splits: {},
    lists: {},
  };
  for (const spec of readSourcesFile(args.sources)) {
    const hosts = readSource(spec, args.data)
      .map((r) => parseDomain(r.value))
      .filter((p) => p.ok && splitOf(p.value.siteKey) === 'test')
      .map((p) => (p.ok ? p.value.ascii : ''));
    (result.test_splits as Record<string, unknown>)[spec.name] = await measure(spec.label, hosts);
    console.error(`${spec.name}: ${hosts.length} test hosts`);
  }
  for (const spec of positionals) {
    const [name, path] = spec.split('=', 2) as [string, string];
    const hosts = readFileSync(path, 'utf8')
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((line) => line.split('\t', 1)[0]!);
    const label = args.malicious.includes(name) ? 'malicious' : 'benign';
    (result.lists as Record<string, unknown>)[name] = { path, ...(await measure(label, hosts)) };
    console.error(`${name}: ${hosts.length} hosts`);
  }
  await app.close();
  const text = `${JSON.stringify(result, null, 1)}\n`;
  if (args.out) writeFileSync(args.out, text);
  console.log(text);
}

void main();
