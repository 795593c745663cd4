/**
 * The responses the server writes (answers encoded straight into one buffer, src/server/wire.ts) are
 * byte for byte what the generated encoder writes for the same answers (the path before it:
 * `toPrediction` then `PredictResponse.encode`), on mixed batches through the real server: valid,
 * invalid, allow-listed, too long, answered fresh, stored on a repeat and answered from the cache,
 * for every indicator type the batch RPCs take and both views.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, credentials } from '@grpc/grpc-js';
import { IndicatorType, ResultView } from '../../src/gen/threatpredict/v1/prediction';
import {
  PredictDomainsRequest,
  PredictRequest,
  PredictResponse,
} from '../../src/gen/threatpredict/v1/prediction_service';
import type { IndicatorKind } from '../../src/indicators/types';
import type { ScoredItem } from '../../src/scoring/pipeline';
import type { View } from '../../src/scoring/scorer';
import { TYPE_TO_KIND, toPrediction, viewOf } from '../../src/server/convert';
import { rawPredictionCall, startTestServer, type TestServer } from '../helpers/server';

const LONG = `${'a'.repeat(300)}.com`;

/** Values per typed RPC: valid, invalid, allow-listed or rule-answered, unusual text. */
const VALUES: Record<'domain' | 'url' | 'ip', string[]> = {
  domain: [
    'paypa1-secure-login.com',
    'cdn-3apy0ytg.byteicdn.com',
    'xkqjzvbwpt.info',
    'google.com',
    'www.github.com',
    'bücher.de',
    'xn--bcher-kva.de',
    'a..b',
    '',
    '   ',
    LONG,
    '\ud800broken.com',
  ],
  url: [
    'http://paypa1-login.example.com/verify.php?acct=1',
    'https://github.com/nodejs/node',
    'https://user:pw@bücher.de:8443/p/a?q=1#f',
    'http://192.168.1.1/admin',
    'javascript:void(0)',
    'nonsense',
    `http://example.com/${'x'.repeat(5000)}`,
  ],
  ip: ['8.8.8.8', '1.1.1.1', '2001:4860:4860::8888', '185.220.101.1', '10.0.0.1', '::1', '999.1.1.1', 'not an ip'],
};

const RPC = { domain: 'PredictDomains', url: 'PredictUrls', ip: 'PredictIps' } as const;

/** What Predict (any type) is sent besides the typed values: detection, assertion and refusals. */
const GENERIC: { value: string; type: IndicatorType }[] = [
  { value: 'someone@paypa1-login.com', type: IndicatorType.INDICATOR_TYPE_UNSPECIFIED },
  { value: 'd41d8cd98f00b204e9800998ecf8427e', type: IndicatorType.INDICATOR_TYPE_UNSPECIFIED },
  { value: 'hello world', type: IndicatorType.INDICATOR_TYPE_UNSPECIFIED },
  { value: 'http://x.example/', type: IndicatorType.INDICATOR_TYPE_DOMAIN },
  { value: 'not-a-hash', type: IndicatorType.INDICATOR_TYPE_FILE_HASH },
  { value: 'example.com', type: IndicatorType.INDICATOR_TYPE_IP },
];

/** Ids: plain, empty, not ASCII (the cache-hit path copies only ASCII ids as bytes), long. */
const idOf = (i: number) => [`id-${i}`, '', `ïd-${i}`, `long-${'z'.repeat(200)}-${i}`][i % 4] as string;

const VIEWS = [ResultView.RESULT_VIEW_FULL, ResultView.RESULT_VIEW_COMPACT];

/** The old path: core results -> Prediction messages -> the generated encoder. */
function generated(results: readonly ScoredItem[], view: View): Buffer {
  return Buffer.from(PredictResponse.encode({ results: results.map((r) => toPrediction(r, view)) }).finish());
}

