/**
 * The inference thread: owns every onnxruntime session, so a model run never blocks the event loop
 * that decodes requests and encodes answers (onnxruntime-node runs synchronously on its calling
 * thread). Messages are handled one at a time, in order.
 */
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { positiveColumn, type WorkerReply, type WorkerRequest } from './inference-protocol';

const sessions = new Map<number, ort.InferenceSession>();

async function handle(msg: WorkerRequest): Promise<WorkerReply> {
  try {
    switch (msg.type) {
      case 'load': {
        const session = await ort.InferenceSession.create(msg.bytes, {
          intraOpNumThreads: msg.intraOpThreads,
          interOpNumThreads: 1,
          graphOptimizationLevel: 'all',
        });
        sessions.set(msg.session, session);
        return { id: msg.id, ok: true, inputNames: [...session.inputNames], outputNames: [...session.outputNames] };
      }
      case 'run': {
        const session = sessions.get(msg.session);
        if (session === undefined) throw new Error(`session ${msg.session} is not loaded`);
        const input = new ort.Tensor('float32', msg.features, [msg.rows, msg.width]);
        const out = await session.run({ [msg.input]: input }, [msg.output]);
        const probabilities = positiveColumn(out[msg.output]?.data as Float32Array, msg.rows, msg.positive);
        return { id: msg.id, ok: true, probabilities };
      }
      case 'release': {
        await sessions.get(msg.session)?.release();
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
    const transfer = reply.ok && reply.probabilities !== undefined ? [reply.probabilities.buffer as ArrayBuffer] : [];
    parentPort?.postMessage(reply, transfer);
  });
});
