/**
 * serveStream's limits with a stand-in for the grpc-js call: how many requests it scores at once and
 * when it stops reading, by the items they carry. (Over gRPC: test/server/streams.test.ts.)
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { ServerDuplexStream } from '@grpc/grpc-js';
import pino from 'pino';
import { serveStream } from '../../src/server/stream';

class FakeCall extends EventEmitter {
  writableLength = 0;
  paused = false;
  written: number[] = [];
  ended = false;
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
  write(res: number) {
    this.written.push(res);
    return true;
  }
  end() {
    this.ended = true;
  }
}

interface Req {
  n: number;
  items: number;
}

/** A stream whose handler waits until the test settles each request. */
function harness(sized: boolean) {
  const call = new FakeCall();
  const started: number[] = [];
  const settle = new Map<number, () => void>();
  const handle = (req: Req) =>
    new Promise<number>((resolve) => {
      started.push(req.n);
      settle.set(req.n, () => resolve(req.n));
    });
  serveStream(
    call as unknown as ServerDuplexStream<Req, number>,
    handle,
    pino({ level: 'silent' }),
    sized ? (req) => req.items : undefined,
  );
  const send = (count: number, items: number) => {
    const base = started.length + call.written.length + 1000 * count;
    for (let i = 0; i < count; i++) call.emit('data', { n: base + i, items });
  };
  return { call, started, settle, send };
}

const turn = () => new Promise((r) => setImmediate(r));

describe('serveStream limits', () => {
  it('scores up to 32 one-item requests at once and answers them in request order', async () => {
    const h = harness(true);
    h.send(40, 1);
    assert.equal(h.started.length, 32);
    assert.equal(h.call.paused, false, '40 small requests are read on');
    const order = [...h.started];
    // Finished in reverse order, written in request order; the rest start as room frees up.
    for (const n of [...order].reverse()) h.settle.get(n)?.();
    await turn();
    assert.equal(h.started.length, 40);
    for (const n of h.started.slice(32)) h.settle.get(n)?.();
    h.call.emit('end');
    await turn();
    assert.deepEqual(h.call.written, h.started);
    assert.deepEqual(
      h.call.written,
      [...h.call.written].sort((a, b) => a - b),
    );
    assert.equal(h.call.ended, true);
  });

  it('stops reading at 64 small requests waiting', () => {
    const h = harness(true);
    h.send(64, 1);
    assert.equal(h.call.paused, true);
  });

  it('scores two batches of 1000 at once and stops reading at four', () => {
    const h = harness(true);
    h.send(3, 1000);
    assert.equal(h.started.length, 2);
    assert.equal(h.call.paused, false);
    h.send(1, 1000);
    assert.equal(h.call.paused, true);
  });

  it('counts every request as large without a size (emails)', () => {
    const h = harness(false);
    h.send(4, 1);
    assert.equal(h.started.length, 2);
    assert.equal(h.call.paused, true);
  });

  it('starts one request at a time while answers wait in the write buffer', () => {
    const h = harness(true);
    h.call.writableLength = 1;
    h.send(10, 1);
    assert.equal(h.started.length, 1);
  });
});
