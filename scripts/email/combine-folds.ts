/**
 * One table from an organisation-split evaluation (models/training/email-4-sources.json `folds`):
 * every legitimate set scored by a model that never trained on its organisation or product. A set a
 * fold holds out is read from that fold's model (every row unseen there); every other set (the
 * SpamAssassin, list and phishing corpora, library mail, the fixtures) from the candidate trained on
 * all sources, its unseen rows only. A baseline (v3) is read the same way, unseen rows only, with its
 * one template source cut into the sources file's organisation groups (`folders`), so the two columns
 * hold the same messages where both have them.
 *
 *   npx tsx scripts/email/combine-folds.ts --sources models/training/email-4-sources.json \
 *       --fold 1=f1.jsonl --fold 2=f2.jsonl --candidate all.jsonl --baseline v3.jsonl [--out x.json]
 *
 * The .jsonl files are eval-served.ts `--messages` outputs (the folds' with `--fold N`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { EmailSource } from '../../src/training/email-messages';
import { legitimateFigures, maliciousSlices, type ScoredMessage } from './served-summary';

const { values: args } = parseArgs({
  options: {
    sources: { type: 'string', default: 'models/training/email-4-sources.json' },
    fold: { type: 'string', multiple: true, default: [] },
    candidate: { type: 'string' },
    baseline: { type: 'string' },
    'time-cutoff': { type: 'string', default: '2024-01-01' },
    out: { type: 'string' },
  },
});

interface Spec {
  sources: EmailSource[];
  folds: Record<string, { train: string[]; evaluate: string[] }>;
}

const read = (file: string): ScoredMessage[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as ScoredMessage);

/** A baseline's template rows renamed to the organisation group their folder is in. */
function grouped(rows: ScoredMessage[], sources: EmailSource[]): ScoredMessage[] {
  const groupOf = new Map<string, string>();
  for (const s of sources) for (const f of s.folders ?? []) groupOf.set(`${s.corpus ?? s.name}/${f}`, s.name);
  return rows.map((r) => {
    const g = groupOf.get(`${r.set}/${r.file.split('/')[0]}`);
    return g === undefined ? r : { ...r, set: g };
  });
}

const pick = (f: ReturnType<typeof legitimateFigures>) => ({
  rows: f.rows,
  suspicious_or_above_pct: f.suspicious_or_above.served_pct,
  malicious_pct: f.malicious.served_pct,
  raised_by_model_both_embedded: [
    f.suspicious_or_above.raised_by.model,
    f.suspicious_or_above.raised_by.both,
    f.suspicious_or_above.raised_by.embedded,
  ],
});

function main(): void {
  const spec = JSON.parse(readFileSync(args.sources as string, 'utf8')) as Spec;
  if (args.candidate === undefined) throw new Error('--candidate is required');
  const heldOutBy = new Map<string, string>();
  for (const [n, f] of Object.entries(spec.folds)) for (const s of f.evaluate) heldOutBy.set(s, n);
  const folds = new Map((args.fold as string[]).map((x) => [x.split('=')[0]!, read(x.split('=').slice(1).join('='))]));
  for (const n of Object.keys(spec.folds)) if (!folds.has(n)) throw new Error(`--fold ${n}=FILE is missing`);
  const candidate = read(args.candidate);
  const baseline = args.baseline === undefined ? [] : grouped(read(args.baseline), spec.sources);

  // The recipe's unseen rows: held-out sets from their fold, the rest from the candidate.
  const unseen = [
    ...candidate.filter((r) => !heldOutBy.has(r.set) && !r.seen),
    ...[...heldOutBy].flatMap(([set, n]) => folds.get(n)!.filter((r) => r.set === set && !r.seen)),
  ];
  const baseUnseen = baseline.filter((r) => !r.seen);
  const sets = [...new Set([...unseen.map((r) => r.set), ...baseUnseen.map((r) => r.set)])];
  const legitimate = Object.fromEntries(
    sets
      .filter((s) => [...unseen, ...baseUnseen].some((r) => r.set === s && r.label === 'benign'))
      .map((s) => [
        s,
        {
          from: heldOutBy.has(s)
            ? `fold ${heldOutBy.get(s)} (organisation never trained on)`
            : 'candidate, unseen rows',
          candidate: pick(legitimateFigures(unseen.filter((r) => r.set === s))),
          ...(baseline.length > 0 ? { baseline: pick(legitimateFigures(baseUnseen.filter((r) => r.set === s))) } : {}),
        },
      ]),
  );
  const legit = (rows: ScoredMessage[]) => rows.filter((r) => r.label === 'benign');
  // Pooled over the sets both columns hold, so the two pooled figures count the same kinds of mail.
  const common = new Set(
    sets.filter((s) => legit(unseen).some((r) => r.set === s) && legit(baseUnseen).some((r) => r.set === s)),
  );
  const pooled = {
    candidate_all_sets: pick(legitimateFigures(legit(unseen))),
    candidate_common_sets: pick(legitimateFigures(legit(unseen).filter((r) => common.has(r.set)))),
    ...(baseline.length > 0
      ? { baseline_common_sets: pick(legitimateFigures(legit(baseUnseen).filter((r) => common.has(r.set)))) }
      : {}),
    common_sets: [...common].sort(),
  };
  const cutoff = args['time-cutoff'] as string;
  const malicious = Object.fromEntries(
    [...new Set(candidate.filter((r) => r.label === 'malicious').map((r) => r.set))].map((s) => {
      const m = maliciousSlices(
        candidate.filter((r) => r.set === s),
        legit(candidate),
        cutoff,
      );
      return [s, { unseen: m.unseen, later_unseen: m.later_unseen }];
    }),
  );
  const fixtures = (rows: ScoredMessage[]) =>
    Object.fromEntries(
      rows.filter((r) => r.set === 'fixtures-modern').map((r) => [r.file.split('/').pop(), r.verdict]),
    );
  const report = {
    command: `npx tsx scripts/email/combine-folds.ts ${process.argv.slice(2).join(' ')}`,
    rule: 'legitimate: each set from a model that never trained on its organisation or product (held-out sets from their fold, the others from the candidate, unseen rows); malicious: the candidate, unseen rows against its unseen legitimate rows',
    pooled_legitimate: pooled,
    legitimate,
    malicious,
    fixtures: {
      candidate: fixtures(candidate),
      ...Object.fromEntries([...folds].map(([n, rows]) => [`fold_${n}`, fixtures(rows)])),
      ...(baseline.length > 0 ? { baseline: fixtures(baseline) } : {}),
    },
  };
  const text = `${JSON.stringify(report, null, 1)}\n`;
  if (args.out !== undefined) writeFileSync(args.out, text);
  else process.stdout.write(text);
}

main();
