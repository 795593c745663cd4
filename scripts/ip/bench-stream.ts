/**
 * Throughput of StreamPredictIps over loopback: starts the real server in-process (bundled geo data,
 * committed models), sends `batches` messages of `size` random public IPv4 addresses (1 in 20 a private
 * one, 1 in 50 garbage) with up to `window` messages in flight, and reports items/s for each view.
 *
 *   node --import tsx scripts/ip/bench-stream.ts [batches=100] [size=1000] [window=4]
 */
import { once } from 'node:events';
import { credentials } from '@grpc/grpc-js';
import pino from 'pino';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { ResultView } from '../../src/gen/threatpredict/v1/prediction';
import {
  PredictionServiceClient,
  type StreamPredictIpsResponse,
} from '../../src/gen/threatpredict/v1/prediction_service';
import { startServer } from '../../src/server/server';

const [batches = 100, size = 1000, window = 4] = process.argv.slice(2).map(Number);

function items(n: number) {
  return Array.from({ length: size }, (_, i) => {
    const r = Math.random;
    const value =
      i % 50 === 7
        ? 'not-an-ip'
        : i % 20 === 3
          ? `10.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.1`
          : `${1 + Math.floor(r() * 222)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 254)}`;
    return { id: `${n}:${i}`, value };
  });
}

async function run(client: PredictionServiceClient, view: ResultView): Promise<{ seconds: number; results: number }> {
  const messages = Array.from({ length: batches }, (_, n) => ({ view, items: items(n) }));
  const stream = client.streamPredictIps();
  let results = 0;
  let received = 0;
  let sent = 0;
  const start = process.hrtime.bigint();
  const pump = () => {
    while (sent < batches && sent - received < window) stream.write(messages[sent++]);
    if (sent === batches) stream.end();
  };
  stream.on('data', (r: StreamPredictIpsResponse) => {
    results += r.results.length;
    received++;
    pump();
  });
  const done = once(stream, 'end');
  pump();
  await done;
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, results };
}

async function main(): Promise<void> {
  const config = loadConfig(['--listen', '127.0.0.1:0', '--max-batch-items', String(Math.max(size, 1000))], {});
  const logger = pino({ level: 'warn' });
  const app = await createApp(config, logger);
  const server = await startServer(app);
  const client = new PredictionServiceClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
  await run(client, ResultView.RESULT_VIEW_COMPACT); // warm-up: JIT, geo caches, onnxruntime
  for (const [name, view] of [
    ['compact', ResultView.RESULT_VIEW_COMPACT],
    ['full', ResultView.RESULT_VIEW_FULL],
  ] as const) {
    const { seconds, results } = await run(client, view);
    console.log(
      `StreamPredictIps ${name.padEnd(7)} ${batches} x ${size} items, window ${window}: ${results} results in ${seconds.toFixed(2)} s = ` +
        `${Math.round(results / seconds).toLocaleString('en-US')} items/s`,
    );
  }
  client.close();
  await server.shutdown();
  await app.close();
}

void main();
