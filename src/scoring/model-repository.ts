/**
 * The model repository on disk, laid out like Triton's: `<dir>/<name>/<version>/model.onnx` plus
 * metadata. Per name, a version policy (newest, or a pinned version) chooses the serving version among
 * those that pass every check. A reload loads new versions beside the serving ones and swaps a pointer:
 * calls in flight keep the version they started with, a refused version never serves, and versions
 * that passed stay loaded so that rolling back is a pointer swap, not a load.
 */
import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { PredictError } from '../errors';
import type { CacheLimits } from './cache';
import type { InferenceBackend } from './inference-pool';
import { type LoadedModel, loadModel } from './loaded-model';
import { checkVersion, type ModelTrust, versionFiles } from './model-trust';
import type { AnyPipeline } from './pipeline';

export type VersionState = 'loading' | 'serving' | 'ready' | 'failed' | 'retired';

export interface VersionStatus {
  version: number;
  state: VersionState;
  reason: string;
  model?: LoadedModel | undefined;
  /** Modification time of the version's files when it was loaded, to notice replaced files. */
  stamp: number;
}

export interface ModelStatus {
  name: string;
  serving: LoadedModel | undefined;
  /** Pinned version, or 0 for the newest that passes. */
  pin: number;
  versions: VersionStatus[];
}

export interface ModelRepository {
  /** The version serving `name` right now; callers keep the object they got for the whole batch. */
  serving(name: string): LoadedModel | undefined;
  list(): ModelStatus[];
  /** Applies pins (0 = newest), rescans the repository, loads and checks new versions, swaps. */
  reload(pins?: ReadonlyMap<string, number>): Promise<ModelStatus[]>;
  /** Called after every reload (whatever triggered it) with the new state of every model. */
  onReload(listener: (models: ModelStatus[]) => void): void;
  close(): Promise<void>;
}

export interface ModelRepositoryOptions {
  dir: string;
  pipelines: readonly AnyPipeline[];
  logger: Logger;
  intraOpThreads?: number;
  /** Initial pins from the configuration (name -> version). */
  pins?: ReadonlyMap<string, number>;
  backend?: InferenceBackend;
  /** Each version's prediction cache (none: no caching). */
  cache?: CacheLimits | undefined;
  /**
   * Signature policy (see model-trust.ts). Without it, versions are not asked for signatures (library
   * use, tests of other checks); links that leave the repository are refused either way.
   */
  trust?: ModelTrust | undefined;
}

const RELEASE_DELAY_MS = 5000;

function versionsOnDisk(dir: string): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((v) => /^[1-9][0-9]*$/.test(v) && statSync(join(dir, v), { throwIfNoEntry: false })?.isDirectory() === true)
    .map(Number)
    .sort((a, b) => b - a);
}

function stampOf(dir: string): number {
  let newest = 0;
  for (const f of readdirSync(dir)) {
    const path = join(dir, f);
    // A dangling link has no target to stat: its own time will do (the version is refused anyway).
    const mtime = (statSync(path, { throwIfNoEntry: false }) ?? lstatSync(path)).mtimeMs;
    newest = Math.max(newest, mtime);
  }
  return newest;
}

