/**
 * What counting answered items costs on the hot path (src/metrics/items.ts): CPU nanoseconds and heap
 * bytes per item, counting 1000-item batches of answers with mixed verdicts and errors, as the scorer
 * does after each batch. Prints one JSON line.
 *
 *   node --expose-gc dist/bench/item-counts.js [--items 20000000]
 */
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';
import { type CountedItem, createItemCounts } from '../metrics/items';

function main(): void {
  const { values } = parseArgs({ options: { items: { type: 'string', default: '20000000' } } });
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc');
  const total = Number(values.items);
  const verdicts = ['benign', 'suspicious', 'malicious', undefined] as const;
  const batch: CountedItem[] = Array.from({ length: 1000 }, (_, i) =>
    i % 17 === 0 ? { error: { reason: 'INVALID_DOMAIN' } } : { verdict: verdicts[i % verdicts.length] },
  );
  const counts = createItemCounts(new Registry());
  for (let i = 0; i < 2000; i++) counts.countAll('domain', batch); // warm-up: optimised code
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const cpu0 = process.cpuUsage();
  const batches = Math.ceil(total / batch.length);
  for (let i = 0; i < batches; i++) counts.countAll(i % 2 === 0 ? 'domain' : 'url', batch);
  const cpu = process.cpuUsage(cpu0);
  const heapGrowth = process.memoryUsage().heapUsed - heap0;
  const items = batches * batch.length;
  process.stdout.write(
    `${JSON.stringify({ items, nsPerItem: ((cpu.user + cpu.system) * 1000) / items, heapBytesPerItem: heapGrowth / items })}\n`,
  );
}

main();
