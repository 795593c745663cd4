/**
 * What answering platforms' own names by rule costs in detection and gives back in false positives,
 * on the training sources of a domain version (all labels, every split): for each source, the rows
 * that are a platform's own name (src/indicators/domain/platform-own.ts), and, for its test split (the
 * split the model cards quote, `splitOf(siteKey)`), how many of those a served version raises, and
 * the served rates of the whole test split (detection for a malicious source, false positives for a
 * benign one). A phishing host that is a platform's own name would be a detection the rule gives up.
 *
 *   npx tsx scripts/domain/measure-platform-own.ts [--sources models/training/domain-sources.json] \
 *       [--models models] [--allow-unsigned] [--out models/training/results/domain-5-platform-own-sources.json]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseDomain } from '../../src/indicators/domain/parse';
import { readSource, readSourcesFile } from '../../src/training/sources';
import { splitOf } from '../../src/training/split';
import { servedShares, startServed } from './served';

const { values: args } = parseArgs({
  options: {
    sources: { type: 'string', default: 'models/training/domain-sources.json' },
    data: { type: 'string', default: '../shared/data' },
    models: { type: 'string', default: 'models' },
    'allow-unsigned': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});

/** The share of `hosts` the service raises, at suspicious or above and at malicious, in percent. */
async function servedRates(hosts: string[]) {
  const answers = await app.scorer.scoreBatch(
    'domain',
    hosts.map((value, i) => ({ id: String(i), value })),
    'compact',
  );
  return servedShares(answers);
}

let app: Awaited<ReturnType<typeof startServed>>;

async function main(): Promise<void> {
  app = await startServed(args.models, args['allow-unsigned']);
  const result: Record<string, unknown> = {
    command: ['npx tsx scripts/domain/measure-platform-own.ts', ...process.argv.slice(2)].join(' '),
    sources: {},
  };
  for (const spec of readSourcesFile(args.sources)) {
    let rows = 0;
    const own: { host: string; test: boolean }[] = [];
    const testHosts = new Set<string>();
    for (const r of readSource(spec, args.data)) {
      const p = parseDomain(r.value);
      if (!p.ok) continue;
      rows++;
      const inTest = splitOf(p.value.siteKey) === 'test';
      if (inTest) testHosts.add(p.value.ascii);
      if (p.value.platformOwn) own.push({ host: p.value.ascii, test: inTest });
    }
    const test = [...new Set(own.filter((o) => o.test).map((o) => o.host))].map((host) => ({ host }));
    const answers = await app.scorer.scoreBatch(
      'domain',
      test.map((o, i) => ({ id: String(i), value: o.host })),
      'full',
    );
    const raised = answers.filter((a) => a.verdict !== 'benign');
    (result.sources as Record<string, unknown>)[spec.name] = {
      label: spec.label,
      rows,
      platform_own: own.length,
      platform_own_in_test_split: test.length,
      raised_in_test_split: raised.length,
      raised_hosts_in_test_split: answers
        .filter((a) => a.verdict !== 'benign')
        .map((a) => `${a.indicator} ${a.verdict}`),
      // The whole test split of the source as served: detection (malicious) or false positives (benign).
      test_split: await servedRates([...testHosts]),
      model_version: answers[0]?.model?.version ?? null,
      examples: [...new Set(own.map((o) => o.host))].slice(0, 12),
    };
    console.error(`${spec.name}: ${rows} rows, ${own.length} platforms' own names`);
  }
  await app.close();
  const text = `${JSON.stringify(result, null, 1)}\n`;
  if (args.out) writeFileSync(args.out, text);
  console.log(text);
}

void main();
