/**
 * The generic `Predict` / `StreamPredict` on the sensor fast path: a RawBatch of IndicatorItems
 * (raw-batch.ts, with each item's asserted type) is answered as the typed RPCs answer theirs, kind by
 * kind. Each item is routed to the kind it is scored as (Scorer.routeMixed: asserted, or detected),
 * a repeat is answered from that kind's cache by its value's bytes, and each kind's misses are
 * scored as one batch: on a pipeline worker when there are enough of them (Scorer.answerOffLoop,
 * which applies the asserted-type rule there, mixed.ts), else here (Scorer.scoreBatch), as scoreMixed
 * would. Kinds no worker runs (email addresses, and the types answered unsupported) stay here.
 */
import type { IndicatorType } from '../gen/threatpredict/v1/prediction';
import type { IndicatorKind } from '../indicators/types';
import type { PredictionCache } from '../scoring/cache';
import { assertedAnswer, isMismatch } from '../scoring/mixed';
import type { CachedAnswer, InputItem, ScoredItem } from '../scoring/pipeline';
import { type EncodedAnswers, OFF_THREAD_MIN_ROWS, type RawValues, type Scorer } from '../scoring/scorer';
import { TYPE_TO_KIND, viewOf } from './convert';
import type { RawBatch } from './raw-batch';
import { encodeMixedBatchResponse } from './wire';

/** One kind's share of a batch. */
interface Group {
  kind: IndicatorKind;
  /** The kind's cache now (Scorer.cacheOf), looked up once per batch. */
  cache: PredictionCache<CachedAnswer> | undefined;
  /** The answers its cache gave (counted as hits of the kind). */
  hits: CachedAnswer[];
  /** The items no cache answered, in order, and their values' bytes in all. */
  missed: number[];
  missedBytes: number;
}

/** The value bytes of the items `missed`, copied one after another for a worker, with their asserted flags. */
export function missedValues(
  batch: RawBatch,
  missed: readonly number[],
  total: number,
  asserted?: Uint8Array,
): RawValues {
  const bytes = new Uint8Array(total);
  const ends = new Int32Array(missed.length);
  let at = 0;
  for (let j = 0; j < missed.length; j++) {
    const i = missed[j]!;
    const start = batch.valueStart(i);
    const end = batch.valueEnd(i);
    bytes.set(batch.bytes.subarray(start, end), at);
    at += end - start;
    ends[j] = at;
  }
  return { bytes, ends, asserted };
}

/** The kind an item's `type` asserts, or undefined (unspecified or unknown: detected). */
function assertedKind(type: number): IndicatorKind | undefined {
  return TYPE_TO_KIND.get(type as IndicatorType);
}

/** The response to a Predict RawBatch (`batch.types` set) of at most the batch limit's items. */
export async function answerMixedBatch(scorer: Scorer, batch: RawBatch, record: boolean): Promise<Buffer> {
  const view = viewOf(batch.view);
  const types = batch.types as Int32Array;
  const n = batch.count;
  const hits: (CachedAnswer | undefined)[] = new Array(n);
  const scored: (ScoredItem | undefined)[] = new Array(n);
  const refused: ScoredItem[] = [];
  const groups = new Map<IndicatorKind, Group>();
  for (let i = 0; i < n; i++) {
    const asserted = assertedKind(types[i] as number);
    const kind = scorer.routeMixed(batch.value(i), asserted);
    if (typeof kind === 'function') {
      const r = kind(batch.id(i));
      scored[i] = r;
      refused.push(r);
      continue;
    }
    let g = groups.get(kind);
    if (g === undefined) {
      g = { kind, cache: scorer.cacheOf(kind), hits: [], missed: [], missedBytes: 0 };
      groups.set(kind, g);
    }
    const cache = g.cache;
    const hit =
      cache !== undefined && batch.idIsAscii(i)
        ? cache.getBytes(batch.bytes, batch.valueStart(i), batch.valueEnd(i))
        : undefined;
    // A hit answered in the other view is scored again, as in the core.
    if (hit !== undefined && hit.view === view) {
      g.hits.push(hit);
      if (asserted !== undefined && isMismatch(hit.result))
        scored[i] = assertedAnswer({ ...hit.result, id: batch.id(i) }, kind);
      else hits[i] = hit;
    } else {
      g.missed.push(i);
      g.missedBytes += batch.valueEnd(i) - batch.valueStart(i);
    }
  }
  scorer.countRefused(refused);
  const encoded: (EncodedAnswers | undefined)[] = new Array(n);
  const slots = new Int32Array(n);
  // Each kind is one batch of its own (one model each), all of them in flight at once.
  await Promise.all(
    Array.from(groups.values(), async (g) => {
      const { kind, missed } = g;
      g.cache?.countHits(g.hits.length);
      scorer.countCached(kind, g.hits);
      if (missed.length === 0) return;
      if (missed.length >= OFF_THREAD_MIN_ROWS && scorer.answersOffLoop(kind)) {
        const asserted = new Uint8Array(missed.length);
        for (let j = 0; j < missed.length; j++)
          if (assertedKind(types[missed[j]!] as number) !== undefined) asserted[j] = 1;
        const values = missedValues(batch, missed, g.missedBytes, asserted);
        const answered = await scorer.answerOffLoop(kind, values, view, (j) => batch.id(missed[j]!));
        if (answered !== undefined) {
          for (let j = 0; j < missed.length; j++) {
            encoded[missed[j]!] = answered;
            slots[missed[j]!] = j;
          }
          return;
        }
      }
      const items: InputItem[] = missed.map((i) => ({ id: batch.id(i), value: batch.value(i) }));
      const results = await scorer.scoreBatch(kind, items, view);
      for (let j = 0; j < missed.length; j++) {
        const i = missed[j]!;
        scored[i] = assertedKind(types[i] as number) === undefined ? results[j]! : assertedAnswer(results[j]!, kind);
      }
    }),
  );
  return encodeMixedBatchResponse(batch, hits, scored, encoded, slots, view, record);
}
