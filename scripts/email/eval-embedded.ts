/**
 * The trade of the embedded-indicator rule, measured end to end: every message of an email export
 * (rows.tsv, optionally one split) goes through the real email scorer with the models of `--models`
 * (the domain, url, email-address and email versions that serve there), and one line per message says
 * the message model's score, the verdict the old rule gave (any malicious indicator inside lifted the
 * message to SUSPICIOUS) and the verdict and score of the combination (email-evidence.ts).
 *
 *   npx tsx scripts/email/eval-embedded.ts --rows models/training/.work/email2/rows.tsv --split test \
 *       [--models models] [--pins email=2] > embedded.tsv
 *   python3 models/training/email-embedded-report.py embedded.tsv
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { decodeRawEmail } from '../../src/scoring/pipelines/email';
import { verdictOf } from '../../src/scoring/verdict';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string' },
    split: { type: 'string' },
    models: { type: 'string', default: 'models' },
    pins: { type: 'string', default: '' },
    batch: { type: 'string', default: '50' },
  },
});

const EXCLUDED = new Set(['header:received', 'header:x-originating-ip', 'header:to', 'header:cc']);

async function main(): Promise<void> {
  const config = loadConfig(
    ['--models', args.models as string, '--model-versions', args.pins as string, '--cache-entries', '100000'],
    {},
  );
  const app = await createApp(config, pino({ level: 'warn' }, process.stderr));
  const rl = createInterface({ input: createReadStream(args.rows as string) });
  let header: string[] | undefined;
  let pending: { cols: Record<string, string>; raw: Buffer }[] = [];
  process.stdout.write(
    'source\tlabel\tsplit\tdate\tmodel_score\tcombined\tmodel_verdict\told_verdict\tnew_verdict\tcited\n',
  );
  const flush = async () => {
    const res = await app.emails.scoreEmails(
      pending.map((p, i) => ({ id: String(i), raw: p.raw })),
      'full',
    );
    for (const [i, r] of res.entries()) {
      const c = pending[i]!.cols;
      if (r.score === undefined || r.verdict === undefined) continue;
      const t = app.repository.serving('email')!.metadata.thresholds;
      const cited = r.indicators.filter(
        (ind) => ind.result.verdict === 'malicious' && ind.foundIn.some((f) => !EXCLUDED.has(f)),
      );
      const base = verdictOf(r.score, t);
      const old = cited.length > 0 && base === 'benign' ? 'suspicious' : base;
      const m = /combined score is ([0-9.]+)/.exec(r.reasons.map((x) => x.message).join(' '));
      process.stdout.write(
        `${[c.source, c.label, c.split, c.date ?? '', r.score.toFixed(6), m?.[1] ?? r.score.toFixed(6), base, old, r.verdict, cited.length].join('\t')}\n`,
      );
    }
    pending = [];
  };
  for await (const line of rl) {
    const cols = line.split('\t');
    if (header === undefined) {
      header = cols;
      continue;
    }
    const row = Object.fromEntries(header.map((h, i) => [h, cols[i] ?? '']));
    if (args.split !== undefined && row.split !== args.split) continue;
    const raw = decodeRawEmail(row.indicator ?? '');
    if (raw === undefined) continue;
    delete row.indicator;
    pending.push({ cols: row, raw });
    if (pending.length >= Number(args.batch)) await flush();
  }
  if (pending.length > 0) await flush();
  await app.close();
}

void main();
