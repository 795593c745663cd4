/**
 * csirtg-predictd's four endpoints behind --http-seed-compat, in its answer shapes: `{"data": "0"|"1"}`
 * (a string) for /domain/, /url/, /ip/; for POST /email the seed's extraction (message, urls,
 * email_addresses, headers as lists) plus `data`; `{"message": ...}` errors, 422 without a text part.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { seedHeaders, seedIpQuery } from '../../src/http/seed';
import { type HttpTestServer, startHttpTestServer } from './helpers';

const PHISH = readFileSync(join(__dirname, '..', 'fixtures', 'email', 'html-phish.eml'));

// biome-ignore lint/suspicious/noExplicitAny: answers are read field by field and checked by the asserts
type Json = any;

let s: HttpTestServer;
before(async () => {
  s = await startHttpTestServer(['--http-seed-compat', 'true']);
});
after(async () => {
  await s.close();
});

async function get(path: string) {
  const res = await fetch(`${s.base}${path}`);
  return { status: res.status, json: (await res.json()) as Json };
}

describe('seed endpoints', () => {
  it('GET /domain/?q= answers {"data": "1"} for a phishing name and {"data": "0"} for a benign one', async () => {
    const bad = await get('/domain/?q=paypal-login-secure.xyz');
    assert.equal(bad.status, 200);
    assert.deepEqual(bad.json, { data: '1' });
    const good = await get('/domain/?q=wikipedia.org');
    assert.deepEqual(good.json, { data: '0' });
    // Flask redirected /domain to /domain/; both answer here.
    assert.deepEqual((await get('/domain?q=wikipedia.org')).json, { data: '0' });
  });

  it('GET /url/?q= and /ip/?q=IP[,HOUR] answer the same shape', async () => {
    const url = await get(`/url/?q=${encodeURIComponent('http://paypal-login-secure.xyz/signin/verify')}`);
    assert.equal(url.status, 200);
    assert.deepEqual(Object.keys(url.json), ['data']);
    assert.equal(url.json.data, '1');
    for (const q of ['141.142.164.33', '122.2.223.242,6']) {
      const ip = await get(`/ip/?q=${encodeURIComponent(q)}`);
      assert.equal(ip.status, 200, q);
      assert.deepEqual(Object.keys(ip.json), ['data']);
      assert.match(ip.json.data, /^[01]$/);
    }
  });

  it('POST /email answers the seed extraction plus data', async () => {
    for (const path of ['/email', '/email/']) {
      const res = await fetch(`${s.base}${path}`, { method: 'POST', body: PHISH });
      assert.equal(res.status, 200);
      const json = (await res.json()) as Json;
      assert.deepEqual(Object.keys(json).sort(), ['data', 'email_addresses', 'headers', 'message', 'urls']);
      assert.equal(json.data, '1');
      assert.match(json.message, /<a href=/, 'the HTML part, as the seed preferred it');
      assert.ok(json.urls.includes('http://paypal.com.account-verify.example.net/login'));
      assert.ok(json.email_addresses.includes('service@paypal-security.example.com'));
      assert.deepEqual(json.headers.subject, ['Account limited']);
    }
  });

  it('errors are {"message": ...}: 400 without q or for an invalid value, 422 for a message without text', async () => {
    const noQ = await get('/domain/');
    assert.equal(noQ.status, 400);
    assert.deepEqual(Object.keys(noQ.json), ['message']);
    const bad = await get('/ip/?q=not-an-ip');
    assert.equal(bad.status, 400);
    assert.match(bad.json.message, /./);
    const hour = await get('/ip/?q=1.2.3.4,25');
    assert.equal(hour.status, 400);
    const empty = await fetch(`${s.base}/email`, { method: 'POST', body: 'Subject: x\r\n\r\n' });
    assert.equal(empty.status, 422);
    assert.deepEqual(Object.keys((await empty.json()) as Json), ['message']);
  });
});

describe('seed helpers', () => {
  it('the hour of /ip/?q=ip,hour becomes today at that hour, UTC', () => {
    const now = new Date('2025-03-04T17:30:00Z');
    assert.deepEqual(seedIpQuery('1.2.3.4,6', now), { ip: '1.2.3.4', observedAt: new Date('2025-03-04T06:00:00Z') });
    assert.deepEqual(seedIpQuery('1.2.3.4', now), { ip: '1.2.3.4' });
  });

  it('headers are lower-cased lists, folded lines joined', () => {
    const h = seedHeaders(Buffer.from('Received: a\r\n b\r\nReceived: c\r\nSubject: Hi\r\n\r\nBody: no\r\n'));
    assert.deepEqual(h, { received: ['a b', 'c'], subject: ['Hi'] });
  });
});
