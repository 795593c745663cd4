/**
 * Messages per second through PredictEmails over loopback gRPC, on real corpus messages (the golden
 * messages of models/email/1: half phishing_pot, half SpamAssassin), in batches of 50. The server is
 * the built one (dist/main.js) in its own process, as in the rest of the bench, so the client's work
 * is not on the server's event loop.
 *
 *   npm run build && npx tsx src/bench/predict-emails.ts [--batches 20] [--in-flight 1]
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { credentials } from '@grpc/grpc-js';
import {
  type PredictEmailsRequest,
  type PredictEmailsResponse,
  PredictionServiceClient,
} from '../gen/threatpredict/v1/prediction_service';
import { decodeRawEmail } from '../scoring/pipelines/email';
import { startServerProcess } from './server-process';

const { values } = parseArgs({
  options: { batches: { type: 'string', default: '20' }, 'in-flight': { type: 'string', default: '1' } },
});
const golden = JSON.parse(readFileSync(join(__dirname, '../../models/email/1/golden.json'), 'utf8')) as {
  rows: { indicator: string }[];
};
const messages = golden.rows.map((r) => decodeRawEmail(r.indicator)!);

async function main(): Promise<void> {
  // No prediction cache: every batch repeats the same messages, and a cache would answer their indicators from memory.
  const srv = await startServerProcess('real', resolve(__dirname, '..', '..'), ['email'], ['--cache-entries', '0']);
  const client = new PredictionServiceClient(srv.addr, credentials.createInsecure());
  const predictEmails = promisify<PredictEmailsRequest, PredictEmailsResponse>(client.predictEmails.bind(client));
  const batch = Array.from({ length: 50 }, (_, i) => ({ id: String(i), value: messages[i % messages.length]! }));
  const bytes = batch.reduce((n, b) => n + b.value.length, 0);
  const req: PredictEmailsRequest = { items: batch, view: 0 };
  const run = () => predictEmails(req);
  await run(); // warm-up: workers, sessions
  const batches = Number(values.batches);
  const inFlight = Number(values['in-flight']);
  let indicators = 0;
  const t0 = process.hrtime.bigint();
  for (let b = 0; b < batches; b += inFlight) {
    const res = await Promise.all(Array.from({ length: Math.min(inFlight, batches - b) }, run));
    for (const r of res) indicators += r.results.reduce((n, x) => n + x.indicators.length, 0);
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(
    JSON.stringify({
      batches,
      batchSize: 50,
      inFlight,
      meanMessageBytes: Math.round(bytes / 50),
      seconds: Number(s.toFixed(2)),
      messagesPerSecond: Number(((batches * 50) / s).toFixed(1)),
      indicatorsPerSecond: Math.round(indicators / s),
      msPerBatch: Number(((s * 1000) / batches).toFixed(1)),
    }),
  );
  client.close();
  await srv.stop();
}

void main();
