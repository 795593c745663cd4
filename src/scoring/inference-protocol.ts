/** Messages between the scoring core and the inference thread. */

export type WorkerRequest =
  | { type: 'load'; id: number; session: number; bytes: Uint8Array; intraOpThreads: number }
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
  | { id: number; ok: true; inputNames?: string[]; outputNames?: string[]; probabilities?: Float32Array }
  | { id: number; ok: false; error: string };

/** The positive class's column of a row-major [rows, classes] probability matrix. */
export function positiveColumn(probs: Float32Array, rows: number, positive: number): Float32Array {
  const classes = probs.length / rows;
  const result = new Float32Array(rows);
  for (let i = 0; i < rows; i++) result[i] = probs[i * classes + positive] as number;
  return result;
}
