/**
 * Pipelines whose parsing and features are plain code and data, with no process-wide service behind
 * them (the IP pipeline needs the geo database, email the parser pool), so the inference thread can
 * compute features for large batches itself and the event loop keeps only parsing, rules and reasons.
 */
import type { IndicatorKind } from '../../indicators/types';
import type { AnyPipeline } from '../pipeline';
import { domainPipeline } from './domain';
import { urlPipeline } from './url';

export const OFF_THREAD_PIPELINES: ReadonlyMap<IndicatorKind, AnyPipeline> = new Map<IndicatorKind, AnyPipeline>([
  ['domain', domainPipeline],
  ['url', urlPipeline],
]);
