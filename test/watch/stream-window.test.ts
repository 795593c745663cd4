/**
 * The stream window against a scripted transport: batches by size and by time, at most `window` in
 * flight, repeats shared, and after a broken stream every unanswered batch is sent again, in order,
 * with nothing answered twice (not even by a late answer on the broken stream).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Answer } from '../../src/watch/answer';
import { createStreamWindow } from '../../src/watch/stream-window';
import type { ChannelEvents, Transport, WireItem } from '../../src/watch/transport';

interface FakeChannel {
  events: ChannelEvents;
  sent: WireItem[][];
  closed: boolean;
}

function fakeTransport(): Transport & { channels: FakeChannel[] } {
  const channels: FakeChannel[] = [];
  return {
    channels,
    open(events) {
      const ch: FakeChannel = { events, sent: [], closed: false };
      channels.push(ch);
      return {
        // Copied as plain items: the window hands over its own per-value objects.
        send: (items) =>
          ch.sent.push(
            items.map((it) => (it.type === undefined ? { value: it.value } : { value: it.value, type: it.type })),
          ),
        close: () => {
          ch.closed = true;
        },
      };
    },
    close: async () => {},
  };
}

const answer = (v: string): Answer => ({
  indicator: v,
  type: 'domain',
  verdict: 'benign',
  score: 0.1,
  model: 'domain/1',
  reasons: [],
  error: undefined,
});

function answerBatch(ch: FakeChannel, i: number): void {
  ch.events.answers((ch.sent[i] as WireItem[]).map((it) => answer(it.value)));
}

test('stream window: batches by size, bounded window, repeats answered once', async () => {
  const t = fakeTransport();
  const w = createStreamWindow({ transport: t, batchSize: 3, flushMs: 10_000, window: 2, recentAnswers: 0 });
  const got: [string, boolean][] = [];
  const add = (v: string) => w.add({ value: v, type: 'domain' }, (a, d) => got.push([a.indicator, d]));
  for (const v of ['a', 'b', 'a', 'c', 'd']) add(v); // 'a' again while in flight: not sent again
  assert.deepEqual(t.channels[0]?.sent, [['a', 'b', 'c'].map((value) => ({ value, type: 'domain' }))]);
  for (const v of ['e', 'f', 'g', 'h']) add(v);
  assert.equal(w.full, true, 'two batches wait for answers');
  assert.equal(t.channels[0]?.sent.length, 2);
  for (const v of ['i', 'j']) add(v); // a third full batch queues, unsent
  assert.equal(t.channels[0]?.sent.length, 2, 'never more than the window in flight');
  answerBatch(t.channels[0]!, 0);
  assert.equal(t.channels[0]?.sent.length, 3, 'an answer makes room for the queued batch');
  assert.deepEqual(got, [
    ['a', false],
    ['a', true],
    ['b', false],
    ['c', false],
  ]);
  assert.equal(w.stats.deduplicated, 1);
  assert.equal(w.stats.sent, 10);
  w.close();
});

test('stream window: a quiet sensor gets its partial batch sent after flushMs', async () => {
  const t = fakeTransport();
  const w = createStreamWindow({ transport: t, batchSize: 1000, flushMs: 20, window: 4, recentAnswers: 0 });
  w.add({ value: 'quiet.example' }, () => {});
  assert.equal(t.channels.length, 0);
  await sleep(60);
  assert.deepEqual(t.channels[0]?.sent, [[{ value: 'quiet.example' }]]);
  w.close();
});

test('stream window: after a broken stream, every unanswered batch is sent again in order, each answered once', async () => {
  const t = fakeTransport();
  const retries: number[] = [];
  const w = createStreamWindow({
    transport: t,
    batchSize: 2,
    flushMs: 10_000,
    window: 3,
    recentAnswers: 0,
    backoff: { initialMs: 5, maxMs: 20 },
    onRetry: (_e, ms) => retries.push(ms),
  });
  const got: string[] = [];
  for (let i = 0; i < 10; i++) w.add({ value: `v${i}` }, (a) => got.push(a.indicator));
  const first = t.channels[0]!;
  assert.equal(first.sent.length, 3);
  answerBatch(first, 0); // v0 v1 answered; v2..v9 are not
  assert.equal(first.sent.length, 4);
  first.events.failed(new Error('UNAVAILABLE: connection reset'));
  assert.equal(first.closed, true);
  answerBatch(first, 1); // a late answer on the broken stream must not count
  assert.deepEqual(got, ['v0', 'v1']);
  // The reconnect fails too: backoff grows, and the batches wait.
  await sleep(40);
  const second = t.channels[1]!;
  assert.deepEqual(
    second.sent.map((b) => b.map((x) => x.value)),
    [
      ['v2', 'v3'],
      ['v4', 'v5'],
      ['v6', 'v7'],
    ],
  );
  second.events.failed(new Error('UNAVAILABLE: connection refused'));
  await sleep(60);
  const third = t.channels[2]!;
  assert.equal(third.sent.length, 3, 'the same three batches again, window-bounded');
  const drained = w.drain();
  for (let i = 0; i < 4; i++) answerBatch(third, i);
  await drained;
  assert.deepEqual(got, ['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8', 'v9']);
  assert.equal(w.stats.reconnects, 2);
  assert.equal(w.stats.resentBatches, 6);
  assert.ok((retries[1] as number) > (retries[0] as number) * 1.5, `backoff grows: ${retries}`);
  w.close();
});

test('stream window: an answer with the wrong number of results is fatal, not silently misjoined', async () => {
  const t = fakeTransport();
  const w = createStreamWindow({ transport: t, batchSize: 2, flushMs: 10_000, window: 2, recentAnswers: 0 });
  w.add({ value: 'a' }, () => {});
  w.add({ value: 'b' }, () => {});
  const drained = w.drain();
  t.channels[0]!.events.answers([answer('a')]);
  await assert.rejects(drained, /answered 1 items for a batch of 2/);
  w.close();
});

test('stream window: recent answers answer repeats without asking', () => {
  const t = fakeTransport();
  const w = createStreamWindow({ transport: t, batchSize: 1, flushMs: 10_000, window: 4, recentAnswers: 2 });
  const got: [string, boolean][] = [];
  w.add({ value: 'a' }, (a, d) => got.push([a.indicator, d]));
  answerBatch(t.channels[0]!, 0);
  w.add({ value: 'a' }, (a, d) => got.push([a.indicator, d]));
  assert.deepEqual(got, [
    ['a', false],
    ['a', true],
  ]);
  assert.equal(t.channels[0]?.sent.length, 1);
  w.close();
});

test('stream window: repeats are per type, and a value asked again once its recent answer was evicted', () => {
  const t = fakeTransport();
  const w = createStreamWindow({ transport: t, batchSize: 1, flushMs: 10_000, window: 8, recentAnswers: 2 });
  const got: [string, boolean][] = [];
  const add = (value: string, type?: 'domain' | 'ip') =>
    w.add({ value, type }, (a, d) => got.push([`${a.indicator}/${type ?? '-'}`, d]));
  add('a', 'domain');
  add('a', 'ip'); // another type: a different question
  add('a'); // no type: another again
  add('a', 'domain'); // in flight: shared
  assert.equal(t.channels[0]?.sent.length, 3);
  for (let i = 0; i < 3; i++) answerBatch(t.channels[0]!, i);
  // Recent answers hold the last two (a/ip, a/-): a/domain was evicted and is asked again.
  add('a', 'ip');
  add('a', 'domain');
  assert.equal(t.channels[0]?.sent.length, 4);
  answerBatch(t.channels[0]!, 3);
  add('a', 'domain');
  assert.deepEqual(got, [
    ['a/domain', false],
    ['a/domain', true],
    ['a/ip', false],
    ['a/-', false],
    ['a/ip', true],
    ['a/domain', false],
    ['a/domain', true],
  ]);
  assert.equal(w.stats.sent, 4);
  assert.equal(w.stats.deduplicated, 3);
  w.close();
});
