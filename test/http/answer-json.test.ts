/**
 * Answers' JSON written straight from their bytes (src/http/binary-json.ts) is exactly protobuf-es's
 * canonical JSON of the same bytes, `JSON.stringify(toJson(schema, fromBinary(schema, bytes)))`:
 * - through the real server, on mixed batches of every type (valid, invalid, allow-listed, over-long,
 *   lone surrogates, unicode, asserted-type mismatches, emails), fresh, stored and cached, both
 *   views: the HTTP body equals protobuf-es's JSON of gRPC's answer to the same request;
 * - on generated answers, every field with awkward values (control characters, NaN, -0, errors with
 *   details), and on wire the server never writes (fields out of order, repeated, unknown, bad
 *   UTF-8), which must still give protobuf-es's answer or its refusal.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type DescMessage, fromBinary, toJson } from '@bufbuild/protobuf';
import { Client, credentials } from '@grpc/grpc-js';
import fc from 'fast-check';
import { PredictError } from '../../src/errors';
import { IndicatorType, type Prediction, ResultView, Verdict } from '../../src/gen/threatpredict/v1/prediction';
import {
  PredictDomainsRequest,
  PredictDomainsResponse,
  PredictEmailsRequest,
  PredictRequest,
} from '../../src/gen/threatpredict/v1/prediction_service';
import { answerJson } from '../../src/http/answer-json';
import { batchJson } from '../../src/http/batch-json';
import { createTranscoder, directJson } from '../../src/http/binary-json';
import { loadContract } from '../../src/http/contract';
import { toStatus } from '../../src/server/convert';
import { encodePredictions, storedAnswersOf } from '../../src/server/wire';
import { rawPredictionCall } from '../helpers/server';
import { type HttpTestServer, startHttpTestServer } from './helpers';

const { registry } = loadContract();
const schema = (name: string) => registry.getMessage(`threatpredict.v1.${name}`) as DescMessage;
const reflective = (s: DescMessage, bytes: Uint8Array) => JSON.stringify(toJson(s, fromBinary(s, bytes), { registry }));

const LONG = `${'a'.repeat(300)}.com`;
const VALUES: Record<'domain' | 'url' | 'ip', string[]> = {
  domain: [
    'paypa1-secure-login.com',
    'xkqjzvbwpt.info',
    'google.com',
    'bücher.de',
    'xn--bcher-kva.de',
    '例え.テスト',
    'a..b',
    '',
    LONG,
    '\ud800broken.com',
    'quote".com',
  ],
  url: [
    'http://paypa1-login.example.com/verify.php?acct=1',
    'https://github.com/nodejs/node',
    'https://user:pw@bücher.de:8443/p/a?q="1"&r=\\#f',
    'http://192.168.1.1/admin',
    'javascript:void(0)',
    'nonsense',
    `http://example.com/${'x'.repeat(5000)}`,
    'http://\udc00x.example/',
  ],
  ip: ['8.8.8.8', '1.1.1.1', '2001:4860:4860::8888', '185.220.101.1', '10.0.0.1', '::1', '999.1.1.1', 'not an ip'],
};
const RPC = { domain: 'PredictDomains', url: 'PredictUrls', ip: 'PredictIps' } as const;
const ROUTE = { domain: '/v1/domains:predict', url: '/v1/urls:predict', ip: '/v1/ips:predict' } as const;
/** Ids: plain, empty, not ASCII, with characters JSON escapes, a lone surrogate, long. */
const idOf = (i: number) =>
  [`id-${i}`, '', `ïd-${i}`, `q"\\\n\t\u0001${i}`, `\ud83d${i}`, `long-${'z'.repeat(200)}-${i}`][i % 6] as string;
const VIEWS = ['RESULT_VIEW_FULL', 'RESULT_VIEW_COMPACT'] as const;
/**
 * Lone surrogates: the typed batches' JSON path takes them (as U+FFFD, src/http/fast-json.ts);
 * protobuf-es, which reads the other requests, refuses them.
 */
