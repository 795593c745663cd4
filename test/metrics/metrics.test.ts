/**
 * The Prometheus endpoint of one server process: read with a text-format parser, its counters move
 * after real gRPC calls by exactly what the calls did (per method and status code, per item type and
 * verdict as the answers said, cache, email parse size), and it is off unless asked for.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import type { GetModelResponse, ListModelsResponse } from '../../src/gen/threatpredict/v1/model_service';
import { Verdict } from '../../src/gen/threatpredict/v1/prediction';
import type {
  PredictDomainsResponse,
  PredictEmailsResponse,
  PredictResponse,
} from '../../src/gen/threatpredict/v1/prediction_service';
import { type MetricsListener, registryRenderer, startMetricsListener } from '../../src/metrics/http';
import { call, startTestServer, type TestServer } from '../helpers/server';
import { type Exposition, fetchText, scrape, total } from './scrape';

/**
 * The metric selectors of a PromQL expression, read with the Prometheus project's PromQL grammar:
 * each metric name and the label names its matchers use. Grafana's `$__rate_interval` is replaced
 * by a duration first; an expression that does not parse fails the test.
 */
function selectors(expr: string): { metric: string; labels: string[] }[] {
  const text = expr.replaceAll('$__rate_interval', '5m');
  const out: { metric: string; labels: string[] }[] = [];
  const cursor = promql!.parse(text).cursor();
  do {
    assert.ok(!cursor.type.isError, `"${expr}" parses as PromQL (error at ${cursor.from})`);
    if (cursor.name !== 'VectorSelector') continue;
    const node = cursor.node;
    const name = node.getChild('Identifier');
    assert.ok(name !== null, `"${expr}": every selector names its metric`);
    const labels: string[] = [];
    const inner = node.cursor();
    do if (inner.name === 'LabelName') labels.push(text.slice(inner.from, inner.to));
    while (inner.next() && inner.from < node.to);
    out.push({ metric: text.slice(name.from, name.to), labels });
  } while (cursor.next());
  assert.ok(out.length > 0, `"${expr}" selects a metric`);
  return out;
}

// The grammar is an ES module; this test file is CommonJS.
let promql: typeof import('@prometheus-io/lezer-promql', { with: { 'resolution-mode': 'import' }}).parser | undefined;
let t: TestServer;
let listener: MetricsListener;

const VERDICT_LABEL: Record<number, string> = {
  [Verdict.VERDICT_BENIGN]: 'benign',
  [Verdict.VERDICT_SUSPICIOUS]: 'suspicious',
  [Verdict.VERDICT_MALICIOUS]: 'malicious',
};

before(async () => {
  promql = (await import('@prometheus-io/lezer-promql')).parser;
  t = await startTestServer(['--metrics-listen', '127.0.0.1:0']);
  const registry = t.app.metrics?.registry;
  assert.ok(registry, 'metrics are on with --metrics-listen');
  listener = await startMetricsListener({
    listen: '127.0.0.1:0',
    render: registryRenderer(registry),
    logger: pino({ level: 'silent' }),
  });
});
after(async () => {
  await listener.close();
  await t.close();
});

const predictDomains = (values: string[]) =>
  call<object, PredictDomainsResponse>((r, cb) => t.predictions.predictDomains(r as never, cb), {
    items: values.map((value, i) => ({ id: String(i), value })),
    view: 0,
  });

/** What the answers say, as item counter labels: verdict, or error. */
function expectedCounts(predictions: { verdict: Verdict; error?: unknown }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of predictions) {
    const v = p.error !== undefined ? 'error' : (VERDICT_LABEL[p.verdict] ?? 'none');
    out.set(v, (out.get(v) ?? 0) + 1);
  }
  return out;
}

function delta(a: Exposition, b: Exposition, name: string, match: Record<string, string>): number {
  return total(b, name, match) - total(a, name, match);
}

