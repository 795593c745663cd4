/**
 * Does the email model's verdict depend on the language a message is written in? Scores the same
 * legitimate mail in many languages (Keycloak's account notices and django-allauth's account mail,
 * each one text translated by the product's own translators: scripts/email/fetch-registry-ham.sh),
 * end to end as PredictEmails answers, and reports per language the share raised (suspicious or
 * above) and malicious, and the language effect: the mean, over the texts a language has, of
 * logit(score) minus that text's mean over all languages. A model that reads what a message says, not
 * which language says it, has language effects near 0 and the same rates in every language.
 *
 *   npx tsx scripts/email/eval-languages.ts [--models models] [--pins email=3] [--allow-unsigned] \
 *       [--registry models/training/.work/registry-ham] [--extra name=dir ...] [--out results.json]
 *
 * Sets: `keycloak-html` (the HTML bodies, wrapped as the training export wraps a body: a Content-Type
 * header, nothing else), `keycloak-text` (their text/plain twins, with Keycloak's subject), `allauth`
 * (.eml). `--extra name=dir` adds a folder of legitimate .eml: its manifest.tsv names each file's
 * language (and, as `template`, the text it translates), else the names do (`<text>.<lang>.eml`). Nothing here is trained on unless
 * a sources file names it; evaluate.py's leave-one-source-out covers the case where one is.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { modelOptions, openApp } from './in-process-app';
import { files } from './mail-files';

const { values: args } = parseArgs({
  options: {
    ...modelOptions,
    registry: { type: 'string', default: 'models/training/.work/registry-ham' },
    extra: { type: 'string', multiple: true, default: [] },
    out: { type: 'string' },
  },
});

/** One legitimate message: its set, the text it is a translation of, its language. */
interface Sample {
  set: string;
  text: string;
  lang: string;
  raw: Buffer;
}

/** `<text>.<lang>.eml` -> [text, lang]; a file without a language part is in its folder's language. */
function textAndLang(path: string, ext: string): [string, string] {
  const stem = basename(path, ext).replace(/\.rendered$/, '');
  const dot = stem.lastIndexOf('.');
  if (dot > 0) return [stem.slice(0, dot), stem.slice(dot + 1)];
  return [stem, basename(join(path, '..')).replace(/^keycloak-/, '')];
}

/**
 * A folder of legitimate .eml: with a manifest.tsv (columns `file`, `language`, optionally `template`:
 * the text a message is a translation of), as the ham-extra sets have it; without one, by file name.
 */
function extraSet(name: string, dir: string): Sample[] {
  const manifest = join(dir, 'manifest.tsv');
  if (!existsSync(manifest)) {
    return files(dir, '.eml').map((p) => {
      const [text, lang] = textAndLang(p, '.eml');
      return { set: name, text, lang, raw: readFileSync(p) };
    });
  }
  const [head, ...lines] = readFileSync(manifest, 'utf8').trimEnd().split('\n');
  const cols = (head as string).split('\t');
  const col = (row: string[], c: string) => row[cols.indexOf(c)] ?? '';
  return lines.map((line) => {
    const row = line.split('\t');
    const file = col(row, 'file');
    const path = existsSync(join(dir, file)) ? join(dir, file) : join(dir, '..', file);
    const text = cols.includes('template') ? col(row, 'template') : basename(file, '.eml');
    return { set: name, text, lang: col(row, 'language'), raw: readFileSync(path) };
  });
}

function samples(): Sample[] {
  const reg = args.registry as string;
  const out: Sample[] = [];
  for (const p of files(join(reg, 'rendered/html'), '.html')) {
    const [text, lang] = textAndLang(p, '.html');
    const body = readFileSync(p, 'utf8');
    out.push({
      set: 'keycloak-html',
      text,
      lang,
      raw: Buffer.from(`Content-Type: text/html; charset=utf-8\r\n\r\n${body}`),
    });
  }
  for (const p of files(join(reg, 'rendered/text'), '.eml')) {
    const [text, lang] = textAndLang(p, '.eml');
    out.push({ set: 'keycloak-text', text, lang, raw: readFileSync(p) });
  }
  for (const p of files(join(reg, 'allauth'), '.eml')) {
    const [text, lang] = textAndLang(p, '.eml');
    out.push({ set: 'allauth', text, lang, raw: readFileSync(p) });
  }
  for (const spec of args.extra as string[]) {
    const [name, dir] = spec.split('=', 2) as [string, string];
    out.push(...extraSet(name, dir));
  }
  return out;
}