export function createModelRepository(opts: ModelRepositoryOptions): ModelRepository {
  const models = new Map<string, ModelStatus>();
  const pipelineOf = new Map<string, AnyPipeline>();
  for (const p of opts.pipelines) if (!pipelineOf.has(p.modelName)) pipelineOf.set(p.modelName, p);
  const pins = new Map(opts.pins ?? []);
  const listeners: ((models: ModelStatus[]) => void)[] = [];
  let running: Promise<ModelStatus[]> | undefined;

  async function loadVersion(name: string, version: number, pipeline: AnyPipeline): Promise<VersionStatus> {
    const dir = join(opts.dir, name, String(version));
    const vs: VersionStatus = { version, state: 'loading', reason: '', stamp: stampOf(dir) };
    try {
      // Before any file is read: where its files really are, and whether they are the signed ones.
      if (opts.trust === undefined) versionFiles(dir, opts.dir);
      else {
        const trusted = checkVersion(dir, opts.dir, name, version, opts.trust);
        if (!trusted.signed)
          opts.logger.warn(
            { model: name, version },
            'model version is UNSIGNED and loads only because of --allow-unsigned-models',
          );
        else opts.logger.info({ model: name, version, keyId: trusted.keyId }, 'model version signature verified');
      }
      vs.model = await loadModel(dir, pipeline, {
        intraOpThreads: opts.intraOpThreads ?? 1,
        backend: opts.backend,
        cache: opts.cache,
      });
      if (vs.model.version !== version) {
        throw new Error(`metadata.json says version ${vs.model.version} but the folder is ${version}`);
      }
      if (vs.model.name !== name) throw new Error(`metadata.json names model "${vs.model.name}", the folder "${name}"`);
      vs.state = 'ready';
      const small = vs.model.smallRuns;
      opts.logger.info(
        {
          model: name,
          version,
          smallRuns: small.engine,
          ...(small.fallback ? { smallRunsFallback: small.fallback } : {}),
        },
        'model version loaded and checked',
      );
    } catch (err) {
      await vs.model?.release();
      vs.model = undefined;
      vs.state = 'failed';
      vs.reason = err instanceof Error ? err.message : String(err);
      opts.logger.error({ model: name, version, reason: vs.reason }, 'model version refused');
    }
    return vs;
  }

  async function reloadName(name: string, pipeline: AnyPipeline): Promise<void> {
    const prev = models.get(name);
    const previous = new Map((prev?.versions ?? []).map((v) => [v.version, v]));
    const versions: VersionStatus[] = [];
    for (const version of versionsOnDisk(join(opts.dir, name))) {
      const old = previous.get(version);
      const dir = join(opts.dir, name, String(version));
      // A version already checked whose files did not change is kept as it is (loaded, or refused).
      if (old !== undefined && old.state !== 'loading' && old.stamp === stampOf(dir)) {
        versions.push(old);
        previous.delete(version);
        continue;
      }
      versions.push(await loadVersion(name, version, pipeline));
    }
    const pin = pins.get(name) ?? 0;
    const candidates = versions.filter((v) => v.model !== undefined && (pin === 0 || v.version === pin));
    const chosen = candidates[0]?.model;
    const status: ModelStatus = { name, serving: prev?.serving, pin, versions };
    if (chosen === undefined && prev?.serving !== undefined) {
      // Nothing acceptable under the policy: keep serving what serves now, and say why.
      opts.logger.error(
        { model: name, pin, serving: prev.serving.version },
        'no version satisfies the policy; keeping the serving one',
      );
      if (!versions.some((v) => v.model === prev.serving)) {
        // The serving version's folder disappeared or changed: keep it loaded until something replaces it.
        const kept = [...(prev.versions ?? [])].find((v) => v.model === prev.serving);
        if (kept !== undefined) versions.push(kept);
      }
    } else {
      status.serving = chosen;
      if (chosen === undefined)
        opts.logger.error(
          { model: name, pin, versions: versions.map((v) => v.version), dir: join(opts.dir, name) },
          'no version of this model can serve: its items are answered MODEL_UNAVAILABLE until one can',
        );
    }
    for (const v of versions) {
      if (v.model === undefined) continue;
      if (v.model === status.serving) v.state = 'serving';
      else if (v.model === prev?.serving || v.state === 'retired') v.state = 'retired';
      else v.state = 'ready';
    }
    // The serving version on every worker before it answers; the others only where they are asked for.
    if (status.serving !== undefined) await status.serving.resident(true);
    models.set(name, status);
    for (const v of versions) if (v.model !== undefined && v.model !== status.serving) await v.model.resident(false);
    if (status.serving !== prev?.serving) {
      opts.logger.info(
        { model: name, from: prev?.serving?.version, to: status.serving?.version },
        'serving version swapped',
      );
    }
    // Versions gone from disk are released a little later (a batch may hold one between choosing it and
    // running it), and then only once their in-flight runs finish.
    for (const gone of previous.values()) {
      if (gone.model !== undefined && gone.model !== status.serving) {
        const model = gone.model;
        setTimeout(() => void model.release(), RELEASE_DELAY_MS).unref();
      }
    }
  }

  async function reload(newPins?: ReadonlyMap<string, number>): Promise<ModelStatus[]> {
    // One reload at a time; a request during a reload waits for it, then runs with its own pins.
    while (running !== undefined) await running.catch(() => undefined);
    for (const [name, v] of newPins ?? []) {
      if (!pipelineOf.has(name)) {
        throw new PredictError('MODEL_VERSION_NOT_FOUND', `no model named "${name}"`, { name });
      }
      if (v !== 0 && !versionsOnDisk(join(opts.dir, name)).includes(v)) {
        throw new PredictError('MODEL_VERSION_NOT_FOUND', `no version ${v} of model "${name}" in the repository`, {
          name,
          version: String(v),
        });
      }
    }
    for (const [name, v] of newPins ?? []) pins.set(name, v);
    running = (async () => {
      for (const [name, pipeline] of pipelineOf) await reloadName(name, pipeline);
      return list();
    })();
    try {
      const models = await running;
      for (const l of listeners) l(models);
      return models;
    } finally {
      running = undefined;
    }
  }

  function list(): ModelStatus[] {
    return [...models.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  return {
    serving: (name) => models.get(name)?.serving,
    list,
    reload,
    onReload: (l) => listeners.push(l),
    async close() {
      for (const m of models.values()) for (const v of m.versions) await v.model?.release();
      models.clear();
    },
  };
}
