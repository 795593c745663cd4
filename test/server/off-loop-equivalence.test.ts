/**
 * The miss path on the pipeline workers (Scorer.answerOffLoop: parse, rules, features, model, reasons
 * and encoding on a worker thread) answers byte for byte what the event loop answers: two servers,
 * one with `--workers 2` and one with `--inference inline` (everything on the event loop, the path
 * before the workers), get the same requests in the same order and must send the same bytes. The
 * batches are large enough to go to a worker, and mix new, invalid, allow-listed, too-long and
 * duplicate values with ids of every shape; each is sent four times, so answers are fresh, stored in
 * the cache (admission on the second sighting) and repeated from it. Both views, every indicator type,
 * a model version pinned by ReloadModels, and geo databases replaced and reloaded (the workers open
 * the event loop's bytes, and must answer from the new ones).
 */
import assert from 'node:assert/strict';
import { copyFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, credentials } from '@grpc/grpc-js';
import { IndicatorType, ResultView } from '../../src/gen/threatpredict/v1/prediction';
import {
  PredictDomainsRequest,
  PredictRequest,
  PredictResponse,
} from '../../src/gen/threatpredict/v1/prediction_service';
import { GEO_FIXTURES, testGeoipDir } from '../helpers/geoip-dir';
import { rawPredictionCall, startTestServer, type TestServer } from '../helpers/server';

/** Ids: plain, empty, not ASCII (looked up and answered as misses), long. */
const idOf = (i: number) => [`id-${i}`, '', `ïd-${i}`, `long-${'z'.repeat(200)}-${i}`][i % 4] as string;

function names(prefix: string, n: number): string[] {
  const tlds = ['com', 'xyz', 'info', 'ru', 'top', 'net'];
  return Array.from({ length: n }, (_, i) => `${prefix}${(i * 7919).toString(36)}q${i}.${tlds[i % tlds.length]}`);
}

/** Batches per typed RPC, each of at least OFF_THREAD_MIN_ROWS items: many to score, and few. */
function batches(tag: string): Record<'domain' | 'url' | 'ip', string[][]> {
  const fresh = names(`${tag}paypa1-login-`, 24);
  const odd = ['google.com', 'www.github.com', 'bücher.de', 'xn--bcher-kva.de', 'a..b', '', '   ', 'x'.repeat(300)];
  return {
    domain: [
      // Many to score (more than OFF_THREAD_MIN_ROWS rows: onnxruntime), with duplicates.
      [...fresh, ...odd, fresh[0]!, fresh[1]!, fresh[0]!, 'go0gle.com', 'paypa1.com'],
      // Few to score (the walk in JavaScript), most answered by rules or refused.
      [
        ...odd,
        ...odd.map((v) => ` ${v}`),
        ...names(`${tag}few-`, 5),
        '\ud800broken.com',
        'microsoft.com',
        'amazon.co.uk',
      ],
    ],
    url: [
      [
        ...fresh.map((d, i) => `http://${d}/verify.php?acct=${i}`),
        'https://github.com/nodejs/node',
        'https://user:pw@bücher.de:8443/p/a?q=1#f',
        'http://192.168.1.1/admin',
        'javascript:void(0)',
        'nonsense',
        'https://drive.google.com/file/d/abc/view',
        `http://example.com/${'x'.repeat(9000)}`,
        `http://${fresh[2]}/verify.php?acct=2`,
      ],
    ],
    ip: [
      [
        // Valid IPv4 and IPv6, odd spellings, CIDR networks.
        '8.8.8.8',
        '1.1.1.1',
        '2001:4860:4860::8888',
        '185.220.101.1',
        ' 45.33.32.156 ',
        '::ffff:81.2.69.160',
        '2a03:2880:f10c:83:face:b00c:0:25de',
        '203.0.113.0/24',
        '185.220.100.0/22',
        '2001:db8::/32',
        '2a00:1450::/29',
        // Not globally routable: private, loopback, link-local, CGNAT, multicast, documentation, reserved.
        '10.0.0.1',
        '192.168.1.1',
        '127.0.0.1',
        '169.254.10.10',
        '100.64.1.1',
        '224.0.0.251',
        '192.0.2.44',
        '240.0.0.1',
        '::1',
        'fe80::1',
        'fc00::5',
        // Known services' published ranges (a rule answers them).
        '91.105.192.7',
        '2a0a:f280::1',
        '104.28.30.1',
        '34.22.85.3',
        // Invalid, empty, too long.
        '999.1.1.1',
        'not an ip',
        '1.2.3',
        '10.0.0.0/33',
        '',
        'x'.repeat(300),
        // Repeats within the batch.
        '8.8.8.8',
        '185.220.101.1',
        ...Array.from(
          { length: 16 },
          (_, i) => `${((i * 37) % 200) + 23}.${(i * 91) % 250}.${tag.length + i}.${i + 1}`,
        ),
      ],
    ],
  };
}

