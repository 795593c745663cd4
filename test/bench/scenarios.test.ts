import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { echoOf, loadgenArgs, modelPlan, plan, scenarioId, selectRuns } from '../../src/bench/scenarios';

const TIMING = { warmupSec: 2, measureSec: 8 };
const DATA = { tranco: 'tranco.txt', urls: 'urls.txt' };

// The domain ids from before URLs and IPs were measured: `--only`, the README and scripts use them.
const DOMAIN_IDS = [
  'echo/stream-unique-b1',
  'echo/stream-unique-b100',
  'echo/stream-unique-b1000',
  'echo/unary-c1',
  'echo/unary-c16',
  'echo/unary-c64',
  'real/stream-unique-b1/full',
  'real/stream-unique-b100/full',
  'real/stream-unique-b1000/full',
  'real/stream-hot-b1000/full',
  'real/stream-repeat-b1000/full',
  'real/unary-c1/full',
  'real/unary-c16/full',
  'real/unary-c64/full',
  'real/stream-unique-b1/compact',
  'real/stream-unique-b100/compact',
  'real/stream-unique-b1000/compact',
  'real/stream-hot-b1000/compact',
  'real/stream-repeat-b1000/compact',
  'real/unary-c1/compact',
  'real/unary-c16/compact',
  'real/unary-c64/compact',
];

