import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { Client, credentials } from '@grpc/grpc-js';
import type { GetModelResponse } from '../../src/gen/threatpredict/v1/model_service';
import { IndicatorType, ResultView } from '../../src/gen/threatpredict/v1/prediction';
import {
  PredictDomainsRequest,
  PredictDomainsResponse,
  PredictIpsRequest,
  PredictRequest,
  PredictUrlsRequest,
  StreamPredictUrlsRequest,
} from '../../src/gen/threatpredict/v1/prediction_service';
import { decodeRawBatch } from '../../src/server/raw-batch';
import { call, rawPredictionCall, startTestServer, type TestServer } from '../helpers/server';

const bytesOf = (req: PredictDomainsRequest) => Buffer.from(PredictDomainsRequest.encode(req).finish());

function rawDecoded(b: Buffer) {
  const raw = decodeRawBatch(b);
  assert.ok(raw !== undefined, 'the fast decoder takes a well-formed request');
  return { items: raw.items, view: raw.view };
}

describe('decodeRawBatch', () => {
  it('decodes what the generated encoder writes exactly as the generated decoder does', () => {
    const items = [
      { id: '1', value: 'example.com' },
      { id: '', value: '' },
      { id: 'ünïcödé', value: 'bücher.de' },
      { id: 'x'.repeat(300), value: `${'a'.repeat(63)}.com` },
      ...Array.from({ length: 500 }, (_, i) => ({ id: String(i), value: `n${i}.example` })),
    ];
    for (const view of [
      ResultView.RESULT_VIEW_UNSPECIFIED,
      ResultView.RESULT_VIEW_FULL,
      ResultView.RESULT_VIEW_COMPACT,
    ]) {
      const b = bytesOf({ items, view });
      assert.deepEqual(rawDecoded(b), PredictDomainsRequest.decode(b));
    }
    assert.deepEqual(rawDecoded(Buffer.alloc(0)), { items: [], view: 0 });
    // URL requests have the same shape.
    const u = Buffer.from(
      StreamPredictUrlsRequest.encode({ items: [{ id: 'u', value: 'http://a.b/c' }], view: 2 }).finish(),
    );
    assert.deepEqual(rawDecoded(u), StreamPredictUrlsRequest.decode(u));
  });

  it('skips unknown fields and keeps the last of a repeated scalar, like the generated decoder', () => {
    const w = new BinaryWriter();
    w.uint32((9 << 3) | 0).uint64(123456789012345n); // unknown varint at the top
    w.uint32(10).fork();
    w.uint32(10).string('first-id');
    w.uint32((7 << 3) | 1).fixed64(1n); // unknown fixed64 inside an item
    w.uint32(18).string('a.example');
    w.uint32((8 << 3) | 5).fixed32(7); // unknown fixed32
    w.uint32((6 << 3) | 2).bytes(new Uint8Array([1, 2, 3])); // unknown length-delimited
    w.uint32(10).string('last-id'); // the id again: the last one wins
    w.join();
    w.uint32(16).int32(2);
    w.uint32(16).int32(1); // view again: the last one wins
    const b = Buffer.from(w.finish());
    assert.deepEqual(rawDecoded(b), PredictDomainsRequest.decode(b));
    assert.equal(rawDecoded(b).items[0]?.id, 'last-id');
  });

  it('leaves an IP request with observed_at to the generated decoder, which keeps it', () => {
    const plain = Buffer.from(PredictIpsRequest.encode({ items: [{ id: 'a', value: '8.8.8.8' }], view: 0 }).finish());
    assert.deepEqual(decodeRawBatch(plain, 3)?.items, [{ id: 'a', value: '8.8.8.8' }]);
    const observedAt = new Date('2026-12-07T12:00:00Z');
    const observed = Buffer.from(
      PredictIpsRequest.encode({
        items: [
          { id: 'a', value: '8.8.8.8' },
          { id: 'b', value: '1.1.1.1', observedAt },
        ],
        view: 0,
      }).finish(),
    );
    assert.equal(decodeRawBatch(observed, 3), undefined, "field 3 is the handler's");
    assert.equal(decodeRawBatch(observed)?.count, 2, 'skipped as unknown when no field is named');
  });

  it("decodes Predict's IndicatorItems with their asserted types, as the generated decoder does", () => {
    const items = [
      { id: 'a', value: 'example.com', type: IndicatorType.INDICATOR_TYPE_DOMAIN },
      { id: 'b', value: 'http://x.example/', type: IndicatorType.INDICATOR_TYPE_UNSPECIFIED },
      { id: 'c', value: '8.8.8.8', type: IndicatorType.INDICATOR_TYPE_IP },
      { id: 'd', value: 'x', type: 4000 as IndicatorType }, // unknown to this version: kept as the number
      ...Array.from({ length: 300 }, (_, i) => ({ id: String(i), value: `n${i}.example`, type: i % 8 })),
    ];
    const b = Buffer.from(PredictRequest.encode({ items, view: ResultView.RESULT_VIEW_COMPACT }).finish());
    const raw = decodeRawBatch(b, 4, 3);
    assert.ok(raw?.types !== undefined);
    assert.deepEqual({ items: raw.items, view: raw.view }, PredictRequest.decode(b));
    assert.deepEqual([...raw.types.subarray(0, 4)], [1, 0, 3, 4000]);
    // The type again (the last wins), and field 3 with another wire type (skipped by both decoders).
    const w = new BinaryWriter();
    w.uint32(10).fork();
    w.uint32(10).string('i');
    w.uint32(18).string('example.com');
    w.uint32(24).int32(IndicatorType.INDICATOR_TYPE_URL);
    w.uint32((3 << 3) | 2).bytes(new Uint8Array([9]));
    w.uint32(24).int32(IndicatorType.INDICATOR_TYPE_DOMAIN);
    w.join();
    const odd = Buffer.from(w.finish());
    assert.deepEqual(decodeRawBatch(odd, 4, 3)?.items, PredictRequest.decode(odd).items);
    // observed_at, or a negative type (a 10-byte varint): the generated decoder's.
    const observed = Buffer.from(
      PredictRequest.encode({ items: [{ ...items[0]!, observedAt: new Date(0) }], view: 0 }).finish(),
    );
    assert.equal(decodeRawBatch(observed, 4, 3), undefined);
    const negative = Buffer.from(
      PredictRequest.encode({ items: [{ ...items[0]!, type: -1 as IndicatorType }], view: 0 }).finish(),
    );
    assert.equal(decodeRawBatch(negative, 4, 3), undefined);
    // Without the type field named, a typed batch keeps no types.
    assert.equal(decodeRawBatch(bytesOf({ items: [{ id: '1', value: 'a.b' }], view: 0 }))?.types, undefined);
  });

  it('leaves malformed or unusual input to the generated decoder', () => {
    const good = bytesOf({ items: [{ id: '1', value: 'example.com' }], view: 0 });
    const cases: [string, Buffer][] = [
      ['truncated item', good.subarray(0, good.length - 3)],
      ['truncated varint', Buffer.from([0x0a, 0x80])],
      ['tag 0', Buffer.from([0x00])],
      ['start group', Buffer.from([(5 << 3) | 3])],
      [
        'negative view (10-byte varint)',
        Buffer.from(PredictDomainsRequest.encode({ items: [], view: -1 as ResultView }).finish()),
      ],
    ];
    for (const [what, b] of cases) assert.equal(decodeRawBatch(b), undefined, what);
  });
});

