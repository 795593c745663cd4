/** Building, saving and loading the per-model-version feature statistics (n-gram table, TLD log-odds). */
import { readFileSync } from 'node:fs';
import type { DomainFeatureAssets } from './features';
import { buildNgramModel, deserializeNgramModel, serializeNgramModel } from './ngram';

export interface LabelledName {
  /** Second-level label, e.g. `example`. */
  sld: string;
  tld: string;
  malicious: boolean;
  /** Counts towards the TLD log-odds (default true); see `tld_stats` in the sources file. */
  tldStats?: boolean;
}

/** Learns the assets from the training split only (never from evaluation rows). */
export function buildDomainAssets(rows: readonly LabelledName[], priorStrength = 20): DomainFeatureAssets {
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
  return { ngram, tldLogOdds, defaultTldLogOdds: 0 };
}

export function serializeDomainAssets(a: DomainFeatureAssets): string {
  const tlds = Object.fromEntries(
    [...a.tldLogOdds].sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => [k, Math.fround(v)]),
  );
  return JSON.stringify({
    ngram: serializeNgramModel(a.ngram),
    tldLogOdds: tlds,
    defaultTldLogOdds: a.defaultTldLogOdds,
  });
}

export function parseDomainAssets(json: string): DomainFeatureAssets {
  const raw = JSON.parse(json) as {
    ngram: { alphabet: number; logProb: string; seen: string };
    tldLogOdds: Record<string, number>;
    defaultTldLogOdds: number;
  };
  return {
    ngram: deserializeNgramModel(raw.ngram),
    tldLogOdds: new Map(Object.entries(raw.tldLogOdds)),
    defaultTldLogOdds: raw.defaultTldLogOdds,
  };
}

export function loadDomainAssets(path: string): DomainFeatureAssets {
  return parseDomainAssets(readFileSync(path, 'utf8'));
}