const RPC = { domain: 'PredictDomains', url: 'PredictUrls', ip: 'PredictIps' } as const;
const VIEWS = [ResultView.RESULT_VIEW_FULL, ResultView.RESULT_VIEW_COMPACT];

/** A `--workers 2` server and an `--inference inline` one, and how many batches a worker answered. */
interface Pair {
  workers: TestServer;
  inline: TestServer;
  toWorkers: Client;
  toInline: Client;
  /** Batches a worker answered (Scorer.answerOffLoop gave answers). */
  offLoop: number;
  /** Called just before each batch is offered to the workers. */
  beforeAnswer?: () => void;
  close(): Promise<void>;
}

async function startPair(extra: string[] = []): Promise<Pair> {
  const [workers, inline] = await Promise.all([
    startTestServer(['--workers', '2', ...extra]),
    startTestServer(['--inference', 'inline', ...extra]),
  ]);
  const toWorkers = new Client(workers.address, credentials.createInsecure());
  const toInline = new Client(inline.address, credentials.createInsecure());
  const pair: Pair = {
    workers,
    inline,
    toWorkers,
    toInline,
    offLoop: 0,
    async close() {
      toWorkers.close();
      toInline.close();
      await Promise.all([workers.close(), inline.close()]);
    },
  };
  const scorer = workers.app.scorer;
  const answer = scorer.answerOffLoop.bind(scorer);
  scorer.answerOffLoop = async (...args) => {
    pair.beforeAnswer?.();
    const answers = await answer(...args);
    if (answers !== undefined) pair.offLoop++;
    return answers;
  };
  return pair;
}

describe('the miss path on worker threads answers what the event loop answers, byte for byte', () => {
  let pair: Pair;
  let workers: TestServer;
  let toWorkers: Client;
  let toInline: Client;
  /** When set, a worker ends (as in a crash) just before the next batch is handed to it. */
  let crashNext = false;
  before(async () => {
    pair = await startPair();
    ({ workers, toWorkers, toInline } = pair);
    pair.beforeAnswer = () => {
      if (crashNext) {
        crashNext = false;
        // The worker an idle pool hands the batch to (the first) ends before it (protocol `exit`,
        // between messages): it dies holding the batch.
        workers.app.inference.workers?.()[0]?.postMessage({ type: 'exit', id: 0, code: 70 });
      }
    };
  });
  after(() => pair.close());

  /** Sends one request to both servers, four times, and compares every reply. */
  async function same(method: string, request: Buffer, what: string): Promise<PredictResponse> {
    let last: Buffer | undefined;
    for (let round = 1; round <= 4; round++) {
      const [got, want] = await Promise.all([
        rawPredictionCall(toWorkers, method, request),
        rawPredictionCall(toInline, method, request),
      ]);
      assert.ok(got.equals(want), `${what}, round ${round}: the bytes differ`);
      last = got;
    }
    return PredictResponse.decode(last!);
  }

  for (const kind of ['domain', 'url', 'ip'] as const) {
    it(`${RPC[kind]}: mixed batches, fresh, stored and cached, both views`, async () => {
      const before = pair.offLoop;
      for (const [b, values] of batches(kind)[kind].entries()) {
        const items = values.map((value, i) => ({ id: idOf(i), value }));
        for (const view of VIEWS) {
          const request = Buffer.from(PredictDomainsRequest.encode({ items, view }).finish());
          const res = await same(RPC[kind], request, `${kind} batch ${b} view ${view}`);
          assert.equal(res.results.length, items.length);
          assert.ok(
            res.results.some((r) => r.error !== undefined),
            'an invalid item',
          );
          assert.ok(
            res.results.some((r) => r.score === undefined && r.error === undefined),
            'an item a rule answered',
          );
          if (view === ResultView.RESULT_VIEW_FULL)
            assert.ok(
              res.results.some((r) => r.score !== undefined && r.reasons.length > 1),
              'a scored item with reasons',
            );
        }
      }
      assert.ok(pair.offLoop - before >= 2, `${kind}: batches were answered on a worker (${pair.offLoop - before})`);
    });
  }

  it('Predict (any type, detected or asserted) on both servers', async () => {
    const all = Object.values(batches('any')).flat(2);
    const items = [
      ...all.map((value, i) => ({ id: idOf(i), value, type: IndicatorType.INDICATOR_TYPE_UNSPECIFIED })),
      { id: 'e', value: 'someone@paypa1-login.com', type: IndicatorType.INDICATOR_TYPE_UNSPECIFIED },
      { id: 'h', value: 'd41d8cd98f00b204e9800998ecf8427e', type: IndicatorType.INDICATOR_TYPE_UNSPECIFIED },
      { id: 'm', value: 'http://x.example/', type: IndicatorType.INDICATOR_TYPE_DOMAIN },
    ];
    for (const view of VIEWS) {
      const request = Buffer.from(PredictRequest.encode({ items, view }).finish());
      await same('Predict', request, `Predict view ${view}`);
    }
  });

  it('a worker that dies holding a batch loses no answer', async () => {
    const items = batches('crash').domain[0]!.map((value, i) => ({ id: idOf(i), value }));
    const request = Buffer.from(PredictDomainsRequest.encode({ items, view: ResultView.RESULT_VIEW_FULL }).finish());
    const before = pair.offLoop;
    const old = [...(workers.app.inference.workers?.() ?? [])];
    crashNext = true;
    await same('PredictDomains', request, 'through a crash');
    assert.equal(crashNext, false, 'a batch was handed over, and a worker stopped');
    assert.ok(pair.offLoop - before >= 1, 'answered by a worker after all');
    const now = workers.app.inference.workers?.() ?? [];
    assert.equal(now.length, 2);
    assert.ok(!now.includes(old[0]!) && now.includes(old[1]!), 'the worker that died was replaced');
    assert.equal(workers.app.inference.failure(), undefined);
  });

  it('a version pinned by ReloadModels answers on the workers too', async () => {
    const pin = new Map([
      ['domain', 1],
      ['ip', 1],
    ]);
    await Promise.all([pair.workers.app.repository.reload(pin), pair.inline.app.repository.reload(pin)]);
    try {
      const before = pair.offLoop;
      for (const kind of ['domain', 'ip'] as const) {
        const items = batches('pinned')[kind][0]!.map((value, i) => ({ id: idOf(i), value }));
        for (const view of VIEWS) {
          const request = Buffer.from(PredictDomainsRequest.encode({ items, view }).finish());
          const res = await same(RPC[kind], request, `pinned ${kind} v1, view ${view}`);
          const versions = new Set(res.results.filter((r) => r.model !== undefined).map((r) => r.model!.version));
          assert.deepEqual([...versions], [1], 'the pinned version answered');
        }
      }
      assert.ok(pair.offLoop - before >= 4, 'on a worker');
    } finally {
      const newest = new Map([
        ['domain', 0],
        ['ip', 0],
      ]);
      await Promise.all([pair.workers.app.repository.reload(newest), pair.inline.app.repository.reload(newest)]);
    }
  });
});

