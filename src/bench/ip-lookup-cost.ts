/**
 * Measures the IP enrichment path: open time and memory of the bundled databases, then per-call cost of
 * parseIp, the hosting lookup and the full geo lookup, on random routable addresses (so caches rarely hit).
 *
 *   node --expose-gc --import tsx src/bench/ip-lookup-cost.ts [count]
 */
import { createGeoLookup } from '../indicators/ip/geo';
import { createHostingLookup } from '../indicators/ip/hosting';
import { type IpAddress, parseIp } from '../indicators/ip/parse';

const count = Number(process.argv[2] ?? 200_000);

function randomAddresses(version: 4 | 6): string[] {
  const out: string[] = [];
  while (out.length < count) {
    const text =
      version === 4
        ? Array.from({ length: 4 }, () => Math.floor(Math.random() * 256)).join('.')
        : `2${Math.floor(Math.random() * 0x1000)
            .toString(16)
            .padStart(3, '0')}:${Array.from({ length: 7 }, () => Math.floor(Math.random() * 0x10000).toString(16)).join(
            ':',
          )}`;
    const parsed = parseIp(text);
    if (parsed.ok && parsed.value.globallyRoutable) out.push(text);
  }
  return out;
}

function time(label: string, n: number, run: () => void): void {
  run(); // warm-up
  const start = process.hrtime.bigint();
  run();
  const ns = Number(process.hrtime.bigint() - start);
  console.log(
    `${label.padEnd(28)} ${(ns / n / 1000).toFixed(2).padStart(7)} us/call  ${Math.round(n / (ns / 1e9))
      .toLocaleString('en-US')
      .padStart(11)} /s`,
  );
}

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const mb = (n: number) => `${Math.round(n / 1e6)} MB`;
  const opened = process.hrtime.bigint();
  const geo = await createGeoLookup();
  const openMs = Number(process.hrtime.bigint() - opened) / 1e6;
  gc?.();
  const mem = process.memoryUsage();
  console.log(
    `open bundled databases: ${openMs.toFixed(0)} ms; rss ${mb(mem.rss)}, heap ${mb(mem.heapUsed)}, buffers ${mb(mem.arrayBuffers)}`,
  );
  const hosting = createHostingLookup();

  for (const version of [4, 6] as const) {
    const texts = randomAddresses(version);
    const parsed: IpAddress[] = texts.map((t) => {
      const r = parseIp(t);
      if (!r.ok) throw r.error;
      return r.value;
    });
    let sink = 0;
    time(`IPv${version} parseIp`, texts.length, () => {
      for (const t of texts) sink += parseIp(t).ok ? 1 : 0;
    });
    time(`IPv${version} hosting lookup`, parsed.length, () => {
      for (const ip of parsed) sink += hosting.provider(ip).length;
    });
    time(`IPv${version} geo+asn+hosting lookup`, parsed.length, () => {
      for (const ip of parsed) sink += geo.lookup(ip).asn;
    });
    if (sink === -1) console.log(sink);
  }
}

void main();
