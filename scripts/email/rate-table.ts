/**
 * Per-group rates of a set of legitimate mail raised by a model: joins score-files.ts output (file,
 * version, score, verdict, reasons) to the set's manifest.tsv on its `file` column and prints one
 * markdown row per value of each `--by` column: messages, raised (suspicious or malicious) and
 * malicious, as counts and shares. models/email/README.md's registry tables come from it.
 *
 *   npx tsx scripts/email/score-files.ts --ids-from DIR DIR/*\/*.eml >scores.tsv
 *   npx tsx scripts/email/rate-table.ts --scores scores.tsv --manifest DIR/manifest.tsv --by language,kind
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    scores: { type: 'string' },
    manifest: { type: 'string' },
    by: { type: 'string', default: 'language' },
  },
});

interface Count {
  n: number;
  raised: number;
  malicious: number;
}

function table(path: string): Record<string, string>[] {
  const [header, ...rows] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const names = header.split('\t');
  return rows.map((row) => Object.fromEntries(row.split('\t').map((v, i) => [names[i], v])));
}

function main(): void {
  const verdicts = new Map<string, string>();
  for (const line of readFileSync(args.scores as string, 'utf8')
    .trimEnd()
    .split('\n')) {
    const [file, , , verdict] = line.split('\t');
    verdicts.set(file, verdict);
  }
  const manifest = table(args.manifest as string);
  const missing = manifest.filter((r) => !verdicts.has(r.file));
  if (missing.length > 0) throw new Error(`${missing.length} manifest files have no score, e.g. ${missing[0].file}`);
  const share = (k: number, n: number) => `${k} (${((100 * k) / n).toFixed(1)}%)`;
  for (const column of (args.by as string).split(',')) {
    const groups = new Map<string, Count>();
    for (const row of [...manifest.map((r) => ({ key: r[column], r })), ...manifest.map((r) => ({ key: 'all', r }))]) {
      const c = groups.get(row.key) ?? { n: 0, raised: 0, malicious: 0 };
      const verdict = verdicts.get(row.r.file);
      c.n++;
      if (verdict === 'suspicious' || verdict === 'malicious') c.raised++;
      if (verdict === 'malicious') c.malicious++;
      groups.set(row.key, c);
    }
    console.log(`| ${column} | messages | raised | malicious |\n|---|---|---|---|`);
    for (const [key, c] of [...groups].sort(([a], [b]) => (a === 'all' ? 1 : b === 'all' ? -1 : a.localeCompare(b)))) {
      console.log(`| ${key} | ${c.n} | ${share(c.raised, c.n)} | ${share(c.malicious, c.n)} |`);
    }
    console.log('');
  }
}

main();
