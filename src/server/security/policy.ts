/**
 * What each RPC needs, in one table: scoring needs `predict`, ReloadModels `models.admin`; ListModels,
 * GetModel and GetServerInfo need any identity, and answer more than name, version and state only to
 * `models.read` (thresholds, training sources, metrics, hashes and load-failure reasons tell an
 * attacker how to stay under a threshold or what the server's files are). Health stays open: load
 * balancers and orchestrators probe it without credentials. Methods not listed need an identity.
 */
import type { Model } from '../../gen/threatpredict/v1/model_service';
import { withoutDetails } from '../model-details';
import type { Scope } from './identity';

/** `open`: no credentials needed; `identity`: any authenticated caller; otherwise the scope. */
export type Requirement = 'open' | 'identity' | Scope;

const MODEL_SERVICE = '/threatpredict.v1.ModelService/';

export function requirementOf(path: string): Requirement {
  if (path.startsWith('/grpc.health.v1.Health/')) return 'open';
  if (path.startsWith('/threatpredict.v1.PredictionService/')) return 'predict';
  if (path === `${MODEL_SERVICE}ReloadModels`) return 'models.admin';
  return 'identity';
}

/** Methods whose answers carry model detail, and the field of the response that holds it. */
const MODEL_DETAIL: Record<string, 'models' | 'model'> = {
  [`${MODEL_SERVICE}ListModels`]: 'models',
  [`${MODEL_SERVICE}ReloadModels`]: 'models',
  [`${MODEL_SERVICE}GetModel`]: 'model',
};

export function carriesModelDetail(path: string): boolean {
  return path in MODEL_DETAIL;
}

/** The response with each model cut down to what anyone may see (model-details.ts). */
export function withoutModelDetail(path: string, response: Record<string, unknown>): Record<string, unknown> {
  const field = MODEL_DETAIL[path];
  if (field === 'models') return { ...response, models: withoutDetails(response.models as Model[]) };
  if (field === 'model' && response.model !== undefined)
    return { ...response, model: withoutDetails([response.model as Model])[0] };
  return response;
}
