/**
 * Pipelines a pipeline worker can run as the event loop runs them: their parsing and features are
 * plain code and data, and what else they read is shared with the worker (Pipeline.shared: the IP
 * pipeline's geo databases, in shared memory). Email messages stay with the parser pool.
 */
import { type GeoShare, geoFromShare } from '../../indicators/ip/geo';
import type { IndicatorKind } from '../../indicators/types';
import type { AnyPipeline } from '../pipeline';
import { domainPipeline } from './domain';
import { ipPipeline } from './ip';
import { urlPipeline } from './url';

/** How a worker makes each pipeline from what the event loop's pipeline shares (undefined: nothing). */
export const OFF_THREAD_PIPELINES: ReadonlyMap<IndicatorKind, (shared: unknown) => AnyPipeline | undefined> = new Map<
  IndicatorKind,
  (shared: unknown) => AnyPipeline | undefined
>([
  ['domain', () => domainPipeline],
  ['url', () => urlPipeline],
  // No IP pipeline without the geo databases.
  ['ip', (shared) => (shared === undefined ? undefined : ipPipeline(geoFromShare(shared as GeoShare)))],
]);

/**
 * Whether a worker can run `p` itself: the domain and URL pipelines (their modules' own objects, not
 * a test's stand-in of the same kind), and an IP pipeline whose geo databases can be shared.
 */
export function runsOnWorkers(p: AnyPipeline): boolean {
  const make = OFF_THREAD_PIPELINES.get(p.kind);
  if (make === undefined) return false;
  return p.shared === undefined ? make(undefined) === p : p.shared() !== undefined;
}
