/**
 * Issue 15, item 8: answers that disagreed with each other or were wrong. Through the generic Predict
 * RPC, which routes to every path involved.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { IndicatorType, Verdict } from '../../src/gen/threatpredict/v1/prediction';
import type { PredictResponse } from '../../src/gen/threatpredict/v1/prediction_service';
import { errorInfoOf } from '../helpers/errors';
import { call, startTestServer, type TestServer } from '../helpers/server';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

it('reads addresses one way, answers local hosts by rule, and checks an asserted file hash', async () => {
  const T = IndicatorType;
  const items = [
    { id: 'ip', value: '017.0.0.1', type: T.INDICATOR_TYPE_IP },
    { id: 'url', value: 'http://017.0.0.1/', type: T.INDICATOR_TYPE_URL },
    { id: 'loop', value: 'http://127.0.0.1/paypal/login.php', type: T.INDICATOR_TYPE_UNSPECIFIED },
    { id: 'local', value: 'http://localhost:3000/signin', type: T.INDICATOR_TYPE_URL },
    { id: 'lan', value: 'https://intranet/payroll', type: T.INDICATOR_TYPE_URL },
    { id: 'hash?', value: 'paypal-login-secure.xyz', type: T.INDICATOR_TYPE_FILE_HASH },
    { id: 'hash', value: 'd41d8cd98f00b204e9800998ecf8427e', type: T.INDICATOR_TYPE_FILE_HASH },
  ];
  const res = await call<object, PredictResponse>((r, cb) => t.predictions.predict(r as never, cb), { items, view: 0 });
  const [ip, url, loop, local, lan, notHash, hash] = res.results;
  // PredictIps refuses the ambiguous form; a URL reads it as the URL standard (and a browser) does.
  assert.match(
    ip?.error?.message ?? '',
    /leading zero: URLs and inet_aton read it as octal 15, other software as decimal 17/,
  );
  assert.equal(url?.indicator, 'http://15.0.0.1/');
  for (const r of [loop, local, lan]) {
    assert.equal(r?.error, undefined, r?.indicator);
    assert.equal(r?.score, undefined, `${r?.indicator} is not scored`);
    assert.equal(r?.verdict, Verdict.VERDICT_BENIGN);
    assert.equal(r?.reasons[0]?.code, 'NOT_GLOBALLY_ROUTABLE');
  }
  assert.equal(errorInfoOf(notHash?.error)?.reason, 'INDICATOR_TYPE_MISMATCH');
  assert.equal(errorInfoOf(hash?.error)?.reason, 'INDICATOR_TYPE_UNSUPPORTED');
});
