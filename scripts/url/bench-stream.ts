/**
 * Throughput of StreamPredictUrls over loopback: starts the real server in-process (committed models),
 * sends `batches` messages of `size` real URLs (from ../shared/data/urls; 1 in 50 replaced by garbage;
 * the prediction cache off, so every URL is scored) with up to `window` messages in flight, and reports items/s
 * per view. Then the in-process ceiling: the scorer on the same batches without gRPC.
 *
 *   npm run build && node --import tsx scripts/url/bench-stream.ts [batches=60] [size=1000] [window=4]
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { credentials } from '@grpc/grpc-js';
import pino from 'pino';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { ResultView } from '../../src/gen/threatpredict/v1/prediction';
import {
  PredictionServiceClient,
  type StreamPredictUrlsResponse,
} from '../../src/gen/threatpredict/v1/prediction_service';
import { startServer } from '../../src/server/server';
import { splitUrlCsvLine } from '../../src/training/url-rows';

const [batches = 60, size = 1000, window = 4] = process.argv.slice(2).map(Number);
const DATA = process.env.DATA ?? join(__dirname, '../../../shared/data');

function loadUrls(): string[] {
  const text = gunzipSync(readFileSync(join(DATA, 'urls/urls_train.csv.gz'))).toString('utf8');
  const urls = text
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => splitUrlCsvLine(l, 4)?.[0] ?? l);
  // A fixed shuffle (LCG) so that every run sends the same URLs in the same order.
  let s = 12345;
  for (let i = urls.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [urls[i], urls[j]] = [urls[j] as string, urls[i] as string];
  }
  return urls;
}

const ALL = loadUrls();
/** Batch `n` of a pass: distinct URLs for every (pass, batch) so that caches never answer. */
function items(pass: number, n: number) {
  const base = (pass * batches + n) * size;
  return Array.from({ length: size }, (_, i) => ({
    id: `${n}:${i}`,
    value: i % 50 === 7 ? 'javascript:void(0)' : (ALL[(base + i) % ALL.length] as string),
  }));
}

async function run(
  client: PredictionServiceClient,
  view: ResultView,
  pass: number,
): Promise<{ seconds: number; results: number }> {
  const messages = Array.from({ length: batches }, (_, n) => ({ view, items: items(pass, n) }));
  const stream = client.streamPredictUrls();
  let results = 0;
  let received = 0;
  let sent = 0;
  const start = process.hrtime.bigint();
  const pump = () => {
    while (sent < batches && sent - received < window) stream.write(messages[sent++]);
    if (sent === batches) stream.end();
  };
  stream.on('data', (r: StreamPredictUrlsResponse) => {
    results += r.results.length;
    received++;
    pump();
  });
  const done = once(stream, 'end');
  pump();
  await done;
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, results };
}

const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en-US')} items/s`;

async function main(): Promise<void> {
  // The prediction cache is off: every URL is scored, as for a feed of URLs never seen before.
  const config = loadConfig(
    ['--listen', '127.0.0.1:0', '--max-batch-items', String(Math.max(size, 1000)), '--cache-entries', '0'],
    {},
  );
  const logger = pino({ level: 'warn' });
  const app = await createApp(config, logger);
  const server = await startServer(app);
  const client = new PredictionServiceClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
  await run(client, ResultView.RESULT_VIEW_COMPACT, 0); // warm-up: JIT, onnxruntime
  let pass = 1;
  for (const [name, view] of [
    ['compact', ResultView.RESULT_VIEW_COMPACT],
    ['full', ResultView.RESULT_VIEW_FULL],
  ] as const) {
    const { seconds, results } = await run(client, view, pass++);
    console.log(
      `StreamPredictUrls ${name.padEnd(7)} ${batches} x ${size} URLs, window ${window}: ${results} results in ${seconds.toFixed(2)} s = ${rate(results, seconds)}`,
    );
  }
  client.close();
  await server.shutdown();

  // The ceiling without gRPC: parse, rules, features, one model run per batch, results.
  for (const view of ['compact', 'full'] as const) {
    const msgs = Array.from({ length: batches }, (_, n) => items(pass, n));
    pass++;
    const start = process.hrtime.bigint();
    let n = 0;
    for (const m of msgs) n += (await app.scorer.scoreBatch('url', m, view)).length;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    console.log(`in-process scorer  ${view.padEnd(7)} ${batches} x ${size} URLs: ${rate(n, seconds)}`);
  }
  await app.close();
}

void main();
