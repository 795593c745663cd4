/**
 * Health as operators read it. The overall service and both API services are SERVING only while
 * every model has a serving version. Per model, `threatpredict.model.<name>` says whether it serves,
 * and `threatpredict.model.<name>.newest` turns NOT_SERVING when the newest version on disk was
 * refused: a failed roll-out is visible to a health probe while the previous version keeps serving.
 * A gone inference thread turns the service NOT_SERVING, so an orchestrator restarts the process.
 * With `requireNewest` (--health-requires-newest) a refused newest version turns '' and
 * PredictionService NOT_SERVING too: a balancer that checks them stops routing to an instance that did
 * not take a roll-out, so a fleet never serves two versions for long without someone seeing it.
 */
import type { HealthImplementation } from 'grpc-health-check';
import type { Logger } from 'pino';
import type { InferenceBackend } from '../scoring/inference-pool';
import type { ModelRepository } from '../scoring/model-repository';
import { SERVICE_NAMES } from './server';

export interface HealthOptions {
  /** Overall NOT_SERVING also while any model's newest version on disk is refused. */
  requireNewest?: boolean;
}

export function updateHealth(
  health: HealthImplementation,
  repository: ModelRepository,
  inference: Pick<InferenceBackend, 'failure'>,
  opts: HealthOptions = {},
): boolean {
  const models = repository.list();
  // A model with no version on disk is simply not deployed (its items answer MODEL_UNAVAILABLE); one
  // whose versions all failed is an outage, and so is an inference thread that is gone.
  const deployed = models.filter((m) => m.versions.length > 0);
  const ready =
    deployed.length > 0 && deployed.every((m) => m.serving !== undefined) && inference.failure() === undefined;
  const refusedNewest = models.some((m) => m.versions[0]?.state === 'failed');
  // ModelService stays as it was: it is how an operator lists and rolls back the refused version, and
  // what a liveness probe asks (restarting would not help: the same files come back).
  const routable = ready && !(opts.requireNewest === true && refusedNewest);
  for (const s of ['', ...SERVICE_NAMES])
    health.setStatus(s, (s === 'threatpredict.v1.ModelService' ? ready : routable) ? 'SERVING' : 'NOT_SERVING');
  for (const m of models) {
    health.setStatus(`threatpredict.model.${m.name}`, m.serving !== undefined ? 'SERVING' : 'NOT_SERVING');
    const newest = m.versions[0];
    health.setStatus(`threatpredict.model.${m.name}.newest`, newest?.state === 'failed' ? 'NOT_SERVING' : 'SERVING');
  }
  return ready;
}

/**
 * Keeps `health` in step with the app: now, after every model reload, and when the inference thread
 * fails. Returns whether the service is ready now.
 */
export function trackHealth(
  health: HealthImplementation,
  app: { repository: ModelRepository; inference: InferenceBackend },
  logger: Logger,
  opts: HealthOptions = {},
): boolean {
  app.repository.onReload(() => updateHealth(health, app.repository, app.inference, opts));
  app.inference.onFailure((why) => {
    logger.error({ why }, 'inference thread gone: large batches fail per item; health NOT_SERVING');
    updateHealth(health, app.repository, app.inference, opts);
  });
  return updateHealth(health, app.repository, app.inference, opts);
}
