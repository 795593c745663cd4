/** threatpredict.v1.ModelService: what is loaded, what serves, and what each version was trained on. */
import type { handleUnaryCall } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { PredictError } from '../errors';
import {
  type Model,
  type ModelServiceServer,
  ModelVersionState,
  type CacheStats as PbCacheStats,
} from '../gen/threatpredict/v1/model_service';
import type { CacheStats } from '../scoring/cache';
import type { ModelRepository, ModelStatus, VersionState } from '../scoring/model-repository';
import { toServiceError } from './call-errors';

const STATES: Record<VersionState, ModelVersionState> = {
  loading: ModelVersionState.MODEL_VERSION_STATE_LOADING,
  serving: ModelVersionState.MODEL_VERSION_STATE_SERVING,
  ready: ModelVersionState.MODEL_VERSION_STATE_READY,
  failed: ModelVersionState.MODEL_VERSION_STATE_FAILED,
  retired: ModelVersionState.MODEL_VERSION_STATE_RETIRED,
};

function cacheStats(s: CacheStats | undefined): PbCacheStats | undefined {
  if (s === undefined) return undefined;
  const lookups = s.hits + s.misses;
  return { ...s, hitRatio: lookups === 0 ? 0 : s.hits / lookups };
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

export interface ModelServiceOptions {
  repository: ModelRepository;
  logger: Logger;
  /** ReloadModels is served only when true (there is no authentication yet). */
  adminRpc: boolean;
}

export function createModelService({ repository, logger, adminRpc }: ModelServiceOptions): ModelServiceServer {
  const listModels: ModelServiceServer['listModels'] = (_call, callback) => {
    callback(null, { models: repository.list().map(toModel) });
  };
  const getModel: handleUnaryCall<{ name: string }, { model?: Model }> = (call, callback) => {
    const found = repository.list().find((m) => m.name === call.request.name);
    if (found === undefined) {
      callback(
        toServiceError(
          new PredictError('MODEL_NOT_FOUND', `no model named "${call.request.name}"`, { name: call.request.name }),
          logger,
        ),
      );
      return;
    }
    callback(null, { model: toModel(found) });
  };
  const reloadModels: ModelServiceServer['reloadModels'] = (call, callback) => {
    if (!adminRpc) {
      callback(
        toServiceError(
          new PredictError(
            'ADMIN_RPC_DISABLED',
            'ReloadModels is disabled on this server (start it with --admin-rpc true)',
          ),
          logger,
        ),
      );
      return;
    }
    const started = process.hrtime.bigint();
    repository.reload(new Map(call.request.pins.map((p) => [p.name, p.version]))).then(
      (models) => {
        logger.info(
          { pins: call.request.pins, ms: Number(process.hrtime.bigint() - started) / 1e6 },
          'models reloaded',
        );
        callback(null, { models: models.map(toModel) });
      },
      (err) => callback(toServiceError(err, logger)),
    );
  };
  return { listModels, getModel, reloadModels };
}
