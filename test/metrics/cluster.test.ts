/**
 * Metrics with `--processes 2`: the built server (dist/main.js) as a real primary with two server
 * processes. The primary owns the metrics listener and sums what every process reports on each
 * scrape, so calls spread over connections (the cluster module hands connections to the processes
 * in turn) are all counted at one scrape target.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { credentials } from '@grpc/grpc-js';
import {
  type PredictDomainsResponse,
  PredictionServiceClient,
} from '../../src/gen/threatpredict/v1/prediction_service';
import { call } from '../helpers/server';
import { scrape, total } from './scrape';

const ROOT = join(__dirname, '..', '..');
const CONNECTIONS = 6;

type Line = Record<string, unknown> & { msg?: string; role?: string };

let child: ChildProcess;
const lines: Line[] = [];

function waitFor(match: (l: Line) => boolean, what: string, ms = 120_000): Promise<Line> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const l = lines.find(match);
      if (l !== undefined || Date.now() - started > ms || child.exitCode !== null) {
        clearInterval(poll);
        if (l !== undefined) resolve(l);
        else reject(new Error(`no log line for ${what} (exit code ${child.exitCode})`));
      }
    }, 50);
  });
}

before(() => {
  const args = ['--processes', '2', '--listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0'];
  child = spawn(process.execPath, [join(ROOT, 'dist', 'main.js'), ...args, '--shutdown-grace-ms', '2000'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  createInterface({ input: child.stdout! }).on('line', (text) => {
    try {
      lines.push(JSON.parse(text));
    } catch {
      // not a log line
    }
  });
});

after(async () => {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
});

describe('metrics with --processes 2', () => {
  it('one scrape of the primary counts the calls every process served', async () => {
    const metricsLine = await waitFor((l) => l.msg === 'metrics listening', 'the metrics listener');
    const serving = await waitFor((l) => l.role === 'primary' && l.msg === 'serving', 'serving');
    const metricsPort = metricsLine.port as number;
    const before = await scrape(metricsPort);
    const match = { grpc_method: 'PredictDomains', grpc_code: 'OK' };
    const clients = Array.from(
      { length: CONNECTIONS },
      () =>
        new PredictionServiceClient(`127.0.0.1:${serving.port}`, credentials.createInsecure(), {
          'grpc.use_local_subchannel_pool': 1,
        }),
    );
    try {
      await Promise.all(
        clients.map((c, i) =>
          call<object, PredictDomainsResponse>((r, cb) => c.predictDomains(r as never, cb), {
            items: [{ id: String(i), value: `example${i}.com` }],
            view: 0,
          }),
        ),
      );
    } finally {
      for (const c of clients) c.close();
    }
    const after = await scrape(metricsPort);
    // Each process saw about half of the connections: only the sum over both makes CONNECTIONS.
    assert.equal(
      total(after, 'grpc_server_handled_total', match) - total(before, 'grpc_server_handled_total', match),
      CONNECTIONS,
    );
    assert.equal(
      total(after, 'threatpredict_items_total', { type: 'domain' }) -
        total(before, 'threatpredict_items_total', { type: 'domain' }),
      CONNECTIONS,
    );
    // Gauges that are the same in every process are not summed (their aggregator is max).
    const newest = Math.max(
      ...readdirSync(join(__dirname, '..', '..', 'models', 'domain'))
        .map(Number)
        .filter((v) => v > 0),
    );
    assert.equal(total(after, 'threatpredict_model_serving_version', { model: 'domain' }), newest);
  });
});