const wellFormed = (s: string) => !/[\ud800-\udfff]/u.test(s);

describe('HTTP answers are protobuf-es JSON of the gRPC answers', () => {
  let s: HttpTestServer;
  let raw: Client;
  before(async () => {
    s = await startHttpTestServer();
    raw = new Client(`127.0.0.1:${s.grpc.port}`, credentials.createInsecure());
  });
  after(async () => {
    raw.close();
    await s.close();
  });

  const grpc = (method: string, request: Buffer) => rawPredictionCall(raw, method, request);

  async function http(path: string, body: unknown): Promise<string> {
    const res = await fetch(`${s.base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = Buffer.from(await res.arrayBuffer()).toString('utf8');
    assert.equal(res.status, 200, text);
    return text;
  }

  /** Both transports, round after round (fresh, then stored and answered from the cache). */
  const direct = directJson(createTranscoder(registry));
  async function compare(rpc: string, path: string, json: unknown, binary: Buffer, rounds = 4) {
    const out = schema(`${rpc}Response`);
    for (let round = 0; round < rounds; round++) {
      const [text, bytes] = [await http(path, json), await grpc(rpc, binary)];
      const want = reflective(out, bytes);
      assert.equal(text, want, `${rpc} round ${round + 1}`);
      // Written from the bytes, not left to protobuf-es.
      assert.equal(direct(out, bytes)?.toString('utf8'), want, `${rpc} round ${round + 1}, written directly`);
    }
  }

  for (const kind of ['domain', 'url', 'ip'] as const) {
    it(`${RPC[kind]}: fresh, stored and cached answers, both views`, async () => {
      const items = VALUES[kind].map((value, i) => ({ id: idOf(i), value }));
      for (const view of VIEWS) {
        const binary = Buffer.from(PredictDomainsRequest.encode({ items, view: ResultView[view] }).finish());
        await compare(RPC[kind], ROUTE[kind], { items, view }, binary);
      }
    });
  }

  it('Predict: every type, detected or asserted (mismatches refused per item), both views', async () => {
    const typed = (['domain', 'url', 'ip'] as const).flatMap((k) =>
      VALUES[k].filter(wellFormed).map((value) => ({ value, type: 'INDICATOR_TYPE_UNSPECIFIED' })),
    );
    const items = [
      ...typed,
      { value: 'someone@paypa1-login.com', type: 'INDICATOR_TYPE_UNSPECIFIED' },
      { value: 'd41d8cd98f00b204e9800998ecf8427e', type: 'INDICATOR_TYPE_UNSPECIFIED' },
      { value: 'hello world', type: 'INDICATOR_TYPE_UNSPECIFIED' },
      { value: 'http://x.example/', type: 'INDICATOR_TYPE_DOMAIN' },
      { value: 'not-a-hash', type: 'INDICATOR_TYPE_FILE_HASH' },
      { value: 'example.com', type: 'INDICATOR_TYPE_IP' },
    ].map((it, i) => ({ id: wellFormed(idOf(i)) ? idOf(i) : `i${i}`, ...it }));
    for (const view of VIEWS) {
      const binary = Buffer.from(
        PredictRequest.encode({
          items: items.map((it) => ({ ...it, type: IndicatorType[it.type as keyof typeof IndicatorType] })),
          view: ResultView[view],
        }).finish(),
      );
      await compare('Predict', '/v1/indicators:predict', { items, view }, binary);
    }
  });

  it('answers the cache holds: their JSON kept by their stored encoding and reused, both views', async () => {
    const out = schema('PredictDomainsResponse');
    const batch = batchJson(createTranscoder(registry));
    for (const kind of ['domain', 'url', 'ip'] as const) {
      const items = VALUES[kind].map((value, i) => ({ id: idOf(i), value }));
      for (const view of ['full', 'compact'] as const) {
        let reused = 0;
        // Fresh; admitted to the cache; the first hit stores its encoding (and its JSON); the next reuses both.
        for (let round = 0; round < 4; round++) {
          const bytes = encodePredictions(await s.app.scorer.scoreBatch(kind, items, view), view, true);
          const stored = storedAnswersOf(bytes)?.answers.length ?? 0;
          if (round === 3) reused = stored;
          const got = batch(out, bytes);
          assert.equal(got === undefined, stored === 0, `${kind} ${view} round ${round + 1}: the stored path`);
          if (got !== undefined)
            assert.equal(got.toString('utf8'), reflective(out, bytes), `${kind} ${view} round ${round + 1}`);
        }
        assert.ok(reused >= items.length / 2, `${kind} ${view}: ${reused} stored answers in the last round`);
      }
    }
  });

  it('PredictEmails: parsed messages, indicators, attachments, a damaged message, both views', async () => {
    const dir = join(__dirname, '..', 'fixtures', 'email');
    const files = ['html-phish.eml', 'attachments.eml', 'nested.eml', 'damaged.eml', 'alternative.eml'];
    const items = files.map((f, i) => ({
      id: wellFormed(idOf(i)) ? idOf(i) : `i${i}`,
      value: readFileSync(join(dir, f)),
    }));
    items.push({ id: 'empty', value: Buffer.alloc(0) });
    for (const view of VIEWS) {
      const binary = Buffer.from(PredictEmailsRequest.encode({ items, view: ResultView[view] }).finish());
      const json = { items: items.map((it) => ({ id: it.id, value: it.value.toString('base64') })), view };
      await compare('PredictEmails', '/v1/emails:predict', json, binary, 2);
    }
  });
});

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.array(fc.constantFrom(...'\0\b\t\n\f\r\u001f"\\\u007f\u2028\ufeffa'), { maxLength: 6 }).map((cs) => cs.join('')),
);
const float = fc.oneof(fc.float(), fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, 3.4e38));
const domain = fc.record({
  registrableDomain: text,
  publicSuffix: text,
  subdomain: text,
  subdomainDepth: fc.nat(),
  ascii: text,
  unicode: text,
  privateSuffix: fc.boolean(),
  sharedHostingPlatform: fc.boolean(),
});
const enrichment = fc.oneof(
  fc.constant({}),
  domain.map((d) => ({ domain: d })),
  fc
    .record({
      scheme: text,
      host: text,
      port: fc.nat({ max: 65535 }),
      path: text,
      query: text,
      domain: fc.option(domain, { nil: undefined }),
      hostIsIp: fc.boolean(),
      hadUserinfo: fc.boolean(),
    })
    .map((url) => ({ url })),
  fc
    .record({
      version: fc.constantFrom(4, 6),
      asn: fc.nat(),
      asOrganization: text,
      countryCode: text,
      latitude: fc.double(),
      longitude: fc.oneof(fc.double(), fc.constant(-0)),
      hasLocation: fc.boolean(),
      range: text,
      prefixLength: fc.nat({ max: 128 }),
    })
    .map((ip) => ({ ip })),
);
const ERRORS = [
  new PredictError('EMAIL_QUEUE_FULL', 'busy "now"', { queued: '3' }, 1500),
  new PredictError('INVALID_DOMAIN', 'not a domain: \u0001é', { value: 'ü' }),
];
const prediction = fc.record({
  id: text,
  indicator: text,
  type: fc.integer({ min: 0, max: 9 }),
  score: fc.option(float, { nil: undefined }),
  verdict: fc.integer({ min: 0, max: 5 }),
  model: fc.option(fc.record({ name: text, version: fc.nat() }), { nil: undefined }),
  reasons: fc.array(fc.record({ code: text, message: text, weight: float }), { maxLength: 3 }),
  enrichment,
  error: fc.option(fc.constantFrom(...ERRORS), { nil: undefined }),
});

describe('answers written from their bytes', () => {
  const write = answerJson(registry);
  const direct = directJson(createTranscoder(registry));
  const response = schema('PredictDomainsResponse');

  /**
   * The same text as protobuf-es, or the same refusal (ts-proto writes a lone surrogate as bytes that
   * are not UTF-8). `canonical`: the wire is as our encoders write it, so it must not take protobuf-es's path.
   */
  function same(bytes: Uint8Array, what: string, canonical = false) {
    let want: string | Error;
    try {
      want = reflective(response, bytes);
    } catch (err) {
      want = err as Error;
    }
    if (want instanceof Error) assert.throws(() => write(response, bytes), { message: want.message }, what);
    else {
      assert.equal(write(response, bytes).toString('utf8'), want, what);
      if (canonical) assert.equal(direct(response, bytes)?.toString('utf8'), want, `${what}, written directly`);
    }
  }

  it('equal protobuf-es on any batch of predictions, the same answer repeated included', () => {
    fc.assert(
      fc.property(fc.array(prediction, { maxLength: 8 }), (ps) => {
        const results = ps.map(
          ({ enrichment, error, ...p }) =>
            ({ ...p, ...enrichment, ...(error === undefined ? {} : { error: toStatus(error) }) }) as Prediction,
        );
        same(PredictDomainsResponse.encode({ results: [...results, ...results] }).finish(), 'generated', true);
      }),
      { numRuns: 500 },
    );
  });

  it('give protobuf-es answer, or its refusal, for wire our encoders never write', () => {
    const one = PredictDomainsResponse.encode({
      results: [
        {
          id: 'a',
          indicator: 'x.example',
          type: IndicatorType.INDICATOR_TYPE_DOMAIN,
          verdict: Verdict.VERDICT_BENIGN,
          reasons: [{ code: 'R', message: 'm', weight: 1 }],
        },
      ],
    }).finish();
    const prediction = one.subarray(2); // the Prediction's own fields, without `results`' tag and length
    const wrap = (...fields: number[][]) => {
      const body = Buffer.from(fields.flat());
      return Buffer.concat([Buffer.from([0x0a, body.length]), body]);
    };
    const cases: [string, Uint8Array][] = [
      ['fields out of order', wrap([0x18, 1], [0x12, 1, 0x78], [0x0a, 1, 0x61])],
      ['a scalar twice', wrap([0x0a, 1, 0x61], [0x0a, 1, 0x62])],
      ['reasons apart', wrap([0x3a, 2, 0x0a, 0], [0x40 | 2, 0], [0x3a, 0])],
      ['an unknown field', wrap([0x0a, 1, 0x61], [0x98, 0x01, 1])],
      ['two enrichments', wrap([0x42, 0], [0x4a, 0])],
      ['an enum value the proto does not name', wrap([0x18, 42])],
      ['a negative enum', wrap([0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])],
      ['not UTF-8', wrap([0x12, 2, 0xc3, 0x28])],
      ['an overlong encoding', wrap([0x12, 2, 0xc0, 0xaf])],
      ['a surrogate in UTF-8', wrap([0x12, 3, 0xed, 0xa0, 0x80])],
      ['a byte-order mark', wrap([0x12, 4, 0xef, 0xbb, 0xbf, 0x61])],
      ['implicit zeros written', wrap([0x0a, 0], [0x18, 0], [0x3a, 5, 0x1d, 0, 0, 0, 0], [0x42, 4, 0x20, 0, 0x38, 0])],
      ['a double zero written', wrap([0x52, 9, 0x39, 0, 0, 0, 0, 0, 0, 0, 0])],
      ['a float -0 written', wrap([0x3a, 5, 0x1d, 0, 0, 0, 0x80])],
      ['an explicit zero score', wrap([0x25, 0, 0, 0, 0])],
      ['an empty message', wrap([0x32, 0])],
      ['truncated', Buffer.concat([Buffer.from([0x0a, prediction.length + 3]), prediction])],
      ['wrong wire type', wrap([0x20, 1])],
    ];
    for (const [what, bytes] of cases) same(bytes, what);
    same(one, 'the answer as encoded', true);
  });
});
