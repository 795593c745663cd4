import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { IndicatorType, type Prediction, ResultView, Verdict } from '../../src/gen/threatpredict/v1/prediction';
import type {
  PredictIpsResponse,
  PredictResponse,
  StreamPredictIpsResponse,
} from '../../src/gen/threatpredict/v1/prediction_service';
import { errorInfoOf } from '../helpers/errors';
import { call, startTestServer, type TestServer } from '../helpers/server';

let t: TestServer;
let thresholds: { suspicious: number; malicious: number };
before(async () => {
  t = await startTestServer(['--max-batch-items', '2000']);
  const m = t.app.repository.serving('ip');
  assert.ok(m, 'the committed ip model must load');
  thresholds = m.metadata.thresholds;
});
after(() => t.close());

type IpItem = { id: string; value: string; observedAt?: Date };
const predictIps = (items: IpItem[], view = ResultView.RESULT_VIEW_UNSPECIFIED) =>
  call<Parameters<typeof t.predictions.predictIps>[0], PredictIpsResponse>((r, cb) => t.predictions.predictIps(r, cb), {
    items,
    view,
  });

function verdictFor(score: number): Verdict {
  if (score >= thresholds.malicious) return Verdict.VERDICT_MALICIOUS;
  if (score >= thresholds.suspicious) return Verdict.VERDICT_SUSPICIOUS;
  return Verdict.VERDICT_BENIGN;
}

const reason = (p: Prediction | undefined) => errorInfoOf(p?.error)?.reason;

describe('PredictIps', () => {
  it('answers every item in order, with per-item errors for bad ones', async () => {
    const values = [
      '8.8.8.8',
      'not-an-ip',
      '010.001.002.003',
      '::FFFF:8.8.4.4',
      '1.2.3.4:443',
      '',
      '104.16.0.0/13',
      '256.1.1.1',
      '2001:4860:4860::8888',
    ];
    const res = await predictIps(values.map((value, i) => ({ id: `i${i}`, value })));
    assert.deepEqual(
      res.results.map((r) => r.id),
      values.map((_, i) => `i${i}`),
    );
    const [google, junk, zeros, mapped, port, empty, cidr, big, v6] = res.results;
    assert.equal(google?.indicator, '8.8.8.8');
    assert.equal(reason(junk), 'INVALID_IP');
    assert.equal(junk?.error?.code, 3);
    assert.equal(reason(zeros), 'INVALID_IP', 'leading zeros are ambiguous: octal in URLs, decimal elsewhere');
    assert.match(zeros?.error?.message ?? '', /leading zero/);
    assert.equal(mapped?.indicator, '8.8.4.4', 'IPv4-mapped IPv6 is the IPv4 host');
    assert.equal(mapped?.ip?.version, 4);
    assert.match(port?.error?.message ?? '', /port/);
    assert.ok(reason(empty) === 'INVALID_IP' || reason(empty) === 'INDICATOR_EMPTY');
    assert.equal(cidr?.indicator, '104.16.0.0/13');
    assert.equal(cidr?.ip?.prefixLength, 13);
    assert.equal(typeof cidr?.score, 'number', 'a network is scored by its network address');
    assert.match(big?.error?.message ?? '', /out of range/);
    assert.equal(v6?.indicator, '2001:4860:4860::8888');
    assert.equal(v6?.ip?.asn, 15169);
    for (const r of [google, mapped, cidr, v6]) {
      assert.equal(r?.type, IndicatorType.INDICATOR_TYPE_IP);
      assert.ok(typeof r?.score === 'number' && r.score >= 0 && r.score <= 1);
      assert.equal(r?.verdict, verdictFor(r?.score as number), r?.indicator);
      assert.equal(r?.model?.name, 'ip');
      assert.equal(r?.reasons[0]?.code, 'MODEL_SCORE');
    }
  });

  it('enriches 8.8.8.8 from the bundled databases (no licence key, no download)', async () => {
    const [r] = (await predictIps([{ id: 'g', value: '8.8.8.8' }])).results;
    const ip = r?.ip;
    assert.ok(ip);
    assert.equal(ip.version, 4);
    assert.equal(ip.address, '8.8.8.8');
    assert.equal(ip.asn, 15169);
    assert.equal(ip.asOrganization, 'Google LLC');
    assert.equal(ip.countryCode, 'US');
    assert.equal(ip.countryName, 'United States');
    assert.equal(ip.city, 'Mountain View');
    assert.equal(ip.hasLocation, true);
    assert.ok(Math.abs(ip.latitude - 37.422) < 0.01 && Math.abs(ip.longitude + 122.085) < 0.01);
    assert.equal(ip.timeZone, 'America/Los_Angeles');
    assert.equal(ip.range, 'unicast');
    assert.equal(ip.globallyRoutable, true);
    assert.equal(ip.hostingProvider, 'google');
    assert.ok(r?.reasons.some((x) => x.code === 'HOSTING_PROVIDER'));
  });

  it('answers non-routable addresses without a model score, never as malicious, saying why', async () => {
    const cases: [string, string][] = [
      ['10.0.0.1', 'private'],
      ['127.0.0.1', 'loopback'],
      ['169.254.1.1', 'linkLocal'],
      ['224.0.0.251', 'multicast'],
      ['192.0.2.55', 'documentation'],
      ['2001:db8::/32', 'documentation'],
      ['fe80::1%eth0', 'linkLocal'],
      ['::ffff:192.168.1.1', 'private'],
      ['100.64.0.1', 'carrierGradeNat'],
      ['240.0.0.1', 'reserved'],
    ];
    const res = await predictIps(cases.map(([value], i) => ({ id: String(i), value })));
    res.results.forEach((r, i) => {
      const [value, range] = cases[i] as [string, string];
      assert.equal(r.error, undefined, value);
      assert.equal(r.score, undefined, `${value} has no model score`);
      assert.equal(r.model, undefined);
      assert.equal(r.verdict, Verdict.VERDICT_BENIGN, value);
      assert.equal(r.reasons.length, 1);
      assert.equal(r.reasons[0]?.code, 'NOT_GLOBALLY_ROUTABLE');
      assert.match(r.reasons[0]?.message ?? '', new RegExp(`the ${range} range`));
      assert.equal(r.ip?.range, range, value);
      assert.equal(r.ip?.globallyRoutable, false);
      assert.equal(r.ip?.asn, 0, 'no database is asked about a non-routable address');
    });
  });

  it('accepts observed_at; ip/1 and ip/2 do not use it, so the score is the same', async () => {
    const res = await predictIps([
      { id: 'a', value: '189.6.88.213' },
      { id: 'b', value: '189.6.88.213', observedAt: new Date('2026-03-01T03:00:00Z') },
    ]);
    assert.equal(typeof res.results[0]?.score, 'number');
    assert.equal(res.results[1]?.score, res.results[0]?.score);
  });

  it('leaves out reasons and enrichment in the compact view', async () => {
    const [r] = (await predictIps([{ id: 'c', value: '8.8.8.8' }], ResultView.RESULT_VIEW_COMPACT)).results;
    assert.equal(typeof r?.score, 'number');
    assert.deepEqual(r?.reasons, []);
    assert.equal(r?.ip, undefined);
  });
});

