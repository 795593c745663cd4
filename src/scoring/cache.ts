/**
 * A bounded prediction cache for one model version. DNS and proxy traffic is heavily skewed, so most
 * items a sensor sends were answered seconds ago; a hit skips parsing, features and inference.
 *
 * Two generations of Maps give O(1) insert and lookup with least-recently-used flavoured eviction and
 * no per-entry bookkeeping: entries go into `young`; when it is full, `old` is dropped and `young`
 * becomes `old`; a hit in `old` is promoted. The cache hangs off the model version object, so a
 * prediction can never be served by another version than the one that made it.
 */

export interface CacheStats {
  hits: number;
  misses: number;
  entries: number;
  capacity: number;
}

export interface PredictionCache<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  stats(): CacheStats;
}

export function createPredictionCache<V>(capacity: number): PredictionCache<V> {
  const generation = Math.max(1, Math.floor(capacity / 2));
  let young = new Map<string, V>();
  let old = new Map<string, V>();
  let hits = 0;
  let misses = 0;

  function set(key: string, value: V): void {
    if (young.size >= generation) {
      old = young;
      young = new Map();
    }
    young.set(key, value);
  }

  return {
    get(key) {
      let v = young.get(key);
      if (v === undefined) {
        v = old.get(key);
        if (v !== undefined) {
          old.delete(key);
          set(key, v);
        }
      }
      if (v === undefined) misses++;
      else hits++;
      return v;
    },
    set,
    stats: () => ({ hits, misses, entries: young.size + old.size, capacity: generation * 2 }),
  };
}
