/**
 * Keeps answers in the order of the log: each line enters a FIFO; a record leaves it when every one
 * of its values is answered, and only from the head, so answers are written in line order even when
 * a repeated value is answered from an earlier batch. Lines without values (headers, malformed,
 * events with nothing to score) pass through the same FIFO, so the position marked after a line is
 * never ahead of an answer still to be written.
 *
 * This runs for every line and every value of a log: an entry is one object that the stream window
 * answers directly (no closure per value), and a line's place in its file is kept as plain numbers.
 */
import { type Answer, flagged, neverAlerts } from './answer';
import type { SensorRecord } from './record';
import type { AnswerTarget, StreamWindow } from './stream-window';

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

/** Where a line is: its number, and the read position just past it (file inode and byte offset). */
export interface LinePlace {
  line: number;
  inode: number;
  end: number;
}

export interface Pipeline {
  /** A line that produced a record: its values are sent, answered in order. */
  record(line: number, inode: number, end: number, record: SensorRecord): void;
  /** A line with nothing to answer (header, blank, malformed): it only moves the position. */
  skip(line: number, inode: number, end: number): void;
  readonly counters: WatchCounters;
}

export interface PipelineOutput {
  /** One answer with its record, in log order: the `index`th observation of the record on `line`. */
  emit(record: SensorRecord, line: number, index: number, answer: Answer, deduplicated: boolean): void;
  /** All answers of lines up to and including this one were emitted. */
  done(place: LinePlace): void;
}

class Entry implements AnswerTarget, LinePlace {
  answers: (Answer | undefined)[] | undefined;
  /** Which answers were shared with an earlier value (allocated only when one was). */
  dedup: boolean[] | undefined;
  remaining: number;
  constructor(
    readonly owner: State,
    readonly line: number,
    readonly inode: number,
    readonly end: number,
    readonly record: SensorRecord | undefined,
  ) {
    const n = record === undefined ? 0 : record.observations.length;
    this.remaining = n;
    this.answers = n === 0 ? undefined : new Array(n);
  }

  answered(index: number, a: Answer, deduplicated: boolean): void {
    (this.answers as (Answer | undefined)[])[index] = a;
    if (deduplicated) {
      if (this.dedup === undefined) this.dedup = new Array(this.answers!.length).fill(false);
      this.dedup[index] = true;
    }
    const c = this.owner.counters;
    c.answered++;
    if (deduplicated) c.deduplicated++;
    if (a.error !== undefined) c.itemErrors++;
    else if (neverAlerts(a)) c.neverAlert++;
    else if (flagged(a)) c.flagged++;
    if (--this.remaining === 0 && this.owner.fifo[this.owner.head] === this) this.owner.release();
  }
}

class State {
  readonly fifo: Entry[] = [];
  head = 0;
  readonly counters: WatchCounters = {
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
  constructor(readonly out: PipelineOutput) {}

  release(): void {
    const fifo = this.fifo;
    let last: Entry | undefined;
    while (this.head < fifo.length && (fifo[this.head] as Entry).remaining === 0) {
      const e = fifo[this.head++] as Entry;
      last = e;
      const r = e.record;
      if (r === undefined || e.answers === undefined) continue;
      for (let i = 0; i < e.answers.length; i++)
        this.out.emit(r, e.line, i, e.answers[i] as Answer, e.dedup === undefined ? false : (e.dedup[i] as boolean));
    }
    if (last !== undefined) this.out.done(last);
    // Compact the array now and then instead of shifting per entry.
    if (this.head > 4096 && this.head * 2 > fifo.length) {
      fifo.splice(0, this.head);
      this.head = 0;
    }
  }
}

export function createPipeline(opts: { window: StreamWindow } & PipelineOutput): Pipeline {
  const s = new State(opts);
  const counters = s.counters;
  const window = opts.window;
  return {
    counters,
    record(line, inode, end, record) {
      counters.lines++;
      counters.records++;
      const e = new Entry(s, line, inode, end, record);
      s.fifo.push(e);
      const obs = record.observations;
      const n = obs.length;
      counters.indicators += n;
      for (let i = 0; i < n; i++) {
        const o = obs[i]!;
        window.addFor(o.value, o.type, e, i);
      }
      if (n === 0 && s.fifo[s.head] === e) s.release();
    },
    skip(line, inode, end) {
      counters.lines++;
      const e = new Entry(s, line, inode, end, undefined);
      s.fifo.push(e);
      if (s.fifo[s.head] === e) s.release();
    },
  };
}
