/**
 * The model repository on disk, laid out like Triton's: `<dir>/<name>/<version>/model.onnx` plus
 * metadata. Each name has at most one serving version (the newest that passes every check); the
 * others are listed with their state so operators can see why a version is not serving.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { type LoadedModel, loadModel } from './loaded-model';
import type { AnyPipeline } from './pipeline';

export type VersionState = 'loading' | 'serving' | 'ready' | 'failed' | 'retired';

export interface VersionStatus {
  version: number;
  state: VersionState;
  reason: string;
  model?: LoadedModel | undefined;
}

export interface ModelStatus {
  name: string;
  serving: LoadedModel | undefined;
  versions: VersionStatus[];
}

export interface ModelRepository {
  /** The version serving `name` right now; callers keep the object they got for the whole batch. */
  serving(name: string): LoadedModel | undefined;
  list(): ModelStatus[];
  /** Loads every version found on disk and picks the serving one per name. */
  load(): Promise<void>;
  close(): Promise<void>;
}

export interface ModelRepositoryOptions {
  dir: string;
  pipelines: readonly AnyPipeline[];
  logger: Logger;
  intraOpThreads?: number;
}

function versionsOnDisk(dir: string): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((v) => /^[1-9][0-9]*$/.test(v) && statSync(join(dir, v)).isDirectory())
    .map(Number)
    .sort((a, b) => b - a);
}

export function createModelRepository(opts: ModelRepositoryOptions): ModelRepository {
  const models = new Map<string, ModelStatus>();

  async function loadName(pipeline: AnyPipeline): Promise<ModelStatus> {
    const name = pipeline.modelName;
    const status: ModelStatus = { name, serving: undefined, versions: [] };
    for (const version of versionsOnDisk(join(opts.dir, name))) {
      const vs: VersionStatus = { version, state: 'loading', reason: '' };
      status.versions.push(vs);
      try {
        vs.model = await loadModel(join(opts.dir, name, String(version)), pipeline, {
          intraOpThreads: opts.intraOpThreads ?? 1,
        });
        vs.state = status.serving === undefined ? 'serving' : 'ready';
        if (status.serving === undefined) status.serving = vs.model;
        opts.logger.info({ model: name, version, state: vs.state }, 'model version loaded');
      } catch (err) {
        vs.state = 'failed';
        vs.reason = err instanceof Error ? err.message : String(err);
        opts.logger.error({ model: name, version, reason: vs.reason }, 'model version refused');
      }
    }
    if (status.serving === undefined) opts.logger.warn({ model: name }, 'no servable version');
    return status;
  }

  return {
    serving: (name) => models.get(name)?.serving,
    list: () => [...models.values()].sort((a, b) => (a.name < b.name ? -1 : 1)),
    async load() {
      for (const p of opts.pipelines) {
        if (models.has(p.modelName)) continue;
        models.set(p.modelName, await loadName(p));
      }
    },
    async close() {
      for (const m of models.values()) for (const v of m.versions) await v.model?.release();
      models.clear();
    },
  };
}
