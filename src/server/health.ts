/**
 * Health as operators read it. The overall service and both API services are SERVING only while
 * every model has a serving version. Per model, `threatpredict.model.<name>` says whether it serves,
 * and `threatpredict.model.<name>.newest` turns NOT_SERVING when the newest version on disk was
 * refused: a failed roll-out is visible to a health probe while the previous version keeps serving.
 */
import type { HealthImplementation } from 'grpc-health-check';
import type { ModelRepository } from '../scoring/model-repository';
import { SERVICE_NAMES } from './server';

export function updateHealth(health: HealthImplementation, repository: ModelRepository): boolean {
  const models = repository.list();
  // A model with no version on disk is simply not deployed (its items answer MODEL_UNAVAILABLE); one
  // whose versions all failed is an outage.
  const deployed = models.filter((m) => m.versions.length > 0);
  const ready = deployed.length > 0 && deployed.every((m) => m.serving !== undefined);
  for (const s of ['', ...SERVICE_NAMES]) health.setStatus(s, ready ? 'SERVING' : 'NOT_SERVING');
  for (const m of models) {
    health.setStatus(`threatpredict.model.${m.name}`, m.serving !== undefined ? 'SERVING' : 'NOT_SERVING');
    const newest = m.versions[0];
    health.setStatus(`threatpredict.model.${m.name}.newest`, newest?.state === 'failed' ? 'NOT_SERVING' : 'SERVING');
  }
  return ready;
}
