/**
 * Keeps answers in the order of the log: each line enters a FIFO; a record leaves it when every one
 * of its values is answered, and only from the head, so answers are written in line order even when
 * a repeated value is answered from an earlier batch. Lines without values (headers, malformed,
 * events with nothing to score) pass through the same FIFO, so the position marked after a line is
 * never ahead of an answer still to be written.
 */
import { type Answer, flagged, neverAlerts } from './answer';
import type { Joined } from './output';
import type { SensorRecord } from './record';
import type { StreamWindow } from './stream-window';

export interface WatchCounters {
  lines: number;
  records: number;
  malformed: number;
  indicators: number;
  answered: number;
  deduplicated: number;
  flagged: number;
  neverAlert: number;
  itemErrors: number;
  written: number;
}

export interface LineRef<P> {
  line: number;
  /** The read position just past this line (for the position file). */
  position: P;
}

interface Entry<P> {
  ref: LineRef<P>;
  record: SensorRecord | undefined;
  answers: (Answer | undefined)[];
  dedup: boolean[];
  remaining: number;
}

export interface Pipeline<P> {
  /** A line that produced a record: its values are sent, answered in order. */
  record(ref: LineRef<P>, record: SensorRecord): void;
  /** A line with nothing to answer (header, blank, malformed): it only moves the position. */
  skip(ref: LineRef<P>): void;
  readonly counters: WatchCounters;
}

export function createPipeline<P>(opts: {
  window: StreamWindow;
  /** Each answer with its record, in log order. */
  emit(j: Joined): void;
  /** All answers of lines up to and including this one were emitted. */
  done(ref: LineRef<P>): void;
}): Pipeline<P> {
  const fifo: Entry<P>[] = [];
  let head = 0;
  const counters: WatchCounters = {
    lines: 0,
    records: 0,
    malformed: 0,
    indicators: 0,
    answered: 0,
    deduplicated: 0,
    flagged: 0,
    neverAlert: 0,
    itemErrors: 0,
    written: 0,
  };

  function release(): void {
    let last: Entry<P> | undefined;
    while (head < fifo.length && (fifo[head] as Entry<P>).remaining === 0) {
      const e = fifo[head++] as Entry<P>;
      last = e;
      if (e.record === undefined) continue;
      for (let i = 0; i < e.answers.length; i++) {
        opts.emit({
          record: e.record,
          line: e.ref.line,
          observation: e.record.observations[i]!,
          answer: e.answers[i]!,
          deduplicated: e.dedup[i]!,
        });
      }
    }
    if (last !== undefined) opts.done(last.ref);
    // Compact the array now and then instead of shifting per entry.
    if (head > 4096 && head * 2 > fifo.length) {
      fifo.splice(0, head);
      head = 0;
    }
  }

  return {
    counters,
    record(ref, record) {
      counters.lines++;
      counters.records++;
      const n = record.observations.length;
      const e: Entry<P> = { ref, record, answers: new Array(n), dedup: new Array(n), remaining: n };
      fifo.push(e);
      counters.indicators += n;
      for (let i = 0; i < n; i++) {
        const o = record.observations[i]!;
        opts.window.add({ value: o.value, type: o.type }, (a, dedup) => {
          e.answers[i] = a;
          e.dedup[i] = dedup;
          counters.answered++;
          if (dedup) counters.deduplicated++;
          if (a.error !== undefined) counters.itemErrors++;
          else if (neverAlerts(a)) counters.neverAlert++;
          else if (flagged(a)) counters.flagged++;
          if (--e.remaining === 0 && fifo[head] === e) release();
        });
      }
      if (n === 0) release();
    },
    skip(ref) {
      counters.lines++;
      fifo.push({ ref, record: undefined, answers: [], dedup: [], remaining: 0 });
      if (fifo[head] === fifo[fifo.length - 1]) release();
    },
  };
}
