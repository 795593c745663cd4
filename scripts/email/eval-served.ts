/**
 * What PredictEmails answers on every message we have, per source and never mixing labels: the
 * served verdict (the message model's score raised by the embedded indicators' predictions,
 * src/scoring/email-evidence.ts) against the message model alone. Issue 13's targets are on the served
 * verdict: legitimate mail <= 1% at malicious and <= 3% at suspicious or above, later phishing and
 * spam macro ROC AUC >= 0.97.
 *
 *   npx tsx scripts/email/eval-served.ts [--models models] [--pins email=3] [--allow-unsigned] \
 *       [--sources models/training/email-3-sources.json] [--data ../shared/data] \
 *       [--registry models/training/.work/registry-ham] [--time-cutoff 2024-01-01] \
 *       [--out models/training/results/email-3-served.json] [--messages per-message.jsonl] [--fold N]
 *
 * Sources: every message (no sample) of each source in `--sources` (SpamAssassin ham and spam,
 * R lists, cygwin-patches, the HTML template bodies wrapped as the export wraps them: no headers,
 * phishing_pot); the registry ham of scripts/email/fetch-registry-ham.sh (Keycloak HTML bodies and
 * text twins, django-allauth, Gitea, Ghost, the real mail of three libraries' tests, the personal mail
 * of bogofilter's test mailbox); a folder the sources file trains on as a `dir` source is scored there, once; the modern
 * fixtures in test/fixtures/email. A source the sources file names was partly trained on: a message is
 * `seen` when the export's sample took it and its site fell in train or validation, and each figure
 * is given for all rows and for the unseen ones.
 *
 * Per legitimate source: rows, the share at suspicious or above and at malicious, served and model
 * alone, and for each raised message what raised it: `model` (the model alone, no malicious indicator
 * inside), `both` (the model alone, and malicious indicators inside too), `embedded` (the model alone
 * would not, the indicators did), `parse_limit`. Per malicious source: ROC AUC of the served and the
 * model's score against all legitimate messages and against the unseen ones, detection at each
 * verdict, and the same for its part dated on or after `--time-cutoff` (the later-in-time slice).
 * `--fold N`: the version was trained on fold N of a sources file with `folds`
 * (models/training/subset-export.py): the fold's `evaluate` sets (sources or registry sets) are
 * scored with every row unseen, its `train` sources as trained sources, and a set another fold names
 * that is neither (another rendering of a product this fold trained on) with every row seen. A
 * registry set that the sources file names as a source is scored once, as that source.
 * `--messages` writes one line per message with the malicious indicators cited, so another rule of
 * combination can be replayed on the same predictions (served-summary.ts computes the figures).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { messageSignals } from '../../src/indicators/email/message-signals';
import type { EmailResult } from '../../src/scoring/email-scorer';
import { verdictOf } from '../../src/scoring/verdict';
import {
  bodyAsMessage,
  type EmailSource,
  readMessages,
  siteKey,
  stableSample,
  withoutMboxLine,
} from '../../src/training/email-messages';
import { splitOf } from '../../src/training/split';
import { modelOptions, openApp } from './in-process-app';
import { files } from './mail-files';
import { legitimateFigures, macro, maliciousSlices, type ScoredMessage } from './served-summary';

const { values: args } = parseArgs({
  options: {
    ...modelOptions,
    sources: { type: 'string', default: 'models/training/email-3-sources.json' },
    data: { type: 'string', default: '../shared/data' },
    registry: { type: 'string', default: 'models/training/.work/registry-ham' },
    fixtures: { type: 'string', default: 'test/fixtures/email' },
    'time-cutoff': { type: 'string', default: '2024-01-01' },
    out: { type: 'string' },
    messages: { type: 'string' },
    fold: { type: 'string' },
  },
});

const RULE_EXCLUDED = new Set(['header:received', 'header:x-originating-ip', 'header:to', 'header:cc']);
const CHUNK = 100;

interface Message {
  file: string;
  raw: Buffer;
}

/** A set of messages with one label; `source` set when the training sources file names it. */
interface MailSet {
  name: string;
  label: 'benign' | 'malicious';
  note: string;
  messages: () => Message[];
  source?: EmailSource;
  /** Every row counts as seen: the fold trained on the product this set renders (`--fold`). */
  seenWhole?: boolean;
}

interface Fold {
  train: string[];
  evaluate: string[];
}

/** What `--fold` makes of a set: trained on as a source, held out, or the same product as a trained one. */
function foldRole(folds: Record<string, Fold> | undefined, name: string): 'own' | 'held-out' | 'same-product' {
  if (args.fold === undefined) return 'own';
  const fold = folds?.[args.fold];
  if (fold === undefined) throw new Error(`--fold ${args.fold}: ${args.sources} has no such fold`);
  const named = Object.values(folds ?? {}).some((f) => f.train.includes(name) || f.evaluate.includes(name));
  if (!named || fold.train.includes(name)) return 'own';
  return fold.evaluate.includes(name) ? 'held-out' : 'same-product';
}

