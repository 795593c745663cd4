/** The real process: starts from dist/, serves, and on SIGTERM lets in-flight streams finish. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { credentials } from '@grpc/grpc-js';
import {
  PredictionServiceClient,
  type StreamPredictDomainsResponse,
} from '../../src/gen/threatpredict/v1/prediction_service';

it('answers every in-flight batch after SIGTERM, then exits 0', async () => {
  const server = spawn('node', [join(__dirname, '..', '..', 'dist', 'main.js'), '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Whatever fails below (a start that times out at load, an assertion), the process must not outlive the
  // test: a leaked server kept the test runner waiting forever.
  after(() => {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
  });
  let log = '';
  server.stdout.on('data', (d) => {
    log += d;
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 120 s:\n${log}`)), 120_000);
    server.stdout.on('data', () => {
      const m = /"port":(\d+)/.exec(log);
      if (m !== null && log.includes('"msg":"serving"')) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  const client = new PredictionServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
  const stream = client.streamPredictDomains();
  const got: StreamPredictDomainsResponse[] = [];
  stream.on('data', (r: StreamPredictDomainsResponse) => got.push(r));
  const ended = once(stream, 'end');
  for (let n = 0; n < 20; n++) {
    stream.write({
      view: 2,
      items: Array.from({ length: 500 }, (_, i) => ({ id: `${n}:${i}`, value: `s${n}-${i}.example.net` })),
    });
  }
  await once(stream, 'data');
  server.kill('SIGTERM');
  stream.end();
  await ended;
  const [code] = (await once(server, 'exit')) as [number];
  client.close();
  assert.equal(got.length, 20);
  assert.ok(got.every((r, n) => r.results.length === 500 && r.results[0]?.id === `${n}:0`));
  assert.equal(code, 0);
  assert.match(log, /"msg":"shutting down: finishing in-flight calls"/);
  assert.match(log, /"msg":"stopped"/);
});
