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
