/**
 * What ModelService reports and changes. In one process that is its own model repository; with
 * `--processes N` (src/cluster) every process has its own repository and caches, so a reload must
 * reach all of them and cache counters are the sum over all of them.
 */
import { type Model, ModelVersionState, type CacheStats as PbCacheStats } from '../gen/threatpredict/v1/model_service';
import type { CacheStats } from '../scoring/cache';
import type { ModelRepository, ModelStatus, VersionState } from '../scoring/model-repository';

export interface ModelControl {
  /** Every model with its versions, as ListModels reports them. */
  list(): Promise<Model[]>;
  /** Applies the pins (0 = newest), rescans the repository and returns the new state. */
  reload(pins: ReadonlyMap<string, number>): Promise<Model[]>;
}

const STATES: Record<VersionState, ModelVersionState> = {
  loading: ModelVersionState.MODEL_VERSION_STATE_LOADING,
  serving: ModelVersionState.MODEL_VERSION_STATE_SERVING,
  ready: ModelVersionState.MODEL_VERSION_STATE_READY,
  failed: ModelVersionState.MODEL_VERSION_STATE_FAILED,
  retired: ModelVersionState.MODEL_VERSION_STATE_RETIRED,
};

function withRatio(s: Omit<PbCacheStats, 'hitRatio'>): PbCacheStats {
  const lookups = s.hits + s.misses;
  return { ...s, hitRatio: lookups === 0 ? 0 : s.hits / lookups };
}

function cacheStats(s: CacheStats | undefined): PbCacheStats | undefined {
  return s === undefined ? undefined : withRatio(s);
}

export function toModel(s: ModelStatus): Model {
  return {
    name: s.name,
    servingVersion: s.serving?.version ?? 0,
    versions: s.versions.map((v) => {
      const m = v.model?.metadata;
      return {
        version: v.version,
        state: STATES[v.state],
        stateReason: v.reason,
        featuresVersion: m?.features_version ?? '',
        thresholds: m === undefined ? undefined : m.thresholds,
        trainingData: m?.training_data ?? [],
        metrics: Object.fromEntries(
          Object.entries(m?.metrics ?? {}).filter((e): e is [string, number] => typeof e[1] === 'number'),
        ),
        sha256: m?.sha256 ?? '',
        algorithm: m?.algorithm ?? '',
        trainedAt: m?.trained_at ?? '',
        cache: cacheStats(v.model?.cache?.stats()),
      };
    }),
  };
}

export function localModelControl(repository: ModelRepository): ModelControl {
  return {
    list: async () => repository.list().map(toModel),
    reload: async (pins) => (await repository.reload(pins)).map(toModel),
  };
}

/**
 * One process's view of the models (`own`) with each version's cache counters summed over every
 * process's view in `all` (which includes `own`): versions are the same files everywhere, caches
 * are per process.
 */
export function withCacheTotals(own: readonly Model[], all: readonly (readonly Model[])[]): Model[] {
  const totals = new Map<string, Omit<PbCacheStats, 'hitRatio'>>();
  for (const models of all)
    for (const m of models)
      for (const v of m.versions) {
        if (v.cache === undefined) continue;
        const key = `${m.name}\n${v.version}`;
        const t = totals.get(key) ?? { hits: 0, misses: 0, entries: 0, capacity: 0 };
        t.hits += v.cache.hits;
        t.misses += v.cache.misses;
        t.entries += v.cache.entries;
        t.capacity += v.cache.capacity;
        totals.set(key, t);
      }
  return own.map((m) => ({
    ...m,
    versions: m.versions.map((v) => {
      const t = totals.get(`${m.name}\n${v.version}`);
      return t === undefined ? v : { ...v, cache: withRatio(t) };
    }),
  }));
}
