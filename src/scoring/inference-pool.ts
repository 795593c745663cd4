/**
 * Where model runs happen. `worker` (the default) runs every session on one inference thread, so
 * the event loop keeps decoding the next batch while the model scores this one, and coalesces the
 * runs that queue up for the same session into one (dynamic batching, as Triton does): concurrent
 * small unary calls share a model run. `inline` runs on the calling thread (simplest; for
 * comparison in the benchmark and for one-shot CLI use).
 */

import type { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { siblingFile, startWorker } from '../worker-file';
import { positiveColumn, type WorkerReply, type WorkerRequest } from './inference-protocol';

export interface SessionSpec {
  input: string;
  output: string;
  width: number;
  positive: number;
  intraOpThreads: number;
}

export interface InferenceSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Probability of the positive class for `rows` feature rows laid out row-major. */
  run(features: Float32Array, rows: number): Promise<Float32Array>;
  release(): Promise<void>;
}

export interface InferenceBackend {
  load(bytes: Uint8Array, spec: SessionSpec): Promise<InferenceSession>;
  close(): Promise<void>;
}

export function createInlineBackend(): InferenceBackend {
  return {
    async load(bytes, spec) {
      const session = await ort.InferenceSession.create(bytes, {
        intraOpNumThreads: spec.intraOpThreads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      });
      return {
        inputNames: session.inputNames,
        outputNames: session.outputNames,
        async run(features, rows) {
          const input = new ort.Tensor('float32', features.subarray(0, rows * spec.width), [rows, spec.width]);
          const out = await session.run({ [spec.input]: input }, [spec.output]);
          return positiveColumn(out[spec.output]?.data as Float32Array, rows, spec.positive);
        },
        release: () => session.release(),
      };
    },
    close: async () => {},
  };
}

interface Pending {
  features: Float32Array;
  rows: number;
  resolve: (p: Float32Array) => void;
  reject: (e: Error) => void;
}

/** Coalesced runs stop growing at this many rows, so one huge queue cannot make a run slow for all. */
const MAX_COALESCED_ROWS = 16384;

export function createWorkerBackend(): InferenceBackend {
  const worker: Worker = startWorker(siblingFile(__filename, 'inference-worker'));
  worker.unref();
  let nextId = 1;
  let nextSession = 1;
  const replies = new Map<number, (r: WorkerReply) => void>();
  worker.on('message', (r: WorkerReply) => {
    const done = replies.get(r.id);
    replies.delete(r.id);
    done?.(r);
  });
  worker.on('error', (err) => {
    for (const done of replies.values()) done({ id: 0, ok: false, error: `inference thread failed: ${err.message}` });
    replies.clear();
  });

  function request(msg: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    return new Promise((resolve) => {
      replies.set(msg.id, resolve);
      worker.postMessage(msg, transfer);
    });
  }

  return {
    async load(bytes, spec) {
      const session = nextSession++;
      const loaded = await request({ type: 'load', id: nextId++, session, bytes, intraOpThreads: spec.intraOpThreads });
      if (!loaded.ok) throw new Error(loaded.error);
      const queue: Pending[] = [];
      let busy = false;

      async function drain(): Promise<void> {
        busy = true;
        while (queue.length > 0) {
          let rows = 0;
          let take = 0;
          while (take < queue.length && (take === 0 || rows + queue[take]!.rows <= MAX_COALESCED_ROWS))
            rows += queue[take++]!.rows;
          const group = queue.splice(0, take);
          const features = new Float32Array(rows * spec.width);
          let at = 0;
          for (const p of group) {
            features.set(p.features.subarray(0, p.rows * spec.width), at);
            at += p.rows * spec.width;
          }
          const reply = await request(
            {
              type: 'run',
              id: nextId++,
              session,
              features,
              rows,
              width: spec.width,
              input: spec.input,
              output: spec.output,
              positive: spec.positive,
            },
            [features.buffer as ArrayBuffer],
          );
          let offset = 0;
          for (const p of group) {
            if (reply.ok && reply.probabilities !== undefined)
              p.resolve(reply.probabilities.slice(offset, offset + p.rows));
            else p.reject(new Error(reply.ok ? 'inference returned nothing' : reply.error));
            offset += p.rows;
          }
        }
        busy = false;
      }

      return {
        inputNames: loaded.inputNames ?? [],
        outputNames: loaded.outputNames ?? [],
        run(features, rows) {
          return new Promise((resolve, reject) => {
            queue.push({ features, rows, resolve, reject });
            if (!busy) void drain();
          });
        },
        async release() {
          await request({ type: 'release', id: nextId++, session });
        },
      };
    },
    async close() {
      await worker.terminate();
    },
  };
}
