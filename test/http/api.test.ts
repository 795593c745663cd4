/**
 * JSON over HTTP: every RPC by its google.api.http route with the canonical JSON mapping, answers
 * equal to gRPC's, errors as google.rpc.Status with Google's HTTP statuses, limits, deadlines,
 * streams, the message/rfc822 body, the served documents, and the interceptor hook.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type {
  PredictDomainsRequest,
  PredictDomainsResponse,
  PredictEmailsRequest,
  PredictEmailsResponse,
} from '../../src/gen/threatpredict/v1/prediction_service';
import type { HttpRoute } from '../../src/http/route';
import { call } from '../helpers/server';
import { getJson, type HttpTestServer, postJson, reasonOf, startHttpTestServer } from './helpers';

const FIXTURES = join(__dirname, '..', 'fixtures', 'email');
const PHISH = readFileSync(join(FIXTURES, 'html-phish.eml'));
const PLAIN = readFileSync(join(FIXTURES, 'single-part.eml'));

let s: HttpTestServer;
const seen: string[] = [];

before(async () => {
  s = await startHttpTestServer(['--max-batch-items', '50', '--max-message-bytes', '65536'], {
    interceptors: [
      async (route: HttpRoute, req, res, next) => {
        seen.push(route.name);
        if (req.headers['x-test-deny'] !== undefined) {
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"code":16,"message":"denied by test"}');
          return;
        }
        await next();
      },
    ],
  });
});
after(async () => {
  await s.close();
});

describe('prediction RPCs over HTTP', () => {
  it('POST /v1/domains:predict answers what gRPC answers, item for item, per-item errors included', async () => {
    const items = [
      { id: 'a', value: 'paypal-login-secure.xyz' },
      { id: 'b', value: 'wikipedia.org' },
      { id: 'c', value: 'bad..example' },
    ];
    const http = await postJson(s.base, '/v1/domains:predict', { items });
    assert.equal(http.status, 200);
    const grpc = await call<PredictDomainsRequest, PredictDomainsResponse>(
      s.predictions.predictDomains.bind(s.predictions),
      {
        items,
        view: 0,
      },
    );
    assert.equal(http.json.results.length, 3);
    for (const [i, r] of http.json.results.entries()) {
      const g = grpc.results[i]!;
      assert.equal(r.id, g.id);
      assert.equal(r.indicator ?? '', g.indicator);
      assert.equal(r.score, g.score);
      assert.deepEqual(
        (r.reasons ?? []).map((x: { code: string }) => x.code),
        g.reasons.map((x) => x.code),
      );
    }
    assert.equal(http.json.results[0].verdict, 'VERDICT_MALICIOUS');
    assert.equal(http.json.results[0].type, 'INDICATOR_TYPE_DOMAIN');
    assert.equal(http.json.results[0].domain.registrableDomain, 'paypal-login-secure.xyz');
    assert.equal(reasonOf(http.json.results[2].error), 'INVALID_DOMAIN');
  });

  it('POST /v1/urls:predict takes defanged URLs; the compact view by its enum name', async () => {
    const r = await postJson(s.base, '/v1/urls:predict', {
      items: [{ id: '1', value: 'hxxp://paypal-login-secure[.]xyz/signin' }],
      view: 'RESULT_VIEW_COMPACT',
    });
    assert.equal(r.status, 200);
    assert.equal(r.json.results[0].type, 'INDICATOR_TYPE_URL');
    assert.ok(typeof r.json.results[0].score === 'number');
    assert.equal(r.json.results[0].reasons, undefined, 'compact: no reasons');
  });

  it('POST /v1/ips:predict takes an RFC 3339 observed_at (snake_case field names too) and enriches', async () => {
    const r = await postJson(s.base, '/v1/ips:predict', {
      items: [{ id: '1', value: '8.8.8.8', observed_at: '2024-07-05T03:00:00Z' }],
    });
    assert.equal(r.status, 200);
    assert.equal(r.json.results[0].type, 'INDICATOR_TYPE_IP');
    assert.equal(r.json.results[0].ip.address, '8.8.8.8');
  });

  it('POST /v1/indicators:predict detects each type', async () => {
    const r = await postJson(s.base, '/v1/indicators:predict', {
      items: [
        { id: '1', value: 'wikipedia.org' },
        { id: '2', value: '2001:db8::1' },
        { id: '3', value: 'alice@example.org' },
        { id: '4', value: 'http://example.com/x' },
      ],
    });
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.json.results.map((x: { type: string }) => x.type),
      ['INDICATOR_TYPE_DOMAIN', 'INDICATOR_TYPE_IP', 'INDICATOR_TYPE_EMAIL_ADDRESS', 'INDICATOR_TYPE_URL'],
    );
  });

  it('POST /v1/emails:predict takes base64 in JSON and a message/rfc822 body, with the same answer', async () => {
    const json = await postJson(s.base, '/v1/emails:predict', {
      items: [{ id: 'm', value: PHISH.toString('base64') }],
    });
    const res = await fetch(`${s.base}/v1/emails:predict?id=m`, {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822' },
      body: PHISH,
    });
    assert.equal(json.status, 200);
    assert.equal(res.status, 200);
    const raw = await res.json();
    assert.deepEqual(raw, json.json);
    const grpc = await call<PredictEmailsRequest, PredictEmailsResponse>(
      s.predictions.predictEmails.bind(s.predictions),
      {
        items: [{ id: 'm', value: PHISH }],
        view: 0,
      },
    );
    assert.equal(raw.results[0].score, grpc.results[0]!.score);
    assert.equal(raw.results[0].indicators.length, grpc.results[0]!.indicators.length);
    assert.ok(raw.results[0].messages[0].htmlBody.includes('<a href='), 'the HTML body is echoed as a string');
  });

  it('an unparseable message is a per-item error; the call succeeds', async () => {
    const r = await postJson(s.base, '/v1/emails:predict', {
      items: [
        { id: 'ok', value: PLAIN.toString('base64') },
        { id: 'empty', value: '' },
      ],
      view: 'RESULT_VIEW_COMPACT',
    });
    assert.equal(r.status, 200);
    assert.equal(r.json.results[0].error, undefined);
    assert.ok(r.json.results[1].error, 'the empty message has an error');
  });
});

describe('model RPCs over HTTP', () => {
  it('GET /v1/models, /v1/models/{name}, /v1/serverInfo', async () => {
    const list = await getJson(s.base, '/v1/models');
    assert.equal(list.status, 200);
    assert.ok(list.json.models.some((m: { name: string }) => m.name === 'domain'));
    const one = await getJson(s.base, '/v1/models/domain');
    assert.equal(one.json.model.name, 'domain');
    assert.ok(one.json.model.servingVersion >= 1);
    const info = await getJson(s.base, '/v1/serverInfo');
    assert.deepEqual(info.json, {
      maxBatchItems: 50,
      maxMessageBytes: '65536',
      maxEmailBytes: String(25 * 1024 * 1024),
    });
  });

  it('a missing model is 404 with ErrorInfo MODEL_NOT_FOUND; ReloadModels without --admin-rpc is 403', async () => {
    const missing = await getJson(s.base, '/v1/models/nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.json.code, 5);
    assert.equal(reasonOf(missing.json), 'MODEL_NOT_FOUND');
    const reload = await postJson(s.base, '/v1/models:reload', { pins: [] });
    assert.equal(reload.status, 403);
    assert.equal(reasonOf(reload.json), 'ADMIN_RPC_DISABLED');
  });
});

describe('errors and limits', () => {
  it('an unknown field, a body that is not JSON or query parameters on a body route: 400 MALFORMED_REQUEST', async () => {
    for (const body of ['{"items":[],"bogus":1}', 'not json', '[1,2]', '{"items":"x"}']) {
      const r = await postJson(s.base, '/v1/domains:predict', body);
      assert.equal(r.status, 400, body);
      assert.equal(r.json.code, 3);
      assert.equal(reasonOf(r.json), 'MALFORMED_REQUEST', body);
    }
    const q = await postJson(s.base, '/v1/domains:predict?view=RESULT_VIEW_FULL', { items: [] });
    assert.equal(q.status, 400);
  });

  it('more items than --max-batch-items: 400 BATCH_TOO_LARGE, as the gRPC call fails', async () => {
    const items = Array.from({ length: 51 }, (_, i) => ({ id: String(i), value: `n${i}.example` }));
    const r = await postJson(s.base, '/v1/domains:predict', { items });
    assert.equal(r.status, 400);
    assert.equal(reasonOf(r.json), 'BATCH_TOO_LARGE');
  });

  it('a body over the limit is 413 RESOURCE_EXHAUSTED (JSON: 2x the message limit; raw message: the limit)', async () => {
    const big = JSON.stringify({ items: [{ id: 'x', value: 'a'.repeat(140_000) }] });
    const r = await postJson(s.base, '/v1/domains:predict', big);
    assert.equal(r.status, 413);
    assert.equal(r.json.code, 8);
    const raw = await fetch(`${s.base}/v1/emails:predict`, {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822' },
      body: Buffer.concat([PLAIN, Buffer.alloc(70_000, 0x61)]),
    });
    assert.equal(raw.status, 413);
  });

  it('a JSON body within 2x whose binary message is over the limit is 413 too', async () => {
    const items = Array.from({ length: 40 }, (_, i) => ({ id: String(i), value: `${'b'.repeat(1700)}${i}.example` }));
    const r = await postJson(s.base, '/v1/domains:predict', { items });
    assert.equal(r.status, 413);
  });

  it('unknown path 404, wrong method 405 with Allow', async () => {
    const nf = await getJson(s.base, '/v1/nothing');
    assert.equal(nf.status, 404);
    assert.equal(nf.json.code, 5);
    const wrong = await getJson(s.base, '/v1/domains:predict');
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'POST');
  });

  it('the deadline (X-Server-Timeout) passing before the answer is 504 DEADLINE_EXCEEDED', async () => {
    const port = Number(new URL(s.base).port);
    // The body never ends: the call cannot finish, the deadline must.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/v1/domains:predict',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-server-timeout': '0.2', 'content-length': '1000' },
        },
        (res) => {
          let body = '';
          res.on('data', (c) => {
            body += c;
          });
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body });
            req.destroy();
          });
        },
      );
      req.on('error', reject);
      req.write('{"items":[');
    });
    assert.equal(answer.status, 504);
    assert.equal(reasonOf(JSON.parse(answer.body)), 'DEADLINE_EXCEEDED');
  });

  it('keeps an idle connection open past the 5 s Node default, so a client reusing it does not race a close', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const port = Number(new URL(s.base).port);
    const get = () =>
      new Promise<boolean>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/v1/serverInfo', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(req.reusedSocket));
        });
        req.on('error', reject);
        req.end();
      });
    await get();
    await new Promise((r) => setTimeout(r, 6000));
    assert.equal(await get(), true, 'the second request went over the same connection');
    agent.destroy();
  });

  it('a bad X-Server-Timeout is 400', async () => {
    const r = await postJson(s.base, '/v1/domains:predict', { items: [] }, { 'x-server-timeout': 'soon' });
    assert.equal(r.status, 400);
  });
});

describe('streams as newline-delimited JSON', () => {
  it('one answer line per request line, in order; a bad line is an error line and the stream goes on', async () => {
    const body = [
      JSON.stringify({ items: [{ id: '1', value: 'paypal-login-secure.xyz' }] }),
      'not json',
      JSON.stringify({ items: [{ id: '2', value: 'wikipedia.org' }], view: 'RESULT_VIEW_COMPACT' }),
      '',
    ].join('\n');
    const res = await fetch(`${s.base}/v1/domains:streamPredict`, { method: 'POST', body });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/x-ndjson/);
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 3);
    assert.equal(lines[0].result.results[0].id, '1');
    assert.equal(reasonOf(lines[1].error), 'MALFORMED_REQUEST');
    assert.equal(lines[2].result.results[0].id, '2');
  });
});

describe('documents, page and hooks', () => {
  it('serves the page with a strict CSP, the OpenAPI document and the reference page', async () => {
    const page = await fetch(`${s.base}/`);
    assert.equal(page.status, 200);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    const doc = await getJson(s.base, '/openapi.json');
    assert.equal(doc.json.openapi, '3.0.3');
    assert.ok(doc.json.paths['/v1/domains:predict']);
    const docs = await fetch(`${s.base}/docs/`);
    assert.equal(docs.status, 200);
    assert.match(await docs.text(), /swagger-ui-bundle\.js/);
    assert.equal((await fetch(`${s.base}/docs/swagger-ui-bundle.js`)).status, 200);
  });

  it('the seed endpoints are off unless --http-seed-compat', async () => {
    assert.equal((await fetch(`${s.base}/domain/?q=example.com`)).status, 404);
  });

  it('every request goes through the interceptors, which see the RPC name and may answer instead', async () => {
    seen.length = 0;
    await postJson(s.base, '/v1/domains:predict', { items: [] });
    await getJson(s.base, '/v1/models/domain');
    assert.deepEqual(seen, [
      'threatpredict.v1.PredictionService/PredictDomains',
      'threatpredict.v1.ModelService/GetModel',
    ]);
    const denied = await postJson(s.base, '/v1/domains:predict', { items: [] }, { 'x-test-deny': '1' });
    assert.equal(denied.status, 401);
  });
});