describe('responses are byte for byte the generated encoding of the same answers', () => {
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

  const ask = (method: string, request: Buffer) => rawPredictionCall(raw, method, request);

  for (const kind of ['domain', 'url', 'ip'] as const) {
    it(`${RPC[kind]}: fresh, stored and cached answers, both views`, async () => {
      const items = VALUES[kind].map((value, i) => ({ id: idOf(i), value }));
      const hitsBefore = t.app.repository.serving(kind)?.cache?.stats().hits ?? 0;
      for (const view of VIEWS) {
        const request = Buffer.from(PredictDomainsRequest.encode({ items, view }).finish());
        // Fresh; stored in the cache on the repeat (admission); the first hit stores its encoding, the
        // next hit is that stored encoding.
        const replies = [];
        for (let round = 0; round < 4; round++) replies.push(await ask(RPC[kind], request));
        const want = generated(await t.app.scorer.scoreBatch(kind, items, viewOf(view)), viewOf(view));
        for (const [round, got] of replies.entries()) assert.deepEqual(got, want, `round ${round + 1}, view ${view}`);
        if (view === ResultView.RESULT_VIEW_FULL) assertCovers(kind, PredictResponse.decode(want));
      }
      const hits = (t.app.repository.serving(kind)?.cache?.stats().hits ?? 0) - hitsBefore;
      assert.ok(hits >= items.length, `cached answers were part of the comparison (${hits} hits)`);
    });
  }

  it('Predict (any type, detected or asserted): every type, both views', async () => {
    const all = [
      ...(['domain', 'url', 'ip'] as const).flatMap((k) =>
        VALUES[k].map((value) => ({ value, type: IndicatorType.INDICATOR_TYPE_UNSPECIFIED })),
      ),
      ...GENERIC,
    ];
    const items = all.map((it, i) => ({ id: idOf(i), ...it }));
    const core = items.map((it) => ({ id: it.id, value: it.value, kind: TYPE_TO_KIND.get(it.type) }));
    for (const view of VIEWS) {
      const request = Buffer.from(PredictRequest.encode({ items, view }).finish());
      const replies = [];
      for (let round = 0; round < 4; round++) replies.push(await ask('Predict', request));
      const want = generated(await t.app.scorer.scoreMixed(core, viewOf(view)), viewOf(view));
      for (const [round, got] of replies.entries()) assert.deepEqual(got, want, `round ${round + 1}, view ${view}`);
      const decoded = PredictResponse.decode(want);
      const kinds = new Set(decoded.results.map((r) => r.type));
      for (const type of [
        IndicatorType.INDICATOR_TYPE_DOMAIN,
        IndicatorType.INDICATOR_TYPE_URL,
        IndicatorType.INDICATOR_TYPE_IP,
        IndicatorType.INDICATOR_TYPE_EMAIL_ADDRESS,
        IndicatorType.INDICATOR_TYPE_FILE_HASH,
        IndicatorType.INDICATOR_TYPE_UNSPECIFIED,
      ])
        assert.ok(kinds.has(type), `the batch has a result of type ${type}`);
    }
  });
});

/** The full-view answers of a typed batch include what the comparison must cover for that type. */
function assertCovers(kind: IndicatorKind, res: PredictResponse): void {
  const results = res.results;
  assert.ok(
    results.some((r) => r.error !== undefined),
    `${kind}: an invalid item`,
  );
  assert.ok(
    results.some((r) => r.score !== undefined && r.reasons.length > 1),
    `${kind}: a scored item with reasons`,
  );
  assert.ok(
    results.some((r) => r.score === undefined && r.error === undefined),
    `${kind}: an item a rule answered without the model`,
  );
  const enriched = {
    domain: (r: (typeof results)[0]) => r.domain,
    url: (r: (typeof results)[0]) => r.url,
    ip: (r: (typeof results)[0]) => r.ip,
  }[kind as 'domain' | 'url' | 'ip'];
  assert.ok(
    results.some((r) => enriched(r) !== undefined),
    `${kind}: enrichment`,
  );
}