describe('StreamPredictIps', () => {
  function batch(n: number, size: number) {
    return {
      view: ResultView.RESULT_VIEW_COMPACT,
      items: Array.from({ length: size }, (_, i) => ({
        id: `${n}:${i}`,
        // every 5th invalid, every 7th private, the rest public addresses spread over the space
        value:
          i % 5 === 2
            ? `${300 + i}.1.1.1`
            : i % 7 === 3
              ? `192.168.${n}.${i % 250}`
              : `${11 + ((n * 31 + i) % 89)}.${i % 256}.${n}.${(i * 7) % 256}`,
      })),
    };
  }

  it('answers each message with one response, in order, with a result for every item', async () => {
    const stream = t.predictions.streamPredictIps();
    const got: StreamPredictIpsResponse[] = [];
    stream.on('data', (r: StreamPredictIpsResponse) => got.push(r));
    const done = once(stream, 'end');
    for (let n = 0; n < 12; n++) stream.write(batch(n, 40 + n * 10));
    stream.end();
    await done;
    assert.equal(got.length, 12);
    got.forEach((res, n) => {
      assert.equal(res.results.length, 40 + n * 10);
      res.results.forEach((r, i) => {
        assert.equal(r.id, `${n}:${i}`);
        if (i % 5 === 2) assert.equal(reason(r), 'INVALID_IP', r.id);
        else if (i % 7 === 3) assert.ok(r.score === undefined && r.verdict === Verdict.VERDICT_BENIGN, r.id);
        else assert.ok(r.error === undefined && typeof r.score === 'number', `${r.id} scored`);
      });
    });
  });
});

describe('Predict (any type) with IPs', () => {
  it('detects addresses among other types and scores them with the ip model', async () => {
    const res = await call<object, PredictResponse>((r, cb) => t.predictions.predict(r as never, cb), {
      items: [
        { id: '0', value: '8.8.8.8', type: 0 },
        { id: '1', value: 'example.com', type: 0 },
        { id: '2', value: '2a03:2880:f12f:83:face:b00c:0:25de', type: 0 },
        { id: '3', value: '172.16.5.4', type: 0 },
        { id: '4', value: 'example.com', type: IndicatorType.INDICATOR_TYPE_IP },
      ],
      view: 0,
    });
    const [a, dom, v6, priv, asserted] = res.results;
    assert.equal(a?.type, IndicatorType.INDICATOR_TYPE_IP);
    assert.equal(a?.model?.name, 'ip');
    assert.equal(a?.ip?.asn, 15169);
    assert.equal(dom?.type, IndicatorType.INDICATOR_TYPE_DOMAIN);
    assert.equal(v6?.type, IndicatorType.INDICATOR_TYPE_IP);
    assert.equal(v6?.ip?.version, 6);
    assert.equal(typeof v6?.score, 'number');
    assert.equal(priv?.reasons[0]?.code, 'NOT_GLOBALLY_ROUTABLE');
    assert.equal(priv?.score, undefined);
    assert.equal(reason(asserted), 'INDICATOR_TYPE_MISMATCH');
  });
});
