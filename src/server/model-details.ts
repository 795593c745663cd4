/**
 * What ModelService may show to anyone (model names, versions, their states, the serving version)
 * and what it shows only to callers allowed to read model details: why a version was refused (load
 * failure reasons can name files and checks), thresholds, training sources, metrics, hashes,
 * algorithm, training time, cache counters. One place, so an authorisation check (issue 16 scopes)
 * decides with one call, and a field added to the contract later is a detail until said otherwise.
 */
import { type Model, ModelVersion } from '../gen/threatpredict/v1/model_service';

/** ModelVersion fields anyone may see; every other field is a detail. */
export const PUBLIC_VERSION_FIELDS: readonly (keyof ModelVersion)[] = ['version', 'state'];

/** The models with every detail field of every version reset to its empty value. */
export function withoutDetails(models: readonly Model[]): Model[] {
  return models.map((m) => ({
    name: m.name,
    servingVersion: m.servingVersion,
    versions: m.versions.map((v) => {
      const out = ModelVersion.fromPartial({});
      for (const field of PUBLIC_VERSION_FIELDS) (out as unknown as Record<string, unknown>)[field] = v[field];
      return out;
    }),
  }));
}
