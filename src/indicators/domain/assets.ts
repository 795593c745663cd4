/** Building, saving and loading the per-model-version feature statistics (n-gram table, TLD log-odds). */
import { readFileSync } from 'node:fs';
import { ENGLISH_WORDS, WORD_SEGMENTER } from './english-words';
import type { DomainFeatureAssets } from './features';
import { buildNgramModel, deserializeNgramModel, serializeNgramModel } from './ngram';
import { buildWordLogOdds, parseWordLogOdds, serializeWordLogOdds } from './word-odds';

export interface LabelledName {
  /** Second-level label, e.g. `example`. */
  sld: string;
  tld: string;
  malicious: boolean;
  /** Counts towards the TLD log-odds (default true); see `tld_stats` in the sources file. */
  tldStats?: boolean;
  /** The labels left of the registrable domain (`a.b` of `a.b.example.com`), for the word log-odds. */
  sub?: string;
  /** Counts towards the word log-odds (default true); see `word_stats` in the sources file. */
  wordStats?: boolean;
}

export interface DomainAssetOptions {
  /** Also learn the word log-odds (domain/3 on). */
  wordOdds?: boolean;
  /** Prior strength (rows) of the word log-odds (default 20). */
  wordPrior?: number;
}

/** Learns the assets from the training split only (never from evaluation rows). */
export function buildDomainAssets(
  rows: readonly LabelledName[],
  priorStrength = 20,
  options: DomainAssetOptions = {},
): DomainFeatureAssets {
  const ngram = buildNgramModel(rows.filter((r) => !r.malicious).map((r) => r.sld));
  const counts = new Map<string, [number, number]>();
  let mal = 0;
  for (const r of rows) {
    if (r.tldStats === false) continue;
    const c = counts.get(r.tld) ?? [0, 0];
    c[r.malicious ? 1 : 0]++;
    counts.set(r.tld, c);
    if (r.malicious) mal++;
  }
  // Log-odds of the TLD relative to the overall base rate, shrunk towards 0 for rare TLDs.
  const total = rows.reduce((n, r) => n + (r.tldStats === false ? 0 : 1), 0);
  const base = (mal + 1) / (total - mal + 1);
  const tldLogOdds = new Map<string, number>();
  for (const [tld, [b, m]] of counts) {
    const odds = (m + priorStrength * (base / (1 + base))) / (b + priorStrength * (1 / (1 + base)));
    tldLogOdds.set(tld, Math.log(odds / base));
  }
  const assets: DomainFeatureAssets = { ngram, tldLogOdds, defaultTldLogOdds: 0 };
  if (options.wordOdds) {
    const wordRows = rows
      .filter((r) => r.wordStats !== false)
      .map((r) => ({ texts: r.sub ? [r.sld, r.sub] : [r.sld], malicious: r.malicious }));
    assets.wordLogOdds = buildWordLogOdds(WORD_SEGMENTER, ENGLISH_WORDS.length, wordRows, options.wordPrior);
  }
  return assets;
}

export function serializeDomainAssets(a: DomainFeatureAssets): string {
  const tlds = Object.fromEntries(
    [...a.tldLogOdds].sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => [k, Math.fround(v)]),
  );
  return JSON.stringify({
    ngram: serializeNgramModel(a.ngram),
    tldLogOdds: tlds,
    defaultTldLogOdds: a.defaultTldLogOdds,
    ...(a.wordLogOdds === undefined ? {} : { wordLogOdds: serializeWordLogOdds(ENGLISH_WORDS, a.wordLogOdds) }),
  });
}

export function parseDomainAssets(json: string): DomainFeatureAssets {
  const raw = JSON.parse(json) as {
    ngram: { alphabet: number; logProb: string; seen: string };
    tldLogOdds: Record<string, number>;
    defaultTldLogOdds: number;
    wordLogOdds?: Record<string, number>;
  };
  return {
    ngram: deserializeNgramModel(raw.ngram),
    tldLogOdds: new Map(Object.entries(raw.tldLogOdds)),
    defaultTldLogOdds: raw.defaultTldLogOdds,
    ...(raw.wordLogOdds === undefined
      ? {}
      : { wordLogOdds: parseWordLogOdds(WORD_SEGMENTER, ENGLISH_WORDS.length, raw.wordLogOdds) }),
  };
}

export function loadDomainAssets(path: string): DomainFeatureAssets {
  return parseDomainAssets(readFileSync(path, 'utf8'));
}
