/**
 * The generic Predict / StreamPredict on the workers (server/mixed-batch.ts: items routed per kind,
 * repeats answered from the cache by their bytes, each kind's misses scored on a pipeline worker with
 * the asserted-type rule applied there) answers byte for byte what the event loop answers. Three
 * answers are compared for every request: a `--workers 2` server's; an `--inference inline` server's
 * to the same bytes (the RawBatch path, every miss scored on the event loop); and the inline
 * server's to the same items with an observed_at on one of them, which the generated decoder takes,
 * i.e. the objects path (Scorer.scoreMixed) that Predict took before. One mixed batch carries every
 * kind and the cases that differ between them; it is sent four times per view (fresh, stored on its
 * second sighting, then repeated from the cache), unary and on streams.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, credentials } from '@grpc/grpc-js';
import { type Prediction, ResultView, IndicatorType as T } from '../../src/gen/threatpredict/v1/prediction';
import { PredictRequest, PredictResponse } from '../../src/gen/threatpredict/v1/prediction_service';
import { errorInfoOf } from '../helpers/errors';
import { rawPredictionCall, startTestServer, type TestServer } from '../helpers/server';

/** Ids: plain, empty, not ASCII (a repeat is then scored again, not copied), long. */
const idOf = (i: number) => [`id-${i}`, '', `ïd-${i}`, `long-${'z'.repeat(200)}-${i}`][i % 4] as string;

const PHISH = 'http://paypal-secure-login.example.xyz/webscr/signin.php?cmd=_login';

/** One batch of every kind, each kind with more than OFF_THREAD_MIN_ROWS items to score (a worker's batch). */
function mixedItems(tag: string): { value: string; type: T }[] {
  const d = (v: string, type = T.INDICATOR_TYPE_UNSPECIFIED) => ({ value: v, type });
  const fresh = Array.from({ length: 20 }, (_, i) => `${tag}paypa1-login-${(i * 7919).toString(36)}q${i}.xyz`);
  return [
    // Domains: new, allow-listed, brand look-alikes, invalid, too long for a domain (not for a URL).
    ...fresh.map((v) => d(v)),
    d('google.com'),
    d('www.github.com'),
    d('go0gle.com'),
    d('bücher.de'),
    d('a..b'),
    d('x'.repeat(300)),
    // URLs: new, allow-listed, wrapped links (Proofpoint, Safe Links), non-routable host, refused scheme.
    ...fresh.map((v, i) => d(`http://${v}/verify.php?acct=${i}`)),
    d('https://github.com/nodejs/node'),
    d(
      'https://urldefense.proofpoint.com/v2/url?u=http-3A__paypal-2Dsecure-2Dlogin.example.xyz_webscr_signin.php-3Fcmd-3D-5Flogin&d=DwMFaQ&c=abc&r=def&m=ghi&s=jkl&e=',
    ),
    d(`https://nam10.safelinks.protection.outlook.com/?url=${encodeURIComponent(PHISH)}&data=05%7C02&reserved=0`),
    d('https://www.google.com/url?q=https://numpy.org/doc/stable/&sa=D&source=editors'),
    d('hxxp://paypal-login-secure[.]xyz/signin'),
    d('http://192.168.1.1/admin'),
    d('javascript:void(0)'),
    // IPs: v4, v6, CIDR, private and other non-routable ranges, known services, invalid.
    ...Array.from({ length: 18 }, (_, i) => d(`${((i * 37) % 200) + 23}.${(i * 91) % 250}.${tag.length + i}.${i + 1}`)),
    d('8.8.8.8'),
    d('2001:4860:4860::8888'),
    d('2a03:2880:f10c:83:face:b00c:0:25de'),
    d('185.220.100.0/22'),
    d('10.0.0.1'),
    d('127.0.0.1'),
    d('fe80::1'),
    d('100.64.1.1'),
    d('91.105.192.7'),
    d('104.28.30.1'),
    d('999.1.1.1'),
    d('017.0.0.1'),
    // Email addresses (scored with the domain model, on the event loop), valid and not.
    d('someone@paypa1-login.com'),
    d('mailto:<Bob@Example.ORG>'),
    d('a@b@c'),
    // Refused before any pipeline: a file hash (unsupported), empty, unknown shape, too long for any.
    d('d41d8cd98f00b204e9800998ecf8427e'),
    d(''),
    d('   '),
    d('???'),
    d('hello world'),
    d(`http://example.com/${'x'.repeat(9000)}`),
    // Asserted types: fitting, and not (INDICATOR_TYPE_MISMATCH), many of them in a worker's batch.
    ...fresh.slice(0, 4).map((v) => d(`http://${v}/x`, T.INDICATOR_TYPE_DOMAIN)),
    d('a..b', T.INDICATOR_TYPE_DOMAIN),
    d('example.com', T.INDICATOR_TYPE_DOMAIN),
    d('not an ip', T.INDICATOR_TYPE_IP),
    d('paypal.com', T.INDICATOR_TYPE_IP),
    d('1.2.3.4', T.INDICATOR_TYPE_IP),
    d('nonsense', T.INDICATOR_TYPE_URL),
    d('paypa1-login.example.xyz', T.INDICATOR_TYPE_URL),
    d('example.com', T.INDICATOR_TYPE_EMAIL_ADDRESS),
    d('x@example.com', T.INDICATOR_TYPE_EMAIL_ADDRESS),
    d('example.com', T.INDICATOR_TYPE_FILE_HASH),
    d('d41d8cd98f00b204e9800998ecf8427e', T.INDICATOR_TYPE_FILE_HASH),
    d('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', T.INDICATOR_TYPE_CRYPTO_WALLET),
    d('x'.repeat(300), T.INDICATOR_TYPE_IP),
    // Repeats within the batch, detected and asserted.
    d(fresh[0]!),
    d(`http://${fresh[1]}/verify.php?acct=1`),
    d('8.8.8.8'),
    d('a..b'),
    d('a..b', T.INDICATOR_TYPE_DOMAIN),
  ];
}

