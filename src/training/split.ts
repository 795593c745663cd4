/** Train/validation/test assignment by site, so the same site is never on both sides of an evaluation. */
import { stableUnit } from './sources';

export type Split = 'train' | 'val' | 'test';

/** 70% train, 10% validation (threshold choice), 20% test (reported metrics), by hash of the site key. */
export function splitOf(siteKey: string): Split {
  const u = stableUnit(`split:${siteKey}`);
  return u < 0.7 ? 'train' : u < 0.8 ? 'val' : 'test';
}

/** Fold 0..k-1 of a training row (by site, like the split), for out-of-fold feature assets. */
export function foldOf(siteKey: string, k: number): number {
  return Math.min(k - 1, Math.floor(stableUnit(`fold:${siteKey}`) * k));
}

/**
 * A sources file's `validation_sites_from`: a hashed share of one source's training sites whose rows all
 * go to validation instead, for a source whose validation quantile stands on too few names (issue 12:
 * the 0.25% quantile of 1,314 names is their 4th highest). Applied before folds and assets, so a moved
 * row is a validation row in every respect (its features come from the assets of the whole training split,
 * like serving), and by site, so no site is on two sides. Test rows never move.
 */
export interface ValidationSitesFrom {
  source: string;
  share: number;
}

/** Whether a training site of `spec.source` moves to validation: by hash of the site key alone. */
export function movesToValidation(spec: ValidationSitesFrom, siteKey: string): boolean {
  return stableUnit(`val-site:${spec.source}:${siteKey}`) < spec.share;
}

/**
 * Moves to validation every training row of the training sites of `spec.source` that `movesToValidation`
 * picks (all rows of such a site, whatever their source), in place. Returns the counts.
 */
export function moveSitesToValidation<R extends { source: string; split: Split }>(
  rows: R[],
  siteOf: (r: R) => string,
  spec: ValidationSitesFrom,
): { sites: number; rows: number; source_rows: number } {
  if (!(spec.share >= 0 && spec.share <= 1))
    throw new Error(`validation_sites_from.share ${spec.share}: not in [0, 1]`);
  if (!rows.some((r) => r.source === spec.source))
    throw new Error(`validation_sites_from.source "${spec.source}": no rows`);
  const moved = new Set(
    rows
      .filter((r) => r.source === spec.source && r.split === 'train')
      .map(siteOf)
      .filter((s) => movesToValidation(spec, s)),
  );
  const counts = { sites: moved.size, rows: 0, source_rows: 0 };
  for (const r of rows) {
    if (r.split !== 'train' || !moved.has(siteOf(r))) continue;
    r.split = 'val';
    counts.rows++;
    if (r.source === spec.source) counts.source_rows++;
  }
  return counts;
}