describe('bench scenarios', () => {
  it('keeps the domain ids and counter ranges, and adds the URL, IP and mixed streams after them', () => {
    const all = plan();
    assert.deepEqual(
      all.filter((s) => s.kind === 'domain').map((s) => s.id),
      DOMAIN_IDS,
    );
    assert.deepEqual(
      all.filter((s) => s.kind === 'domain').map((s) => s.offset),
      DOMAIN_IDS.map((_, i) => i + 1),
    );
    assert.deepEqual(
      all.filter((s) => s.kind !== 'domain').map((s) => [s.id, s.offset, s.batch, s.window, s.workers]),
      [
        ['echo/url/stream-unique-b1000', 23, 1000, 4, 4],
        ['real/url/stream-unique-b1000/full', 24, 1000, 4, 4],
        ['real/url/stream-unique-b1000/compact', 25, 1000, 4, 4],
        ['echo/ip/stream-unique-b1000', 26, 1000, 4, 4],
        ['real/ip/stream-unique-b1000/full', 27, 1000, 4, 4],
        ['real/ip/stream-unique-b1000/compact', 28, 1000, 4, 4],
        ['echo/mixed/stream-unique-b1000', 29, 1000, 4, 4],
        ['real/mixed/stream-unique-b1000/full', 30, 1000, 4, 4],
        ['real/mixed/stream-unique-b1000/compact', 31, 1000, 4, 4],
      ],
    );
    assert.equal(new Set(all.map((s) => s.id)).size, all.length, 'ids are unique');
    assert.equal(new Set(all.map((s) => s.offset)).size, all.length, 'counter ranges are unique');
  });

  it('pairs every real scenario with an echo scenario of its kind and shape', () => {
    const ids = new Set(plan().map((s) => s.id));
    const pairs = plan()
      .filter((s) => s.server === 'real')
      .map((s) => [s.id, echoOf(s)]);
    for (const [, echo] of pairs) assert.ok(ids.has(echo as string), `${echo} is planned`);
    const of = new Map(pairs as [string, string][]);
    assert.equal(of.get('real/url/stream-unique-b1000/full'), 'echo/url/stream-unique-b1000');
    assert.equal(of.get('real/ip/stream-unique-b1000/compact'), 'echo/ip/stream-unique-b1000');
    assert.equal(of.get('real/stream-hot-b1000/full'), 'echo/stream-unique-b1000', 'the echo has no hot set');
    assert.equal(of.get('real/unary-c64/compact'), 'echo/unary-c64');
  });

  it('names the kind in ids only for URLs and IPs', () => {
    const s = { rpc: 'stream', names: 'unique', batch: 1000, workers: 4, view: 'compact' } as const;
    assert.equal(scenarioId({ ...s, server: 'real', kind: 'domain' }), 'real/stream-unique-b1000/compact');
    assert.equal(scenarioId({ ...s, server: 'real', kind: 'ip' }), 'real/ip/stream-unique-b1000/compact');
    assert.equal(scenarioId({ ...s, server: 'echo', kind: 'url' }), 'echo/url/stream-unique-b1000');
  });

  it('gives the load generator -kind and the data files its values need', () => {
    const args = (id: string, data = DATA) => {
      const s = plan().find((x) => x.id === id);
      assert.ok(s, id);
      return loadgenArgs(s, '127.0.0.1:1', TIMING, data).join(' ');
    };
    assert.equal(
      args('real/stream-unique-b1000/full'),
      'stream -addr 127.0.0.1:1 -batch 1000 -names unique -view full -streams 4 -window 4 -warmup 2s -duration 8s -offset 9 -tranco tranco.txt',
    );
    assert.equal(
      args('real/url/stream-unique-b1000/compact'),
      'stream -addr 127.0.0.1:1 -batch 1000 -names unique -view compact -streams 4 -window 4 -warmup 2s -duration 8s -offset 25 -kind url -urls urls.txt',
    );
    // Without real URLs the generated ones take their hosts from the Tranco list.
    assert.match(args('echo/url/stream-unique-b1000', { tranco: 't.txt', urls: '' }), / -kind url -tranco t\.txt$/);
    assert.match(args('real/ip/stream-unique-b1000/full'), / -offset 27 -kind ip$/);
    assert.match(args('real/unary-c1/full', { tranco: '', urls: '' }), / -offset 12$/);
  });

  it('plans the model ceiling of every kind and view, one batch and 4 at a time, after the old offsets', () => {
    const runs = modelPlan();
    assert.deepEqual(
      runs.map((r) => `${r.offset} ${r.id} ${r.inFlight}`),
      [
        '101 model/full 1',
        '102 model/full 4',
        '103 model/compact 1',
        '104 model/compact 4',
        '105 model/url/full 1',
        '106 model/url/full 4',
        '107 model/url/compact 1',
        '108 model/url/compact 4',
        '109 model/ip/full 1',
        '110 model/ip/full 4',
        '111 model/ip/compact 1',
        '112 model/ip/compact 4',
      ],
    );
  });

  it('selects by id with --only: a kind brings its model ceilings, "model" all of them', () => {
    const ids = (only: RegExp | undefined) => {
      const { scenarios, modelRuns } = selectRuns(only);
      return [...scenarios.map((s) => s.id), ...new Set(modelRuns.map((r) => r.id))];
    };
    assert.deepEqual(ids(/url/), [
      'echo/url/stream-unique-b1000',
      'real/url/stream-unique-b1000/full',
      'real/url/stream-unique-b1000/compact',
      'model/url/full',
      'model/url/compact',
    ]);
    assert.deepEqual(ids(/ip/), [
      'echo/ip/stream-unique-b1000',
      'real/ip/stream-unique-b1000/full',
      'real/ip/stream-unique-b1000/compact',
      'model/ip/full',
      'model/ip/compact',
    ]);
    assert.deepEqual(ids(/model/), [
      'model/full',
      'model/compact',
      'model/url/full',
      'model/url/compact',
      'model/ip/full',
      'model/ip/compact',
    ]);
    assert.deepEqual(ids(/echo|unary-c1\//), [
      'echo/stream-unique-b1',
      'echo/stream-unique-b100',
      'echo/stream-unique-b1000',
      'echo/unary-c1',
      'echo/unary-c16',
      'echo/unary-c64',
      'real/unary-c1/full',
      'real/unary-c1/compact',
      'echo/url/stream-unique-b1000',
      'echo/ip/stream-unique-b1000',
      'echo/mixed/stream-unique-b1000',
    ]);
    assert.deepEqual(ids(/mixed/), [
      'echo/mixed/stream-unique-b1000',
      'real/mixed/stream-unique-b1000/full',
      'real/mixed/stream-unique-b1000/compact',
    ]);
    assert.equal(ids(undefined).length, 31 + 6);
  });
});