const VIEWS = [ResultView.RESULT_VIEW_FULL, ResultView.RESULT_VIEW_COMPACT];
const PS = '/threatpredict.v1.PredictionService';

/** The same items as bytes for the RawBatch path, and with observed_at on one item (the generated decoder's path). */
function requests(tag: string, view: ResultView): { raw: Buffer; objects: Buffer } {
  const items = mixedItems(tag).map((it, i) => ({ id: idOf(i), ...it, observedAt: undefined as Date | undefined }));
  const raw = Buffer.from(PredictRequest.encode({ items, view }).finish());
  items[0]!.observedAt = new Date('2026-12-07T10:00:00Z');
  const objects = Buffer.from(PredictRequest.encode({ items, view }).finish());
  return { raw, objects };
}

/** Request messages on one bidirectional stream; the reply messages, in order. */
function rawStream(client: Client, messages: readonly Buffer[]): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const same = (b: Buffer) => b;
    const stream = client.makeBidiStreamRequest(`${PS}/StreamPredict`, same, same);
    const replies: Buffer[] = [];
    stream.on('data', (b: Buffer) => replies.push(b));
    stream.on('error', reject);
    stream.on('end', () => resolve(replies));
    for (const m of messages) stream.write(m);
    stream.end();
  });
}

describe('Predict and StreamPredict on the workers answer what the event loop answers, byte for byte', () => {
  let workers: TestServer;
  let inline: TestServer;
  let toWorkers: Client;
  let toInline: Client;
  /** Kinds of the batches a worker answered. */
  const offLoop: string[] = [];
  before(async () => {
    [workers, inline] = await Promise.all([
      startTestServer(['--workers', '2']),
      startTestServer(['--inference', 'inline']),
    ]);
    toWorkers = new Client(workers.address, credentials.createInsecure());
    toInline = new Client(inline.address, credentials.createInsecure());
    const scorer = workers.app.scorer;
    const answer = scorer.answerOffLoop.bind(scorer);
    scorer.answerOffLoop = async (kind, ...rest) => {
      const answers = await answer(kind, ...rest);
      if (answers !== undefined) offLoop.push(kind);
      return answers;
    };
  });
  after(async () => {
    toWorkers.close();
    toInline.close();
    await Promise.all([workers.close(), inline.close()]);
  });

  function checkAnswers(res: PredictResponse, n: number, view: ResultView): void {
    assert.equal(res.results.length, n);
    const reasons = (p: Prediction) => errorInfoOf(p.error)?.reason;
    const seen = new Set(res.results.map(reasons));
    for (const r of [
      'INDICATOR_TYPE_MISMATCH',
      'INDICATOR_TOO_LONG',
      'INVALID_DOMAIN',
      'INVALID_IP',
      'INDICATOR_EMPTY',
    ])
      assert.ok(seen.has(r as never), `an answer ${r}`);
    for (const t of [
      T.INDICATOR_TYPE_DOMAIN,
      T.INDICATOR_TYPE_URL,
      T.INDICATOR_TYPE_IP,
      T.INDICATOR_TYPE_EMAIL_ADDRESS,
    ])
      assert.ok(
        res.results.some((p) => p.type === t && p.score !== undefined),
        `a scored item of type ${t}`,
      );
    assert.ok(
      res.results.some((p) => p.score === undefined && p.error === undefined),
      'an item a rule answered',
    );
    if (view === ResultView.RESULT_VIEW_FULL)
      assert.ok(
        res.results.some((p) => p.reasons.some((r) => r.code === 'WRAPPED_LINK')),
        'a wrapped link answered as the link it wraps',
      );
  }

  it('Predict, unary: fresh, stored and cached, both views', async () => {
    const before = offLoop.length;
    for (const view of VIEWS) {
      const { raw, objects } = requests('unary', view);
      for (let round = 1; round <= 4; round++) {
        const [got, want, old] = await Promise.all([
          rawPredictionCall(toWorkers, 'Predict', raw),
          rawPredictionCall(toInline, 'Predict', raw),
          rawPredictionCall(toInline, 'Predict', objects),
        ]);
        assert.ok(want.equals(old), `view ${view}, round ${round}: the RawBatch path differs from the objects path`);
        assert.ok(got.equals(want), `view ${view}, round ${round}: the workers' bytes differ`);
        checkAnswers(PredictResponse.decode(got), mixedItems('unary').length, view);
      }
    }
    const kinds = new Set(offLoop.slice(before));
    assert.deepEqual([...kinds].sort(), ['domain', 'ip', 'url'], 'each kind went to a worker');
  });

  it('StreamPredict: several batches in flight, both views', async () => {
    const before = offLoop.length;
    const messages: Buffer[] = [];
    const old: Buffer[] = [];
    for (let round = 1; round <= 4; round++)
      for (const view of VIEWS) {
        const r = requests(`stream${round % 2}`, view);
        messages.push(r.raw);
        old.push(r.objects);
      }
    const [got, want] = await Promise.all([rawStream(toWorkers, messages), rawStream(toInline, messages)]);
    const objects = await rawStream(toInline, old);
    assert.equal(got.length, messages.length);
    for (let m = 0; m < messages.length; m++) {
      assert.ok(want[m]!.equals(objects[m]!), `message ${m}: the RawBatch path differs from the objects path`);
      assert.ok(got[m]!.equals(want[m]!), `message ${m}: the workers' bytes differ`);
    }
    assert.ok(offLoop.length - before >= 6, `batches answered on a worker (${offLoop.length - before})`);
  });
});
