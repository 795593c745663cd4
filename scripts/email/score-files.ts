/**
 * Scores .eml files end to end with the models of a repository folder and prints, per file, the
 * message model's score, the verdict and the reasons (what PredictEmails answers, in-process).
 *
 *   npx tsx scripts/email/score-files.ts [--models models] [--pins email=1] [--allow-unsigned] [--ids-from DIR] file.eml ...
 *
 * Each line starts with the file's name, or with its path under `--ids-from` when one is given (rendered
 * sets repeat a name in every language folder: `ghost-de/signin.eml`); scripts/email/rate-table.ts
 * joins those lines to a set's manifest.tsv.
 * `--allow-unsigned` loads a candidate that is not signed yet (one trained here, where the signing key is not).
 */
import { readFileSync } from 'node:fs';
import { basename, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { modelOptions, openApp } from './in-process-app';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    ...modelOptions,
    'ids-from': { type: 'string' },
  },
});

async function main(): Promise<void> {
  const app = await openApp(args);
  const res = await app.emails.scoreEmails(
    positionals.map((f) => ({
      id: args['ids-from'] === undefined ? basename(f) : relative(args['ids-from'] as string, f),
      raw: readFileSync(f),
    })),
    'full',
  );
  for (const r of res) {
    console.log(
      `${r.id}\tv${r.model?.version}\t${r.score?.toFixed(4)}\t${r.verdict}\t${r.reasons
        .filter((x) => x.code !== 'MODEL_SCORE')
        .map((x) => (x.code === 'EMBEDDED_MALICIOUS_INDICATOR' ? x.message : x.code))
        .join('; ')}`,
    );
  }
  await app.close();
}

void main();
