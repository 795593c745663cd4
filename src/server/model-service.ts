/** threatpredict.v1.ModelService: what is loaded, what serves, and what each version was trained on. */
import type { handleUnaryCall } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { PredictError } from '../errors';
import type { Model, ModelServiceServer } from '../gen/threatpredict/v1/model_service';
import { toServiceError } from './call-errors';
import type { ModelControl } from './model-control';

export interface ModelServiceOptions {
  /** This process's models (localModelControl) or every process's (src/cluster). */
  control: ModelControl;
  logger: Logger;
  /** ReloadModels is served only when true, and then only to callers with the models.admin scope (src/server/security). */
  adminRpc: boolean;
  /** The limits GetServerInfo reports: the ones the prediction service enforces. */
  limits: Pick<Config, 'maxBatchItems' | 'maxMessageBytes' | 'maxEmailBytes'>;
  /** This process's name (`--instance-id`), for GetServerInfo. */
  instanceId?: string;
}

export function createModelService({
  control,
  logger,
  adminRpc,
  limits,
  instanceId = '',
}: ModelServiceOptions): ModelServiceServer {
  const listModels: ModelServiceServer['listModels'] = (_call, callback) => {
    control.list().then(
      (models) => callback(null, { models }),
      (err) => callback(toServiceError(err, logger)),
    );
  };
  const getModel: handleUnaryCall<{ name: string }, { model?: Model }> = (call, callback) => {
    const name = call.request.name;
    control.list().then(
      (models) => {
        const model = models.find((m) => m.name === name);
        if (model === undefined)
          callback(toServiceError(new PredictError('MODEL_NOT_FOUND', `no model named "${name}"`, { name }), logger));
        else callback(null, { model });
      },
      (err) => callback(toServiceError(err, logger)),
    );
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
    control.reload(new Map(call.request.pins.map((p) => [p.name, p.version]))).then(
      (models) => {
        logger.info(
          { pins: call.request.pins, ms: Number(process.hrtime.bigint() - started) / 1e6 },
          'models reloaded',
        );
        callback(null, { models });
      },
      (err) => callback(toServiceError(err, logger)),
    );
  };
  const getServerInfo: ModelServiceServer['getServerInfo'] = (_call, callback) => {
    callback(null, {
      maxBatchItems: limits.maxBatchItems,
      maxMessageBytes: limits.maxMessageBytes,
      maxEmailBytes: limits.maxEmailBytes,
      instanceId,
    });
  };
  return { listModels, getModel, reloadModels, getServerInfo };
}