const fromFiles = (paths: string[], wrap?: (s: string) => Buffer) => () =>
  paths.map((p) => ({ file: p, raw: wrap === undefined ? readFileSync(p) : wrap(readFileSync(p, 'utf8')) }));

function sets(): MailSet[] {
  const spec = JSON.parse(readFileSync(args.sources as string, 'utf8')) as {
    sources: EmailSource[];
    folds?: Record<string, Fold>;
  };
  const role = (name: string) => foldRole(spec.folds, name);
  const out: MailSet[] = spec.sources.map((s) => ({
    name: s.name,
    label: s.label,
    note: s.kind === 'html-bodies' ? 'HTML bodies only, no headers (wrapped as the export wraps them)' : s.origin,
    messages: () => readMessages(s, args.data as string),
    ...(role(s.name) === 'own' ? { source: s } : {}),
    ...(role(s.name) === 'same-product' ? { seenWhole: true } : {}),
  }));
  const named = new Set(out.map((s) => s.name));
  const reg = args.registry as string;
  if (!existsSync(reg)) throw new Error(`${reg} is missing: run scripts/email/fetch-registry-ham.sh first`);
  const registry: [string, string[], string, ((s: string) => Buffer)?][] = [
    ['keycloak-html', files(join(reg, 'rendered/html'), '.html'), 'HTML bodies only, no headers', bodyAsMessage],
    ['keycloak-text', files(join(reg, 'rendered/text'), '.eml'), 'text/plain twins with a Subject'],
    ['allauth', files(join(reg, 'allauth'), '.eml'), 'plain text, Subject, no From'],
    ['gitea', files(join(reg, 'gitea'), '.eml'), 'rendered .eml, 25 languages'],
    ['ghost', files(join(reg, 'ghost'), '.eml'), 'rendered .eml, 62 languages'],
    ['library-mail', files(join(reg, 'library-mail'), '.eml'), 'real mail of three libraries, half bodies only'],
    ['personal-mail', files(join(reg, 'personal-mail'), '.eml'), 'person-to-person mail of a package test mailbox'],
  ];
  // A folder the sources file trains on as a `dir` source (e.g. one library's part of library-mail) is
  // scored there, as that source, and left out of the registry set that holds it.
  const trainedDirs = spec.sources.filter((s) => s.kind === 'dir').map((s) => `${resolve(s.path)}${sep}`);
  for (const [name, all, note, wrap] of registry) {
    if (named.has(name)) continue;
    if (all.length === 0) throw new Error(`no ${name} messages under ${reg}`);
    const paths = all.filter((p) => !trainedDirs.some((d) => resolve(p).startsWith(d)));
    if (paths.length === 0) continue;
    out.push({
      name,
      label: 'benign',
      note: `registry ham: ${note}${paths.length < all.length ? ` (${all.length - paths.length} trained on as a source, scored there)` : ''}`,
      messages: fromFiles(paths, wrap),
      ...(role(name) === 'same-product' ? { seenWhole: true } : {}),
    });
  }
  const fx = args.fixtures as string;
  out.push({
    name: 'fixtures-modern',
    label: 'benign',
    note: 'test/fixtures/email/modern and alternative.eml',
    messages: fromFiles([...files(join(fx, 'modern'), '.eml'), join(fx, 'alternative.eml')]),
  });
  return out;
}

/** Which messages a version trained or set thresholds on: the export's sample, then its split. */
function seenFilter(set: MailSet, all: Message[]): (m: Message, r: EmailResult) => boolean {
  if (set.seenWhole === true) return () => true;
  const s = set.source;
  if (s === undefined) return () => false;
  const sampled = new Set(stableSample(s.name, all, s.sample ?? Number.POSITIVE_INFINITY).map((m) => m.file));
  return (m, r) => {
    if (!sampled.has(m.file) || r.parsed === undefined) return false;
    const site = siteKey(s, m.file, m.raw, r.parsed, messageSignals(r.parsed).fromDomain, true);
    return splitOf(site) !== 'test';
  };
}

