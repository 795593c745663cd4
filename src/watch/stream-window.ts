/**
 * The streaming client under `watch`: indicators go out in batches (by size, or after `flushMs` so a
 * quiet sensor still gets answers), at most `window` batches in flight on one stream. A value already
 * waiting for its answer (or answered recently) is not sent again; its record gets the same answer.
 *
 * Nothing is lost and nothing is answered twice: every batch stays in the queue until its answer
 * arrives, the stream answers batches in order, and when the stream breaks (server restart, network)
 * the window reconnects with exponential backoff and sends every unanswered batch again, in order, on
 * the new stream. Events of a broken stream are ignored, so a late answer there cannot count twice.
 */
import type { Answer } from './answer';
import type { WatchType } from './record';
import type { Channel, Transport, WireItem } from './transport';

export type AnswerCallback = (answer: Answer, deduplicated: boolean) => void;

/**
 * Who is waiting for an answer, and for which of its values: the pipeline's record entries implement
 * it, so a value waits as (target, index) instead of a closure allocated per value.
 */
export interface AnswerTarget {
  answered(index: number, answer: Answer, deduplicated: boolean): void;
}
export interface StreamWindowOptions {
  transport: Transport;
  batchSize: number;
  flushMs: number;
  window: number;
  /** Answers kept to answer repeats without asking (0: only values still in flight are shared). */
  recentAnswers: number;
  backoff?: { initialMs: number; maxMs: number };
  /** A broken stream and the delay before the next try. */
  onRetry?(err: Error, delayMs: number): void;
}

export interface StreamWindowStats {
  sent: number;
  deduplicated: number;
  batches: number;
  reconnects: number;
  resentBatches: number;
}

export interface StreamWindow {
  add(item: WireItem, done: AnswerCallback): void;
  /** add() without a closure: the answer goes to target.answered(index, ...). */
  addFor(value: string, type: WatchType | undefined, target: AnswerTarget, index: number): void;
  /** True while `window` batches wait for answers: wait for room() before adding more. */
  readonly full: boolean;
  room(): Promise<void>;
  /** Sends the partial batch now and resolves when every batch is answered. */
  drain(): Promise<void>;
  readonly stats: StreamWindowStats;
  close(): void;
}

/**
 * One value sent: the WireItem the transport encodes, and its map entry, first while it waits for
 * its answer and then, answered, as a recent answer (the entry is not replaced by the answer: that
 * was a second insertion into the map per value sent).
 */
class Pending implements WireItem {
  /** Waiters after the first, as (target, index) pairs; most values have one waiter. */
  more: (AnswerTarget | number)[] | undefined;
  /** Set once answered; the waiters are then let go, so a recent answer keeps no record alive. */
  answer: Answer | undefined;
  constructor(
    readonly value: string,
    readonly type: WatchType | undefined,
    readonly map: Map<string, Pending>,
    public target: AnswerTarget | undefined,
    readonly index: number,
  ) {}
}

/** The adapter behind add(item, done): a closure per call is fine off the hot path. */
class CallbackTarget implements AnswerTarget {
  constructor(readonly done: AnswerCallback) {}
  answered(_index: number, answer: Answer, deduplicated: boolean): void {
    this.done(answer, deduplicated);
  }
}

const TYPE_SLOTS: Record<WatchType, number> = { domain: 1, url: 2, ip: 3, email_address: 4, file_hash: 5 };

