/**
 * What the service answers for a list of URLs of one label (one URL a line), end to end (`createApp`
 * on --models: allow-list, rules, the serving URL version): the share raised at suspicious and at
 * malicious, overall and for the hosts with the most URLs, and the version that answered. Used on the
 * URLhaus malware URLs of scripts/domain/extract-malware-lists.ts (a threat no URL version was trained
 * on), where it reports detection:
 *
 *   npx tsx scripts/url/measure-url-list.ts --out models/training/results/url-3-urlhaus-urls.json \
 *       models/training/.work/malware/urlhaus-urls.txt
 *
 * `--pins url=3` answers with that version; `--allow-unsigned` serves a candidate not yet signed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { hostOfUrl } from '../../src/training/sources';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    models: { type: 'string', default: 'models' },
    pins: { type: 'string' },
    /** Serve unsigned versions too (a candidate the lead has not signed yet), as --allow-unsigned-models does. */
    'allow-unsigned': { type: 'boolean', default: false },
    top: { type: 'string', default: '15' },
    out: { type: 'string' },
  },
});
if (positionals.length !== 1) throw new Error('one list of URLs expected');

async function main(): Promise<void> {
  const urls = readFileSync(positionals[0]!, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const app = await createApp(
    loadConfig(
      [
        '--models',
        args.models,
        ...(args.pins ? ['--model-versions', args.pins] : []),
        ...(args['allow-unsigned'] ? ['--allow-unsigned-models', 'true'] : []),
      ],
      {},
    ),
    pino({ level: 'warn' }, process.stderr),
  );
  const answers = await app.scorer.scoreBatch(
    'url',
    urls.map((value, i) => ({ id: String(i), value })),
    'compact',
  );
  await app.close();
  const count = (vs: readonly (string | undefined)[]) => ({
    rows: vs.length,
    raised_at_suspicious: Number(
      (vs.filter((v) => v === 'suspicious' || v === 'malicious').length / vs.length).toFixed(6),
    ),
    raised_at_malicious: Number((vs.filter((v) => v === 'malicious').length / vs.length).toFixed(6)),
    errors: vs.filter((v) => v === undefined).length,
  });
  const byHost = new Map<string, (string | undefined)[]>();
  answers.forEach((a, i) => {
    const host = hostOfUrl(urls[i]!);
    byHost.set(host, [...(byHost.get(host) ?? []), a.error === undefined ? a.verdict : undefined]);
  });
  const versions = [...new Set(answers.map((a) => (a.model ? `${a.model.name}/${a.model.version}` : 'none')))];
  const result = {
    command: ['npx tsx scripts/url/measure-url-list.ts', ...process.argv.slice(2)].join(' '),
    list: positionals[0],
    answered_by: versions,
    all: count(answers.map((a) => (a.error === undefined ? a.verdict : undefined))),
    top_hosts: Object.fromEntries(
      [...byHost]
        .sort((a, b) => b[1].length - a[1].length)
        .slice(0, Number(args.top))
        .map(([h, vs]) => [h, count(vs)]),
    ),
  };
  const text = `${JSON.stringify(result, null, 1)}\n`;
  if (args.out) writeFileSync(args.out, text);
  console.log(text);
}

void main();
