/**
 * The model ceiling: the scoring core called in-process, without gRPC, on one thread. Every batch
 * holds different values (re-feeding the same rows flatters small batches), read from a file that the
 * load generator wrote with the same generator the gRPC scenarios use (`loadgen names -kind ...`).
 *
 *   node dist/bench/model-ceiling.js --names FILE --kind domain|url|ip --view full|compact
 *       [--batch 1000] [--seconds 5] [--in-flight 1] [--metrics]
 *
 * `--metrics` turns the Prometheus metrics on (as --metrics-listen does; no listener is opened here),
 * to measure what counting costs per item.
 *
 * Prints one JSON line: items/s, CPU per item and the share of items the model scored.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type App, createApp } from '../app';
import { loadConfig } from '../config';
import { parseIp } from '../indicators/ip/parse';
import type { IndicatorKind } from '../indicators/types';
import { createLogger } from '../logger';
import type { InputItem } from '../scoring/pipeline';
import type { View } from '../scoring/scorer';

const KINDS: readonly IndicatorKind[] = ['domain', 'url', 'ip'];

/**
 * What the ceiling of `kind` needs from the app before it is measured: a servable model (other
 * types' models may be absent while they are being trained) and, for IPs, geo databases that answer
 * (createApp opens them before it resolves; without them every lookup would be an empty, cheap miss).
 */
function checkReady(app: App, kind: IndicatorKind): void {
  if (app.repository.serving(kind) === undefined) {
    throw new Error(`no servable version of the ${kind} model: the ceiling would measure error answers`);
  }
  if (kind !== 'ip') return;
  const roles = new Set(app.geo.sources.map((s) => s.role));
  const probe = parseIp('8.8.8.8');
  const asn = probe.ok ? app.geo.lookup(probe.value).asn : 0;
  if (!roles.has('city') || !roles.has('asn') || asn === 0) {
    throw new Error(
      `the geo databases are not loaded (sources: ${app.geo.sources.map((s) => s.path).join(', ') || 'none'}; ASN of 8.8.8.8: ${asn}): IP enrichment would be skipped`,
    );
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      names: { type: 'string' },
      kind: { type: 'string', default: 'domain' },
      view: { type: 'string', default: 'full' },
      batch: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '20' },
      'in-flight': { type: 'string', default: '1' },
      metrics: { type: 'boolean', default: false },
    },
  });
  const kind = values.kind as IndicatorKind;
  if (!KINDS.includes(kind)) throw new Error(`--kind must be one of ${KINDS.join(', ')}`);
  const view = values.view as View;
  const batch = Number(values.batch);
  const names = readFileSync(values.names as string, 'utf8')
    .split('\n')
    .filter((s) => s !== '');
  const batches: InputItem[][] = [];
  for (let i = 0; i + batch <= names.length; i += batch) {
    batches.push(names.slice(i, i + batch).map((value, j) => ({ id: String(i + j), value })));
  }
  const app = await createApp(
    loadConfig(values.metrics ? ['--metrics-listen', '127.0.0.1:0'] : []),
    createLogger('warn'),
  );
  checkReady(app, kind);
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
      const results = await app.scorer.scoreBatch(kind, batches[next++] as InputItem[], view);
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
      kind,
      view,
      batch,
      inFlight,
      metrics: values.metrics === true,
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