export function createStreamWindow(opts: StreamWindowOptions): StreamWindow {
  const backoff = opts.backoff ?? { initialMs: 100, maxMs: 5000 };
  // One map per asserted type (slot 0: none), keyed by the value itself, to its Pending (in flight,
  // or answered and recent). Keys built as type + value cost a string per value
  // and its hashing, the largest share of this file's time in the 1M-record profile.
  const values: Map<string, Pending>[] = [];
  for (let i = 0; i < 6; i++) values.push(new Map());
  const queue: Pending[][] = [];
  let current: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;
  let channel: Channel | undefined;
  let channelId = 0;
  let sentOnChannel = 0;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let fatal: Error | undefined;
  let closed = false;
  const roomWaiters: { resolve(): void; reject(e: Error): void }[] = [];
  const drainWaiters: { resolve(): void; reject(e: Error): void }[] = [];
  const stats: StreamWindowStats = { sent: 0, deduplicated: 0, batches: 0, reconnects: 0, resentBatches: 0 };

  const isFull = () => queue.length >= opts.window;

  function settle(): void {
    if (fatal !== undefined) {
      for (const w of roomWaiters.splice(0)) w.reject(fatal);
      for (const w of drainWaiters.splice(0)) w.reject(fatal);
      return;
    }
    if (!isFull()) for (const w of roomWaiters.splice(0)) w.resolve();
    if (queue.length === 0 && current.length === 0) for (const w of drainWaiters.splice(0)) w.resolve();
  }

  function connect(): void {
    const id = ++channelId;
    sentOnChannel = 0;
    channel = opts.transport.open({
      answers: (results) => {
        if (id === channelId) onAnswers(results);
      },
      failed: (err) => {
        if (id === channelId) onFailed(err);
      },
    });
  }

  function pump(): void {
    if (closed || fatal !== undefined || retryTimer !== undefined) return;
    if (channel === undefined) {
      if (queue.length === 0) return;
      connect();
    }
    while (sentOnChannel < queue.length && sentOnChannel < opts.window) {
      const batch = queue[sentOnChannel] as Pending[];
      sentOnChannel++;
      channel!.send(batch);
    }
  }

  // The oldest recent answer leaves through a ring of keys, not the Map's front iterator: V8 keeps a
  // Map's deleted slots until it rehashes, and an iterator from the front walks over all of them, so
  // evicting that way cost more per answer the longer a run went (the 1M-record bench found it).
  // A value in the ring is always its map's entry: a value with a recent answer is never sent again.
  const ring: (Pending | undefined)[] = new Array(Math.max(0, opts.recentAnswers));
  let ringAt = 0;
  function remember(p: Pending): void {
    if (opts.recentAnswers <= 0) {
      p.map.delete(p.value);
      return;
    }
    const old = ring[ringAt];
    if (old !== undefined) old.map.delete(old.value);
    ring[ringAt] = p;
    ringAt = ringAt + 1 === ring.length ? 0 : ringAt + 1;
  }

  function onAnswers(results: Answer[]): void {
    const batch = queue[0];
    if (batch === undefined || sentOnChannel === 0) {
      onFailed(Object.assign(new Error('the server answered a batch that was not sent'), { fatal: true }));
      return;
    }
    if (results.length !== batch.length) {
      onFailed(
        Object.assign(new Error(`the server answered ${results.length} items for a batch of ${batch.length}`), {
          fatal: true,
        }),
      );
      return;
    }
    queue.shift();
    sentOnChannel--;
    failures = 0;
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i] as Pending;
      const a = results[i] as Answer;
      p.answer = a;
      remember(p);
      (p.target as AnswerTarget).answered(p.index, a, false);
      p.target = undefined;
      const more = p.more;
      if (more !== undefined) {
        p.more = undefined;
        for (let j = 0; j < more.length; j += 2) (more[j] as AnswerTarget).answered(more[j + 1] as number, a, true);
      }
    }
    pump();
    settle();
  }

  function onFailed(err: Error & { fatal?: boolean }): void {
    channelId++; // later events of this channel are ignored
    const broken = channel;
    channel = undefined;
    broken?.close();
    if (closed) return;
    if (err.fatal) {
      fatal = err;
      settle();
      return;
    }
    stats.reconnects++;
    stats.resentBatches += sentOnChannel;
    sentOnChannel = 0;
    const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** failures) * (1 + Math.random() * 0.2);
    failures++;
    opts.onRetry?.(err, Math.round(delay));
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      pump();
    }, delay);
  }

  function flush(): void {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (current.length === 0) return;
    queue.push(current);
    stats.batches++;
    current = [];
    pump();
  }

  function addFor(value: string, type: WatchType | undefined, target: AnswerTarget, index: number): void {
    if (fatal !== undefined) throw fatal;
    const map = values[type === undefined ? 0 : TYPE_SLOTS[type]] as Map<string, Pending>;
    const known = map.get(value);
    if (known !== undefined) {
      stats.deduplicated++;
      if (known.answer === undefined) {
        if (known.more === undefined) known.more = [target, index];
        else known.more.push(target, index);
      } else target.answered(index, known.answer, true);
      return;
    }
    const p = new Pending(value, type, map, target, index);
    map.set(value, p);
    current.push(p);
    stats.sent++;
    if (current.length >= opts.batchSize) flush();
    else if (timer === undefined) timer = setTimeout(flush, opts.flushMs);
  }

  return {
    stats,
    get full() {
      return isFull();
    },
    addFor,
    add(item, done) {
      addFor(item.value, item.type, new CallbackTarget(done), 0);
    },
    room() {
      if (fatal !== undefined) return Promise.reject(fatal);
      if (!isFull()) return Promise.resolve();
      return new Promise((resolve, reject) => roomWaiters.push({ resolve, reject }));
    },
    drain() {
      flush();
      if (fatal !== undefined) return Promise.reject(fatal);
      if (queue.length === 0) return Promise.resolve();
      return new Promise((resolve, reject) => drainWaiters.push({ resolve, reject }));
    },
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      channel?.close();
      channel = undefined;
    },
  };
}