describe('raw batches end to end', () => {
  let t: TestServer;
  let raw: Client;
  before(async () => {
    t = await startTestServer();
    raw = new Client(t.address, credentials.createInsecure());
  });
  after(async () => {
    raw.close();
    await t.close();
  });

  /** PredictDomains with the reply's bytes as they came off the wire. */
  function predictBytes(req: PredictDomainsRequest): Promise<Buffer> {
    return rawPredictionCall(raw, 'PredictDomains', bytesOf(req));
  }

  it('answers repeats from the cache with the same bytes as the first answer, under their own ids', async () => {
    const names = ['paypa1-secure-login.com', 'google.com', 'xkqjzvbwpt.info', 'a..b', 'bücher.de', 'www.github.com'];
    const cache = t.app.repository.serving('domain')?.cache;
    assert.ok(cache !== undefined);
    for (const view of [ResultView.RESULT_VIEW_FULL, ResultView.RESULT_VIEW_COMPACT, ResultView.RESULT_VIEW_FULL]) {
      const items = names.map((value, i) => ({ id: `r1-${i}`, value }));
      const first = await predictBytes({ items, view });
      // Stored on the second request (admission), answered from the cache from the third on.
      assert.deepEqual(await predictBytes({ items, view }), first);
      const hits: number = cache.stats().hits;
      assert.deepEqual(await predictBytes({ items, view }), first, 'a repeat is byte for byte the first answer');
      assert.equal(cache.stats().hits, hits + names.length, 'every repeat was a cache hit');

      // Other ids (one not ASCII, which takes the decoded path), the same answers.
      const ids = names.map((_, i) => (i === 2 ? `ïd-${i}` : `other-${i}`));
      const again = PredictDomainsResponse.decode(
        await predictBytes({ items: names.map((value, i) => ({ id: ids[i] as string, value })), view }),
      );
      const want = PredictDomainsResponse.decode(first);
      assert.deepEqual(
        again.results,
        want.results.map((r, i) => ({ ...r, id: ids[i] })),
      );
    }
  });

  it('answers URL repeats from the cache too, byte for byte', async () => {
    const req = {
      items: ['http://paypa1-login.example.com/verify.php', 'https://github.com/nodejs/node', 'nonsense'].map(
        (value, i) => ({ id: `u${i}`, value }),
      ),
      view: ResultView.RESULT_VIEW_FULL,
    };
    const bytes = Buffer.from(PredictUrlsRequest.encode(req).finish());
    const ask = () => rawPredictionCall(raw, 'PredictUrls', bytes);
    const cache = t.app.repository.serving('url')?.cache;
    assert.ok(cache !== undefined);
    const first = await ask();
    assert.deepEqual(await ask(), first); // stored now
    const hits: number = cache.stats().hits;
    assert.deepEqual(await ask(), first);
    assert.equal(cache.stats().hits, hits + 3);
  });

  it("reports the serving version's cache statistics through GetModel", async () => {
    const stats = t.app.repository.serving('domain')?.cache?.stats();
    const res = await call<object, GetModelResponse>((r, cb) => t.models.getModel(r as never, cb), { name: 'domain' });
    const serving = res.model?.versions.find((v) => v.version === res.model?.servingVersion);
    assert.ok(stats !== undefined && stats.hits > 0);
    assert.deepEqual(serving?.cache, { ...stats, hitRatio: stats.hits / (stats.hits + stats.misses) });
  });
});
