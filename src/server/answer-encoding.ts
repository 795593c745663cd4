/**
 * The answer encoder of the pipeline workers (scoring/inference-worker.ts `answer`): each answer of a
 * batch written as its Prediction without the id (prediction-encoding.ts), one after another in one
 * byte array the worker hands over to the event loop, which puts each item's id before its answer
 * (wire.ts encodeAnsweredBatchResponse). The same writer as the event loop's, so the bytes are the same.
 */
import type { ScoredItem } from '../scoring/pipeline';
import type { View } from '../scoring/stages';
import { writePredictionTail } from './prediction-encoding';
import { ProtoWriter } from './proto-writer';

const out = new ProtoWriter();

export function encodeAnswers(results: readonly ScoredItem[], view: View): { bytes: Uint8Array; ends: Int32Array } {
  out.reset();
  const ends = new Int32Array(results.length);
  for (let i = 0; i < results.length; i++) {
    writePredictionTail(out, results[i]!, view);
    ends[i] = out.pos;
  }
  // A copy of its own (not a slice of a pool), so the worker can hand it over without copying again.
  return { bytes: out.copyFrom(0), ends };
}