describe('geo databases replaced and reloaded reach the workers', () => {
  // One directory both servers watch: a file replaced there is what both reload.
  const dir = testGeoipDir();
  let pair: Pair;
  before(async () => {
    pair = await startPair(['--geoip', dir]);
  });
  after(async () => {
    await pair.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Addresses the test databases know (London, Telstra's ASN ...), and others, each batch new to the cache. */
  const batch = (round: number) =>
    [
      '81.2.69.160',
      '81.2.69.142',
      '1.128.0.1',
      '2.125.160.216',
      '89.160.20.112',
      '216.160.83.56',
      '2001:218::1',
      '10.0.0.1',
      'bad',
      ...Array.from({ length: 16 }, (_, i) => `81.2.69.${(i * 13 + round) % 250}`),
    ].map((value, i) => ({ id: `${round}-${i}`, value }));

  async function bothAnswer(round: number): Promise<PredictResponse> {
    const request = Buffer.from(
      PredictDomainsRequest.encode({ items: batch(round), view: ResultView.RESULT_VIEW_FULL }).finish(),
    );
    const [got, want] = await Promise.all([
      rawPredictionCall(pair.toWorkers, 'PredictIps', request),
      rawPredictionCall(pair.toInline, 'PredictIps', request),
    ]);
    assert.ok(got.equals(want), `round ${round}: the bytes differ`);
    return PredictResponse.decode(got);
  }

  it('answers from the new databases on the workers as on the event loop', async () => {
    const before = pair.offLoop;
    const first = await bothAnswer(1);
    assert.equal(first.results[0]?.ip?.city, 'London');
    // Replaced as geoipupdate does (a new file renamed over the old one), then reloaded (SIGHUP).
    copyFileSync(join(GEO_FIXTURES, 'GeoLite2-Country-Test.mmdb'), join(dir, 'next.mmdb'));
    renameSync(join(dir, 'next.mmdb'), join(dir, 'GeoLite2-City.mmdb'));
    const reloaded = await Promise.all([pair.workers.app.geo.reload(), pair.inline.app.geo.reload()]);
    assert.ok(reloaded.every((r) => r.ok));
    // Every worker has the new databases now, not at its next IP request: one that gets none would
    // otherwise keep the replaced ones alive (so would the pool's record of what it sent).
    const now = pair.workers.app.geo.share();
    assert.ok(now !== undefined);
    assert.deepEqual(
      pair.workers.app.inference.sharedWith?.('ip').map((s) => s === now),
      [true, true],
      'each worker was sent the reloaded databases',
    );
    // The same batch again (its answers are in the cache of the old databases), and a new one.
    for (const round of [1, 2]) {
      const res = await bothAnswer(round);
      assert.equal(res.results[0]?.ip?.countryCode, 'GB', 'the country database answers');
      assert.equal(res.results[0]?.ip?.city, '', 'and has no cities');
    }
    assert.equal(pair.offLoop - before, 3, 'every batch was answered on a worker');
  });
});
