/**
 * In-process cost of scoring domains, per step (no server): parsing, the features of each features
 * version, and each committed model version's ONNX run (batches of 1000), as CPU time per name over a
 * fixed mix of names from the training lists, best of several rounds. The numbers the model card
 * quotes; run before and after a feature change.
 *
 *   npx tsx src/bench/feature-cost.ts [--data ../shared/data] [--names 50000] [--rounds 5] \
 *       [--word-assets DIR/assets.json] [--model DIR ...]
 *
 * Features versions with learned word log-odds (domain/3) take them from --word-assets, else from the
 * newest committed version whose assets.json has them (skipped when none has). --model adds an
 * uncommitted model folder (e.g. a candidate written by train.py to a temporary folder).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import * as ort from 'onnxruntime-node';
import { loadDomainAssets } from '../indicators/domain/assets';
import { DOMAIN_FEATURE_SETS } from '../indicators/domain/feature-sets';
import { type DomainName, parseDomain } from '../indicators/domain/parse';
import { openSession } from '../scoring/inference-protocol';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/data' },
    names: { type: 'string', default: '50000' },
    rounds: { type: 'string', default: '5' },
    assets: { type: 'string', default: 'models/domain/1/assets.json' },
    'word-assets': { type: 'string' },
    model: { type: 'string', multiple: true, default: [] },
  },
});

function lines(file: string, column = 0): string[] {
  const buf = readFileSync(join(args.data, 'domains', file));
  const text = (file.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
  return text
    .split('\n')
    .slice(file.endsWith('.txt') ? 0 : 1)
    .map((l) => (l.split(/[,\t]/)[column] ?? '').trim())
    .filter((l) => l !== '');
}

// A fixed mix: popular and long-tail benign names, phishing hosts, generated names (every 7th, 5th, ...).
const per = Math.ceil(Number(args.names) / 4);
const every = (xs: string[]) => xs.filter((_, i) => i % Math.max(1, Math.floor(xs.length / per)) === 0).slice(0, per);
const raw = [
  ...every(lines('tranco_top100k.txt')),
  ...every(lines('benign_hsts_preload.txt')),
  ...every(lines('openphish_hosts_first_seen_before_2025-07-01.tsv.gz')),
  ...every(lines('dga_andrewaeva_cap10k.csv.gz')),
];
const names: DomainName[] = [];
for (const r of raw) {
  const p = parseDomain(r);
  if (p.ok) names.push(p.value);
}
function best(rounds: number, work: () => void): number {
  let b = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const cpu0 = process.cpuUsage();
    work();
    const cpu = process.cpuUsage(cpu0);
    b = Math.min(b, ((cpu.user + cpu.system) * 1000) / names.length);
  }
  return Math.round(b);
}
const parseNs = best(Number(args.rounds), () => {
  for (const r of raw) parseDomain(r);
});
const assets = loadDomainAssets(args.assets);
// Every committed version (a folder with a metadata.json), oldest first.
const versions = readdirSync(join('models', 'domain'))
  .filter((v) => /^\d+$/.test(v) && existsSync(join('models', 'domain', v, 'metadata.json')))
  .map(Number)
  .sort((a, b) => a - b);
const wordAssetsFile =
  args['word-assets'] ??
  versions
    .map((v) => join('models', 'domain', String(v), 'assets.json'))
    .reverse()
    .find((f) => loadDomainAssets(f).wordLogOdds !== undefined);
const wordLogOdds = wordAssetsFile === undefined ? undefined : loadDomainAssets(wordAssetsFile).wordLogOdds;
const result: Record<string, number> = {};
for (const set of DOMAIN_FEATURE_SETS.values()) {
  if (set.wordOdds && wordLogOdds === undefined) {
    console.error(`${set.version}: skipped, no assets with word log-odds (--word-assets)`);
    continue;
  }
  const a = set.wordOdds ? { ...assets, wordLogOdds } : assets;
  const out = new Float32Array(set.names.length);
  result[set.version] = best(Number(args.rounds), () => {
    for (const d of names) set.compute(d, a, out, 0);
  });
}

// The model run per name, batches of 1000, for each committed version (its own features as input).
async function modelCost(dir: string): Promise<number> {
  const meta = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as {
    features_version: string;
    input: { name: string };
  };
  const set = DOMAIN_FEATURE_SETS.get(meta.features_version)!;
  const w = set.names.length;
  const a = loadDomainAssets(join(dir, 'assets.json'));
  const x = new Float32Array(names.length * w);
  names.forEach((d, i) => {
    set.compute(d, a, x, i * w);
  });
  const session = await openSession(readFileSync(join(dir, 'model.onnx')), 1); // as the server opens it
  let b = Number.POSITIVE_INFINITY;
  for (let r = 0; r < Number(args.rounds); r++) {
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < names.length; i += 1000) {
      const n = Math.min(1000, names.length - i);
      await session.run({ [meta.input.name]: new ort.Tensor('float32', x.subarray(i * w, (i + n) * w), [n, w]) });
    }
    const cpu = process.cpuUsage(cpu0);
    b = Math.min(b, ((cpu.user + cpu.system) * 1000) / names.length);
  }
  await session.release();
  return Math.round(b);
}
void (async () => {
  const model: Record<string, number> = {};
  for (const v of versions) model[`v${v}`] = await modelCost(join('models', 'domain', String(v)));
  for (const dir of args.model ?? []) model[dir] = await modelCost(dir);
  console.log(
    JSON.stringify({ names: names.length, ns_per_name_cpu_best_of_rounds: { parse: parseNs, ...result, model } }),
  );
})();
