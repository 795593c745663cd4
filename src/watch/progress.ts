/**
 * The progress line on a terminal's stderr (records/s, indicators/s, the share answered without
 * asking, flagged, bytes behind the file's end), redrawn in place once a second; and the counters at
 * exit. In a pipe it stays quiet unless asked (`--stats`, one JSON line at exit), so a log shipper
 * reading stderr does not collect a progress bar.
 */
import type { WatchCounters } from './pipeline';
import type { StreamWindowStats } from './stream-window';

export interface ProgressSource {
  counters: WatchCounters;
  window: StreamWindowStats;
  lag(): number;
}

export interface Summary extends WatchCounters {
  event: 'watch-summary';
  seconds: number;
  sent: number;
  batches: number;
  reconnects: number;
  resentBatches: number;
  dedupShare: number;
  recordsPerSec: number;
  indicatorsPerSec: number;
  /** CPU seconds (user + system, all threads) this process spent in those seconds, when measured. */
  cpuSeconds?: number;
}

export function summary(src: ProgressSource, seconds: number, cpuSeconds?: number): Summary {
  const c = src.counters;
  const s: Summary = {
    event: 'watch-summary',
    seconds: Math.round(seconds * 1000) / 1000,
    ...c,
    sent: src.window.sent,
    batches: src.window.batches,
    reconnects: src.window.reconnects,
    resentBatches: src.window.resentBatches,
    dedupShare: c.indicators === 0 ? 0 : Math.round((c.deduplicated / c.indicators) * 10000) / 10000,
    recordsPerSec: seconds > 0 ? Math.round(c.records / seconds) : 0,
    indicatorsPerSec: seconds > 0 ? Math.round(c.answered / seconds) : 0,
  };
  if (cpuSeconds !== undefined) s.cpuSeconds = Math.round(cpuSeconds * 1000) / 1000;
  return s;
}

function human(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(0)}k` : String(Math.round(n));
}

export function progressLine(src: ProgressSource, prev: WatchCounters, dtSec: number): string {
  const c = src.counters;
  const share = c.indicators === 0 ? 0 : (100 * c.deduplicated) / c.indicators;
  return (
    `records ${human(c.records)} (${human((c.records - prev.records) / dtSec)}/s)  ` +
    `indicators ${human(c.answered)} (${human((c.answered - prev.answered) / dtSec)}/s)  ` +
    `dedup ${share.toFixed(0)}%  flagged ${human(c.flagged)}  malformed ${human(c.malformed)}  ` +
    `lag ${human(src.lag())} B${src.window.reconnects > 0 ? `  reconnects ${src.window.reconnects}` : ''}`
  );
}

export function startProgress(src: ProgressSource, stream: NodeJS.WriteStream): { stop(): void } {
  let prev = { ...src.counters };
  let at = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    stream.write(`\r\x1b[K${progressLine(src, prev, (now - at) / 1000)}`);
    prev = { ...src.counters };
    at = now;
  }, 1000);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      stream.write('\r\x1b[K');
    },
  };
}

export function humanSummary(s: Summary): string {
  return (
    `watch: ${s.records} records (${s.malformed} malformed) in ${s.seconds.toFixed(1)} s, ` +
    `${s.indicators} indicators: ${s.sent} sent, ${s.deduplicated} answered without asking ` +
    `(${(s.dedupShare * 100).toFixed(1)}%), ${s.flagged} flagged, ${s.neverAlert} never alert, ` +
    `${s.itemErrors} item errors; ${s.written} lines written; ${s.reconnects} reconnects`
  );
}
