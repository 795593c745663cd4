/**
 * watch's hand-written StreamPredict codec against the generated one: a request encodes to the same
 * bytes, and an answer decodes to the same Answer as the generated decoder + answerOfPrediction, on
 * random messages (every field, unicode, errors with and without ErrorInfo, all three enrichments,
 * unknown fields) and on a server's real answers.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeStreamAnswers, encodeStreamRequest } from '../../src/cli/watch-codec';
import { answerOfPrediction } from '../../src/cli/watch-grpc';
import { Any } from '../../src/gen/google/protobuf/any';
import { ErrorInfo } from '../../src/gen/google/rpc/error_details';
import { IndicatorType, type Prediction, ResultView } from '../../src/gen/threatpredict/v1/prediction';
import { StreamPredictRequest, StreamPredictResponse } from '../../src/gen/threatpredict/v1/prediction_service';
import { type Answer, neverAlerts } from '../../src/watch/answer';
import type { WatchType } from '../../src/watch/record';
import { sampleIpEnrichment } from './helpers/fake-server';

const TYPES: Record<WatchType, IndicatorType> = {
  domain: IndicatorType.INDICATOR_TYPE_DOMAIN,
  url: IndicatorType.INDICATOR_TYPE_URL,
  ip: IndicatorType.INDICATOR_TYPE_IP,
  email_address: IndicatorType.INDICATOR_TYPE_EMAIL_ADDRESS,
  file_hash: IndicatorType.INDICATOR_TYPE_FILE_HASH,
};

const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('', 'a.example', 'é.example'));
const f32 = fc.float({ noNaN: true }).map(Math.fround);

const domainE = fc.record({
  registrableDomain: text,
  publicSuffix: text,
  subdomain: text,
  subdomainDepth: fc.nat(10),
  ascii: text,
  unicode: text,
  privateSuffix: fc.boolean(),
  sharedHostingPlatform: fc.boolean(),
});

const prediction: fc.Arbitrary<Prediction> = fc
  .record({
    id: fc.nat(2000).map(String),
    indicator: text,
    type: fc.integer({ min: 0, max: 9 }),
    score: fc.option(f32, { nil: undefined }),
    verdict: fc.integer({ min: 0, max: 4 }),
    model: fc.option(fc.record({ name: text, version: fc.nat() }), { nil: undefined }),
    reasons: fc.array(
      fc.record({
        code: fc.oneof(text, fc.constantFrom('NOT_GLOBALLY_ROUTABLE', 'ALLOW_LISTED', 'KNOWN_SERVICE', 'ALLOW_LISTE')),
        message: text,
        weight: f32,
      }),
      { maxLength: 4 },
    ),
    enrichment: fc.constantFrom('none', 'domain', 'url', 'ip'),
    domainE,
    error: fc.option(
      fc.record({
        code: fc.integer({ min: -5, max: 20 }),
        message: text,
        details: fc.array(
          fc.oneof(
            fc.record({ reason: text, domain: text }).map((e) =>
              Any.fromPartial({
                typeUrl: 'type.googleapis.com/google.rpc.ErrorInfo',
                value: Buffer.from(ErrorInfo.encode(ErrorInfo.fromPartial(e)).finish()),
              }),
            ),
            fc
              .uint8Array({ maxLength: 8 })
              .map((v) => Any.fromPartial({ typeUrl: 'example.com/Other', value: Buffer.from(v) })),
          ),
          { maxLength: 3 },
        ),
      }),
      { nil: undefined },
    ),
  })
  .map((p) => ({
    id: p.id,
    indicator: p.indicator,
    type: p.type,
    score: p.score,
    verdict: p.verdict,
    model: p.model,
    reasons: p.reasons,
    domain: p.enrichment === 'domain' ? p.domainE : undefined,
    url:
      p.enrichment === 'url'
        ? {
            scheme: 'http',
            host: 'h',
            port: 8080,
            path: '/',
            query: 'q=é',
            domain: p.domainE,
            hostIsIp: false,
            hadUserinfo: true,
          }
        : undefined,
    ip: p.enrichment === 'ip' ? sampleIpEnrichment('192.0.2.1', 64500) : undefined,
    error: p.error,
  }));

/** An answer's fields as plain data (the codec's answers decode some of them when first read). */
const plain = (a: Answer) => ({
  indicator: a.indicator,
  type: a.type,
  verdict: a.verdict,
  score: a.score,
  model: a.model,
  reasons: a.reasons,
  error: a.error,
});

test('watch codec: answers decode as the generated decoder and answerOfPrediction do', () => {
  fc.assert(
    fc.property(fc.array(prediction, { maxLength: 20 }), (results) => {
      const bytes = Buffer.from(StreamPredictResponse.encode({ results }).finish());
      const expected = StreamPredictResponse.decode(bytes).results.map(answerOfPrediction);
      const got = decodeStreamAnswers(bytes);
      // Judged from the bytes before anything is decoded, as the pipeline does.
      assert.deepEqual(got.map(neverAlerts), expected.map(neverAlerts));
      assert.deepEqual(got.map(plain), expected.map(plain));
      // Reasons are written with JSON.stringify: the same keys in the same order.
      assert.equal(JSON.stringify(got.map(plain)), JSON.stringify(expected.map(plain)));
    }),
    { numRuns: 400 },
  );
});

test('watch codec: unknown fields are skipped, a truncated message is an error', () => {
  const p = { id: '0', indicator: 'a.example', type: 1, verdict: 2, score: 0.5, reasons: [] };
  const known = Buffer.from(StreamPredictResponse.encode({ results: [p as unknown as Prediction] }).finish());
  // field 1 = the Prediction; append inside it a field 30 (varint) and a field 31 (fixed64).
  const inner = Buffer.concat([known.subarray(2), Buffer.from([0xf0, 0x01, 0x05, 0xf9, 0x01, 1, 2, 3, 4, 5, 6, 7, 8])]);
  const withUnknown = Buffer.concat([Buffer.from([0x0a, inner.length]), inner]);
  assert.deepEqual(decodeStreamAnswers(withUnknown).map(plain), decodeStreamAnswers(known).map(plain));
  assert.throws(() => decodeStreamAnswers(known.subarray(0, known.length - 3)), /server answer/);
});

test('watch codec: requests encode to the generated encoder bytes', () => {
  const item = fc.record({
    value: text,
    type: fc.option(fc.constantFrom<WatchType>('domain', 'url', 'ip', 'email_address', 'file_hash'), {
      nil: undefined,
    }),
  });
  fc.assert(
    fc.property(
      fc.array(item, { maxLength: 1200 }),
      fc.constantFrom(ResultView.RESULT_VIEW_FULL, ResultView.RESULT_VIEW_COMPACT),
      (items, view) => {
        const expected = StreamPredictRequest.encode({
          items: items.map((it, i) => ({
            id: String(i),
            value: it.value,
            type: it.type === undefined ? IndicatorType.INDICATOR_TYPE_UNSPECIFIED : TYPES[it.type],
          })),
          view,
        }).finish();
        assert.deepEqual(encodeStreamRequest(items, view), Buffer.from(expected));
      },
    ),
    { numRuns: 60 },
  );
});
