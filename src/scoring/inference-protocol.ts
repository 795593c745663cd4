/** Messages between the scoring core and the inference thread. */

import type { IndicatorKind } from '../indicators/types';

/** The pipeline (see pipelines/off-thread.ts) and model folder a session computes features with. */
export interface FeaturesSpec {
  kind: IndicatorKind;
  dir: string;
}

export type WorkerRequest =
  | {
      type: 'load';
      id: number;
      session: number;
      bytes: Uint8Array;
      intraOpThreads: number;
      features?: FeaturesSpec | undefined;
    }
  | {
      /** Parse the raw values, compute their features with the session's pipeline, run the model. */
      type: 'score';
      id: number;
      session: number;
      values: string[];
      width: number;
      input: string;
      output: string;
      positive: number;
    }
  | {
      type: 'run';
      id: number;
      session: number;
      features: Float32Array;
      rows: number;
      width: number;
      input: string;
      output: string;
      positive: number;
    }
  | { type: 'release'; id: number; session: number };

export type WorkerReply =
  | {
      id: number;
      ok: true;
      inputNames?: string[];
      outputNames?: string[];
      probabilities?: Float32Array;
      /** For `score`: the feature rows it computed, row-major. */
      features?: Float32Array;
    }
  | { id: number; ok: false; error: string };

/** The positive class's column of a row-major [rows, classes] probability matrix. */
export function positiveColumn(probs: Float32Array, rows: number, positive: number): Float32Array {
  const classes = probs.length / rows;
  const result = new Float32Array(rows);
  for (let i = 0; i < rows; i++) result[i] = probs[i * classes + positive] as number;
  return result;
}