async function scoreSet(app: Awaited<ReturnType<typeof openApp>>, set: MailSet): Promise<ScoredMessage[]> {
  const all = set.messages().map((m) => ({ file: m.file, raw: withoutMboxLine(m.raw) }));
  const seen = seenFilter(set, all);
  const thresholds = app.repository.serving('email')!.metadata.thresholds;
  const out: ScoredMessage[] = [];
  for (let i = 0; i < all.length; i += CHUNK) {
    const chunk = all.slice(i, i + CHUNK);
    const res = await app.emails.scoreEmails(
      chunk.map((m, k) => ({ id: String(i + k), raw: m.raw })),
      'full',
    );
    for (const [k, r] of res.entries()) {
      const m = chunk[k]!;
      if (r.score === undefined || r.verdict === undefined) continue;
      const date = r.parsed?.messages[0]?.date;
      out.push({
        set: set.name,
        file: m.file,
        label: set.label,
        seen: seen(m, r),
        date: date !== undefined && !Number.isNaN(date.getTime()) ? date.toISOString().slice(0, 10) : '',
        model: r.score,
        served: r.servedScore ?? r.score,
        modelVerdict: verdictOf(r.score, thresholds),
        combinedVerdict: verdictOf(r.servedScore ?? r.score, thresholds),
        verdict: r.verdict,
        parseLimit: r.reasons.some((x) => x.code === 'PARSE_LIMIT_HIT'),
        cited: r.indicators
          .filter((x) => x.result.verdict === 'malicious' && x.foundIn.some((f) => !RULE_EXCLUDED.has(f)))
          .map((x) => ({
            indicator: x.result.indicator,
            kind: x.result.kind ?? '',
            score: x.result.score ?? 0,
            foundIn: x.foundIn.filter((f) => !RULE_EXCLUDED.has(f)),
          })),
        mismatches: (r.parsed?.facts.linkMismatches ?? []).map((x) => x.href),
      });
    }
    process.stderr.write(`\r${set.name}: ${Math.min(i + CHUNK, all.length)} / ${all.length}`);
  }
  process.stderr.write(`, ${all.length - out.length} not scored\n`);
  return out;
}

async function main(): Promise<void> {
  const app = await openApp(args);
  const serving = Object.fromEntries(app.repository.list().map((m) => [m.name, m.serving?.version ?? null]));
  const thresholds = app.repository.serving('email')!.metadata.thresholds;
  const all = sets();
  const scored: ScoredMessage[] = [];
  for (const set of all) scored.push(...(await scoreSet(app, set)));
  await app.close();

  const legitimateRows = scored.filter((s) => s.label === 'benign');
  const cutoff = args['time-cutoff'] as string;
  const legitimate: Record<string, unknown> = {};
  const malicious: Record<string, ReturnType<typeof maliciousSlices> & { note: string }> = {};
  for (const set of all) {
    const rows = scored.filter((s) => s.set === set.name);
    if (set.label === 'benign') {
      legitimate[set.name] = {
        note: set.note,
        all: legitimateFigures(rows),
        ...(set.source !== undefined || set.seenWhole === true
          ? { unseen: legitimateFigures(rows.filter((r) => !r.seen)) }
          : {}),
      };
    } else {
      malicious[set.name] = { note: set.note, ...maliciousSlices(rows, legitimateRows, cutoff) };
    }
  }
  const sliceMacro = (slice: 'later' | 'later_unseen', key: 'auc_served' | 'auc_model') =>
    macro(Object.values(malicious).map((m) => m[slice][key]));
  const report = {
    command: `npx tsx scripts/email/eval-served.ts ${process.argv.slice(2).join(' ')}`,
    serving,
    thresholds,
    targets:
      'issue 13: legitimate mail <= 3% at suspicious or above, <= 1% at malicious (served verdict); later phishing and spam macro ROC AUC >= 0.97',
    time_cutoff: cutoff,
    ...(args.fold !== undefined ? { fold: args.fold } : {}),
    later_macro_auc: {
      served: sliceMacro('later', 'auc_served'),
      model: sliceMacro('later', 'auc_model'),
      unseen_served: sliceMacro('later_unseen', 'auc_served'),
      unseen_model: sliceMacro('later_unseen', 'auc_model'),
    },
    all_legitimate: {
      all: legitimateFigures(legitimateRows),
      unseen: legitimateFigures(legitimateRows.filter((r) => !r.seen)),
    },
    legitimate,
    malicious,
    fixtures: scored
      .filter((s) => s.set === 'fixtures-modern')
      .map((s) => ({ file: s.file, model: round4(s.model), served: round4(s.served), verdict: s.verdict })),
  };
  if (args.out !== undefined) writeFileSync(args.out as string, `${JSON.stringify(report, null, 1)}\n`);
  else console.log(JSON.stringify(report, null, 1));
  if (args.messages !== undefined) {
    writeFileSync(args.messages as string, `${scored.map((s) => JSON.stringify(s)).join('\n')}\n`);
  }
}

const round4 = (x: number) => Number(x.toFixed(4));

void main();