describe('metrics endpoint', () => {
  it('counts RPCs per method and status code, with their latency', async () => {
    const before = await scrape(listener.port);
    await predictDomains(['example.com']);
    await predictDomains(['example.org']);
    await call<object, ListModelsResponse>((r, cb) => t.models.listModels(r, cb), {});
    await assert.rejects(
      call<object, GetModelResponse>((r, cb) => t.models.getModel(r as never, cb), { name: 'nope' }),
    );
    const after = await scrape(listener.port);
    const domains = { grpc_service: 'threatpredict.v1.PredictionService', grpc_method: 'PredictDomains' };
    assert.equal(delta(before, after, 'grpc_server_started_total', { ...domains, grpc_type: 'unary' }), 2);
    assert.equal(delta(before, after, 'grpc_server_handled_total', { ...domains, grpc_code: 'OK' }), 2);
    assert.equal(delta(before, after, 'grpc_server_handling_seconds_count', { ...domains, grpc_code: 'OK' }), 2);
    const getModel = { grpc_method: 'GetModel' };
    assert.equal(delta(before, after, 'grpc_server_handled_total', { ...getModel, grpc_code: 'NotFound' }), 1);
    assert.equal(delta(before, after, 'grpc_server_handled_total', { ...getModel, grpc_code: 'OK' }), 0);
    assert.equal(delta(before, after, 'grpc_server_handled_total', { grpc_method: 'ListModels', grpc_code: 'OK' }), 1);
    assert.equal(total(after, 'grpc_server_in_flight', domains), 0, 'no call is left in flight');
    assert.ok(total(after, 'grpc_server_handling_seconds_sum', { ...domains, grpc_code: 'OK' }) > 0);
    const inf = { ...domains, grpc_code: 'OK', le: '+Inf' };
    assert.equal(delta(before, after, 'grpc_server_handling_seconds_bucket', inf), 2, 'latency histogram buckets');
  });

  it('counts a stream as in flight while open, and once when it ends', async () => {
    const before = await scrape(listener.port);
    const stream = t.predictions.streamPredictDomains();
    const got = new Promise<void>((resolve) => stream.once('data', () => resolve()));
    stream.write({ items: [{ id: '1', value: 'example.net' }], view: 0 });
    await got;
    const open = await scrape(listener.port);
    const labels = { grpc_method: 'StreamPredictDomains', grpc_type: 'bidi_stream' };
    assert.equal(delta(before, open, 'grpc_server_in_flight', labels), 1, 'an open stream is in flight');
    const ended = once(stream, 'end');
    stream.end();
    await ended;
    const after = await scrape(listener.port);
    assert.equal(total(after, 'grpc_server_in_flight', labels), 0, 'the ended stream is no longer in flight');
    assert.equal(delta(before, after, 'grpc_server_handled_total', { ...labels, grpc_code: 'OK' }), 1);
    assert.equal(delta(before, after, 'grpc_server_handling_seconds_count', { ...labels, grpc_code: 'OK' }), 1);
  });

  it('counts items per type and verdict exactly as the answers gave them, cache repeats included', async () => {
    const values = ['paypal-login-secure.xyz', 'google.com', 'xn--pypal-4ve.com', 'not a domain!', ''];
    const before = await scrape(listener.port);
    const first = await predictDomains(values);
    const repeat = await predictDomains(values); // repeats: some answered from the cache
    const third = await predictDomains(values);
    const after = await scrape(listener.port);
    const want = expectedCounts([...first.results, ...repeat.results, ...third.results] as never);
    assert.ok((want.get('error') ?? 0) > 0 && want.size >= 2, `a mix of verdicts and errors: ${[...want]}`);
    for (const verdict of ['benign', 'suspicious', 'malicious', 'error', 'none'])
      assert.equal(
        delta(before, after, 'threatpredict_items_total', { type: 'domain', verdict }),
        want.get(verdict) ?? 0,
        `domain items with verdict ${verdict}`,
      );
    const cache = { model: 'domain', version: String(t.app.repository.serving('domain')?.version) };
    assert.ok(delta(before, after, 'threatpredict_cache_misses_total', cache) > 0, 'cache misses counted');
    assert.ok(delta(before, after, 'threatpredict_cache_hits_total', cache) > 0, 'the third batch hits the cache');
    assert.ok(total(after, 'threatpredict_cache_bytes', cache) > 0, 'cache bytes reported');
  });

  it('counts items of the generic Predict by their detected type', async () => {
    const before = await scrape(listener.port);
    const res = await call<object, PredictResponse>((r, cb) => t.predictions.predict(r as never, cb), {
      items: [
        { id: 'a', value: '8.8.8.8', type: 0 },
        { id: 'b', value: 'http://example.com/login', type: 0 },
        { id: 'c', value: '???', type: 0 },
      ],
      view: 0,
    });
    const after = await scrape(listener.port);
    assert.equal(delta(before, after, 'threatpredict_items_total', { type: 'ip' }), 1);
    assert.equal(delta(before, after, 'threatpredict_items_total', { type: 'url' }), 1);
    assert.equal(delta(before, after, 'threatpredict_items_total', { type: 'unknown', verdict: 'error' }), 1);
    assert.equal(res.results.length, 3);
  });

  it('reports email parse time and size, and the message verdicts', async () => {
    const raw = readFileSync(join(__dirname, '../fixtures/email/html-phish.eml'));
    const before = await scrape(listener.port);
    const res = await call<object, PredictEmailsResponse>((r, cb) => t.predictions.predictEmails(r as never, cb), {
      items: [{ id: 'm', value: raw }],
      view: 0,
    });
    const after = await scrape(listener.port);
    assert.equal(delta(before, after, 'threatpredict_email_parse_seconds_count', { outcome: 'ok' }), 1);
    assert.equal(delta(before, after, 'threatpredict_email_message_bytes_sum', {}), raw.length);
    const verdict = VERDICT_LABEL[res.results[0]!.verdict] ?? 'none';
    assert.equal(delta(before, after, 'threatpredict_items_total', { type: 'email_message', verdict }), 1);
    assert.equal(total(after, 'threatpredict_email_parse_queued'), 0);
    assert.equal(total(after, 'threatpredict_email_parse_running'), 0);
  });

  it('reports the serving version of every model, queue depths and event-loop lag', async () => {
    const m = await scrape(listener.port);
    for (const status of t.app.repository.list())
      assert.equal(total(m, 'threatpredict_model_serving_version', { model: status.name }), status.serving?.version);
    for (const name of ['threatpredict_inference_queued_runs', 'threatpredict_inference_in_flight'])
      assert.equal(m.types.get(name), 'gauge', name);
    assert.equal(m.types.get('nodejs_eventloop_lag_seconds'), 'gauge');
    assert.ok(total(m, 'threatpredict_model_versions', { state: 'serving' }) >= 4);
  });

  it('has every metric and label the Grafana dashboard queries', async () => {
    // Runs after the calls above, so every labelled series has appeared.
    const m = await scrape(listener.port);
    const dashboard = JSON.parse(readFileSync(join(__dirname, '../../deploy/grafana/threatpredict.json'), 'utf8'));
    const exprs: string[] = [];
    for (const panel of dashboard.panels as { type: string; title: string; targets?: { expr: string }[] }[]) {
      if (panel.type === 'row') continue;
      assert.ok((panel.targets ?? []).length > 0, `panel "${panel.title}" queries something`);
      for (const target of panel.targets ?? []) exprs.push(target.expr);
    }
    assert.ok(exprs.length >= 20);
    const seen = new Set<string>();
    for (const expr of exprs) {
      for (const { metric, labels } of selectors(expr)) {
        seen.add(metric);
        const series = m.samples.get(metric);
        assert.ok(series !== undefined && series.length > 0, `${metric} (in "${expr}") is in the exposition`);
        for (const label of labels)
          assert.ok(
            series.some((s) => label in s.labels),
            `${metric} has a label ${label} (in "${expr}")`,
          );
      }
    }
    // The dashboard covers what the issue asks for.
    for (const metric of [
      'grpc_server_handled_total',
      'grpc_server_handling_seconds_bucket',
      'threatpredict_items_total',
      'threatpredict_cache_hits_total',
      'threatpredict_cache_bytes',
      'threatpredict_model_serving_version',
      'threatpredict_inference_queued_runs',
      'threatpredict_email_parse_queued',
      'threatpredict_email_parse_seconds_bucket',
      'threatpredict_email_message_bytes_bucket',
      'nodejs_eventloop_lag_p99_seconds',
    ])
      assert.ok(seen.has(metric), `the dashboard shows ${metric}`);
  });

  it('answers 404 elsewhere than GET /metrics', async () => {
    assert.equal((await fetchText(`http://127.0.0.1:${listener.port}/`)).status, 404);
  });

  it('keeps no metrics without --metrics-listen', async () => {
    const app = await createApp(loadConfig(['--inference', 'inline'], {}), pino({ level: 'silent' }));
    try {
      assert.equal(app.metrics, undefined);
    } finally {
      await app.close();
    }
  });
});

