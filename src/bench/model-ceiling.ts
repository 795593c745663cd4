/**
 * The model ceiling: the scoring core called in-process, without gRPC, on one thread. Every batch
 * holds different names (re-feeding the same rows flatters small batches), read from a file that the
 * load generator wrote with the same name generator the gRPC scenarios use.
 *
 *   node dist/bench/model-ceiling.js --names FILE --view full|compact [--batch 1000] [--seconds 5] [--in-flight 1]
 *
 * Prints one JSON line: items/s, CPU per item and the share of items the model scored.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import type { InputItem } from '../scoring/pipeline';
import type { View } from '../scoring/scorer';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      names: { type: 'string' },
      view: { type: 'string', default: 'full' },
      batch: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '20' },
      'in-flight': { type: 'string', default: '1' },
    },
  });
  const view = values.view as View;
  const batch = Number(values.batch);
  const names = readFileSync(values.names as string, 'utf8')
    .split('\n')
    .filter((s) => s !== '');
  const batches: InputItem[][] = [];
  for (let i = 0; i + batch <= names.length; i += batch) {
    batches.push(names.slice(i, i + batch).map((value, j) => ({ id: String(i + j), value })));
  }
  const app = await createApp(loadConfig([]), createLogger('warn'));
  // Only the domain model matters here; other types' models may be absent while they are being trained.
  if (app.repository.serving('domain') === undefined) {
    throw new Error('no servable version of the domain model: the ceiling would measure error answers');
  }
  const warmup = Number(values.warmup);
  const inFlight = Number(values['in-flight']);
  let next = 0;
  let items = 0;
  let scored = 0;
  let used = 0;
  let t0 = process.hrtime.bigint();
  const limitNs = BigInt(Math.round(Number(values.seconds) * 1e9));
  // `inFlight` batches at once, as concurrent streams would: the main thread prepares one batch
  // while another is in inference, where the scorer runs the model off the main thread.
  const lane = async (until: number, count: boolean) => {
    while (next < Math.min(until, batches.length) && (!count || process.hrtime.bigint() - t0 < limitNs)) {
      const results = await app.scorer.scoreBatch('domain', batches[next++] as InputItem[], view);
      if (!count) continue;
      items += results.length;
      for (const r of results) if (r.score !== undefined) scored++;
      used++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, () => lane(warmup, false)));
  const cpu0 = process.cpuUsage();
  t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: inFlight }, () => lane(Number.POSITIVE_INFINITY, true)));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  await app.close();
  // exit once written: the app leaves handles (watchers, pools) that would keep the process alive.
  process.stdout.write(
    `${JSON.stringify({
      view,
      batch,
      inFlight,
      batches: used,
      items,
      seconds,
      itemsPerSec: items / seconds,
      cpuUsPerItem: (cpu.user + cpu.system) / items,
      scoredShare: scored / Math.max(1, items),
      namesExhausted: warmup + used >= batches.length,
    })}\n`,
    () => process.exit(0),
  );
}

main().catch((err) => {
  process.stderr.write(`model-ceiling: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