const logit = (p: number) => {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
};

interface Row {
  n: number;
  raised: number;
  malicious: number;
  effect: number;
}

function summarise(scored: (Sample & { score: number; verdict: string })[]) {
  const bySet = new Map<string, typeof scored>();
  for (const s of scored) bySet.set(s.set, [...(bySet.get(s.set) ?? []), s]);
  const sets: Record<string, { all: Row; languages: Record<string, Row>; effectSd: number }> = {};
  for (const [set, rows] of bySet) {
    const textMean = new Map<string, number>();
    for (const t of new Set(rows.map((r) => r.text))) {
      const of = rows.filter((r) => r.text === t);
      textMean.set(t, of.reduce((a, r) => a + logit(r.score), 0) / of.length);
    }
    const row = (of: typeof rows): Row => ({
      n: of.length,
      raised: of.filter((r) => r.verdict !== 'benign').length / of.length,
      malicious: of.filter((r) => r.verdict === 'malicious').length / of.length,
      effect: of.reduce((a, r) => a + logit(r.score) - (textMean.get(r.text) as number), 0) / of.length,
    });
    const languages: Record<string, Row> = {};
    for (const lang of [...new Set(rows.map((r) => r.lang))].sort())
      languages[lang] = row(rows.filter((r) => r.lang === lang));
    const effects = Object.values(languages).map((l) => l.effect);
    const effectSd = Math.sqrt(effects.reduce((a, e) => a + e * e, 0) / effects.length);
    sets[set] = { all: row(rows), languages, effectSd };
  }
  return sets;
}

async function main(): Promise<void> {
  const app = await openApp(args);
  const all = samples();
  const scored: (Sample & { score: number; verdict: string })[] = [];
  let model = '';
  for (let i = 0; i < all.length; i += 100) {
    const chunk = all.slice(i, i + 100);
    const res = await app.emails.scoreEmails(
      chunk.map((s, k) => ({ id: String(i + k), raw: s.raw })),
      'full',
    );
    for (const [k, r] of res.entries()) {
      model = `email v${r.model?.version}`;
      scored.push({ ...(chunk[k] as Sample), score: r.score ?? 0, verdict: String(r.verdict) });
    }
  }
  await app.close();
  const sets = summarise(scored);
  const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
  console.log(
    `${model}: raised / malicious per language; effect = mean logit shift against the same text in all languages`,
  );
  for (const [set, s] of Object.entries(sets)) {
    console.log(
      `\n${set}: ${s.all.n} messages, raised ${pct(s.all.raised)}, malicious ${pct(s.all.malicious)}, language effect sd ${s.effectSd.toFixed(2)}`,
    );
    console.log(
      Object.entries(s.languages)
        .map(([l, r]) => `${l} ${Math.round(r.raised * r.n)}/${r.n} ${r.effect >= 0 ? '+' : ''}${r.effect.toFixed(1)}`)
        .join(', '),
    );
  }
  if (args.out) {
    // One line per message ([set, text, language, score, verdict]), so two models' files compare line by line.
    const lines = scored.map((s) => JSON.stringify([s.set, s.text, s.lang, Number(s.score.toFixed(5)), s.verdict]));
    const head = JSON.stringify({ model, command: process.argv.slice(2).join(' '), sets }, null, 1).slice(0, -2);
    writeFileSync(args.out, `${head},\n "messages": [\n${lines.join(',\n')}\n ]\n}\n`);
  }
}

void main();