describe('items metric when an answer is over the message size limit', () => {
  // The full answer of these batches is over the limit, so it is scored again as objects and sent in
  // the compact view (test/hostile/oversized.test.ts): the items are still counted once.
  let small: TestServer;
  let smallListener: MetricsListener;
  before(async () => {
    small = await startTestServer(['--metrics-listen', '127.0.0.1:0', '--max-message-bytes', '200000']);
    smallListener = await startMetricsListener({
      listen: '127.0.0.1:0',
      render: registryRenderer(small.app.metrics!.registry),
      logger: pino({ level: 'silent' }),
    });
  });
  after(async () => {
    await smallListener.close();
    await small.close();
  });

  const names = (tag: string) => Array.from({ length: 1500 }, (_, i) => `${tag}-${i}.example-${i % 7}.net`);

  it('counts each item of a typed batch once', async () => {
    const before = await scrape(smallListener.port);
    const res = await call<object, PredictDomainsResponse>(
      (r, cb) => small.predictions.predictDomains(r as never, cb),
      { items: names('typed').map((value, i) => ({ id: String(i), value })), view: 0 },
    );
    const after = await scrape(smallListener.port);
    assert.equal(res.results[0]?.indicator, '', 'sent in the compact view');
    assert.equal(delta(before, after, 'threatpredict_items_total', { type: 'domain' }), 1500);
  });

  it('counts each item of a generic Predict batch once', async () => {
    const before = await scrape(smallListener.port);
    const res = await call<object, PredictResponse>((r, cb) => small.predictions.predict(r as never, cb), {
      items: names('generic').map((value, i) => ({ id: String(i), value, type: 0 })),
      view: 0,
    });
    const after = await scrape(smallListener.port);
    assert.equal(res.results[0]?.indicator, '', 'sent in the compact view');
    assert.equal(delta(before, after, 'threatpredict_items_total', { type: 'domain' }), 1500);
  });
});
