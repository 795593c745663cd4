/**
 * The URL model's feature assets: the host's domain-feature statistics (n-gram table, TLD log-odds),
 * learned from the URL training split's host names, not borrowed from the domain model, so that a
 * URL model version is self-contained and its golden check cannot break when the domain model moves.
 */
import { readFileSync } from 'node:fs';
import { buildDomainAssets, parseDomainAssets, serializeDomainAssets } from '../domain/assets';
import { secondLevelLabel } from '../domain/features';
import type { DomainName } from '../domain/parse';
import type { UrlFeatureAssets } from './features';
import {
  addDocument,
  deserializeNgramLlr,
  emptyCounts,
  type NgramCounts,
  type NgramLlrTable,
  serializeNgramLlr,
} from './ngram-llr';

export interface LabelledHost {
  domain: DomainName;
  malicious: boolean;
}

/** Hash buckets of the n-gram table: 2^17 weights, 512 KiB as float32. */
export const NGRAM_BITS = 17;

/** Counts the n-grams of labelled URLs (host, path + query), for ngram-llr's weightCounts. */
export function countNgrams(
  urls: Iterable<{ host: string; pathQuery: string; malicious: boolean }>,
  bits = NGRAM_BITS,
): NgramCounts {
  const c = emptyCounts(bits);
  for (const u of urls) addDocument(c, u.host, u.pathQuery, u.malicious);
  return c;
}

/** Learns the host assets from training-split hosts only; each (host, label) pair counts once. */
export function buildHostAssets(hosts: readonly LabelledHost[], ngram: NgramLlrTable): UrlFeatureAssets {
  const seen = new Set<string>();
  const names = [];
  for (const h of hosts) {
    const key = `${h.malicious ? 1 : 0}:${h.domain.ascii}`;
    if (seen.has(key)) continue;
    seen.add(key);
    names.push({
      sld: secondLevelLabel(h.domain),
      tld: h.domain.labels[h.domain.labels.length - 1] as string,
      malicious: h.malicious,
    });
  }
  return { host: buildDomainAssets(names), ngram };
}

export function serializeUrlAssets(a: UrlFeatureAssets): string {
  return `{"host":${serializeDomainAssets(a.host)},"ngram":${JSON.stringify(serializeNgramLlr(a.ngram))}}`;
}

export function parseUrlAssets(json: string): UrlFeatureAssets {
  const raw = JSON.parse(json) as { host: unknown; ngram: { bits: number; llr: string } };
  if (typeof raw !== 'object' || raw === null || raw.host === undefined) throw new Error('URL assets: "host" missing');
  if (raw.ngram === undefined) throw new Error('URL assets: "ngram" missing');
  return { host: parseDomainAssets(JSON.stringify(raw.host)), ngram: deserializeNgramLlr(raw.ngram) };
}

export function loadUrlAssets(path: string): UrlFeatureAssets {
  return parseUrlAssets(readFileSync(path, 'utf8'));
}
