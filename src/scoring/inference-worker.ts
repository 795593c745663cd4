/**
 * The inference thread: owns every onnxruntime session, so a model run never blocks the event loop
 * that decodes requests and encodes answers (onnxruntime-node runs synchronously on its calling
 * thread). For pipelines that allow it (pipelines/off-thread.ts) it also computes the features of
 * large batches from the raw values, with the same code and the version's own assets, so that work
 * uses this core instead of the event loop's. Messages are handled one at a time, in order.
 */
import { parentPort } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';
import { openSession, runSession, type WorkerReply, type WorkerRequest } from './inference-protocol';
import { type AnyPipeline, pipelineForFeatures } from './pipeline';
import { OFF_THREAD_PIPELINES } from './pipelines/off-thread';

interface Session {
  ort: ort.InferenceSession;
  features?: { pipeline: AnyPipeline; assets: unknown };
}

const sessions = new Map<number, Session>();

function sessionOf(id: number): Session {
  const s = sessions.get(id);
  if (s === undefined) throw new Error(`session ${id} is not loaded`);
  return s;
}

async function handle(msg: WorkerRequest): Promise<WorkerReply> {
  try {
    switch (msg.type) {
      case 'load': {
        const session: Session = { ort: await openSession(msg.bytes, msg.intraOpThreads) };
        if (msg.features !== undefined) {
          const base = OFF_THREAD_PIPELINES.get(msg.features.kind);
          const pipeline = base && pipelineForFeatures(base, msg.features.featuresVersion);
          if (pipeline === undefined)
            throw new Error(`no off-thread features for ${msg.features.kind} ${msg.features.featuresVersion}`);
          session.features = { pipeline, assets: pipeline.loadAssets(msg.features.dir) };
        }
        sessions.set(msg.session, session);
        const o = session.ort;
        return { id: msg.id, ok: true, inputNames: [...o.inputNames], outputNames: [...o.outputNames] };
      }
      case 'run':
        return {
          id: msg.id,
          ok: true,
          probabilities: await runSession(sessionOf(msg.session).ort, msg.features, msg.rows, msg),
        };
      case 'score': {
        const s = sessionOf(msg.session);
        if (s.features === undefined) throw new Error(`session ${msg.session} computes no features`);
        const { pipeline, assets } = s.features;
        const rows = msg.values.length;
        const features = new Float32Array(rows * msg.width);
        for (let j = 0; j < rows; j++) {
          const parsed = pipeline.parse({ id: '', value: msg.values[j] as string });
          // The event loop parsed the same value with the same code before sending it.
          if (parsed instanceof Promise || !parsed.ok)
            throw new Error(`value ${j} does not parse on the inference thread`);
          pipeline.features(parsed.value, assets, features, j * msg.width);
        }
        // The model gets its own copy: `features` goes back to the event loop (explanations, rules).
        const probabilities = await runSession(s.ort, features.slice(), rows, msg);
        return { id: msg.id, ok: true, probabilities, features };
      }
      case 'release': {
        await sessions.get(msg.session)?.ort.release();
        sessions.delete(msg.session);
        return { id: msg.id, ok: true };
      }
    }
  } catch (err) {
    return { id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

let chain = Promise.resolve();
parentPort?.on('message', (msg: WorkerRequest) => {
  chain = chain.then(async () => {
    const reply = await handle(msg);
    const transfer: ArrayBuffer[] = [];
    if (reply.ok && reply.probabilities !== undefined) transfer.push(reply.probabilities.buffer as ArrayBuffer);
    if (reply.ok && reply.features !== undefined) transfer.push(reply.features.buffer as ArrayBuffer);
    parentPort?.postMessage(reply, transfer);
  });
});
