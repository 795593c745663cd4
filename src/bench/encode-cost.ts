/**
 * In-process cost of encoding one response of real answers, per item: the server's encoder
 * (src/server/wire.ts, answers written straight into one buffer) against the generated encoder on
 * Prediction messages (`toPrediction` then `PredictResponse.encode`, the path before it), for each
 * kind and view, as CPU time per item. The two alternate in every round so a busy machine weighs on
 * both alike; medians of the rounds. Answers are scored once, for 10 batches of 1000 new values, and
 * unlinked from the cache so every answer is encoded in full (a stored encoding is a copy).
 *
 *   npm run build && node dist/bench/encode-cost.js [--rounds 7]
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import pino from 'pino';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { PredictResponse } from '../gen/threatpredict/v1/prediction_service';
import type { ScoredItem } from '../scoring/pipeline';
import type { View } from '../scoring/scorer';
import { toPrediction } from '../server/convert';
import { encodePredictions } from '../server/wire';
import { dataLines, SHARED_DATA } from './shared-data';
import { median } from './stats';
import { urlsOfCsv } from './url-list';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '7' } } });

function generated(results: readonly ScoredItem[], view: View): Uint8Array {
  return PredictResponse.encode({ results: results.map((r) => toPrediction(r, view)) }).finish();
}

function cpuUsPerItem(encode: (r: readonly ScoredItem[]) => Uint8Array, batches: ScoredItem[][]): number {
  const u0 = process.cpuUsage();
  let items = 0;
  for (let k = 0; k < 10; k++)
    for (const b of batches) {
      encode(b);
      items += b.length;
    }
  const u = process.cpuUsage(u0);
  return (u.user + u.system) / items;
}

async function main(): Promise<void> {
  const app = await createApp(loadConfig(['--listen', '127.0.0.1:0'], {}), pino({ level: 'warn' }));
  const names = dataLines(join(SHARED_DATA, 'domains', 'tranco_top100k.txt'));
  let urls: string[] = [];
  try {
    urls = urlsOfCsv(gunzipSync(readFileSync(join(SHARED_DATA, 'urls', 'urls_train.csv.gz'))).toString());
  } catch {
    // Generated URLs below.
  }
  const value: Record<'domain' | 'url' | 'ip', (n: number) => string> = {
    domain: (n) => `cdn-${(n * 104729).toString(36)}.${names.length > 0 ? names[n % names.length] : 'example.com'}`,
    url: (n) =>
      urls.length > 0 ? (urls[(n * 7919) % urls.length] as string) : `http://h${n}.example.com/login.php?id=${n}`,
    ip: (n) => `${1 + (n % 200)}.${(n >> 8) & 255}.${(n * 7) & 255}.${n & 255}`,
  };
  console.log(
    `encoding CPU us per item, median of ${args.rounds} alternating rounds (load average ${loadavg()[0]?.toFixed(1)})`,
  );
  for (const kind of ['domain', 'url', 'ip'] as const)
    for (const view of ['full', 'compact'] as const) {
      const batches: ScoredItem[][] = [];
      for (let b = 0; b < 10; b++) {
        const items = Array.from({ length: 1000 }, (_, i) => ({
          id: String(b * 1000 + i),
          value: value[kind](b * 1000 + i + 1),
        }));
        const results = await app.scorer.scoreBatch(kind, items, view);
        for (const r of results) r.cached = undefined;
        batches.push(results);
      }
      const first = batches[0] as ScoredItem[];
      if (Buffer.compare(encodePredictions(first, view, false), Buffer.from(generated(first, view))) !== 0)
        throw new Error(`${kind} ${view}: the encoders disagree`);
      const old: number[] = [];
      const now: number[] = [];
      for (let r = 0; r < Number(args.rounds); r++) {
        old.push(cpuUsPerItem((b) => generated(b, view), batches));
        now.push(cpuUsPerItem((b) => encodePredictions(b, view, false), batches));
      }
      const bytes = encodePredictions(first, view, false).length / first.length;
      console.log(
        `  ${kind} ${view}: ${bytes.toFixed(0)} bytes/item; generated ${median(old).toFixed(2)}, server ${median(now).toFixed(2)} (${(median(now) / median(old)).toFixed(2)}x)`,
      );
    }
  await app.close();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
