/** The command's own behaviour: stdin, malformed lines, the verdict filter, usage errors, progress text. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { progressLine } from '../../src/watch/progress';
import { startTestServer, type TestServer } from '../helpers/server';
import { runWatch } from './helpers/run-watch';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.close();
});

const EVE = [
  '{"flow_id":1,"event_type":"dns","dns":{"type":"query","rrname":"paypal-secure-login.xyz"}}',
  '{"flow_id":2,"event_type":"dns","dns":{"type":"query","rrname":"wikipedia.org"}}',
  '{"flow_id":3,"event_type":"dns",',
  '',
  '{"flow_id":4,"event_type":"tls","dest_ip":"192.168.1.1","tls":{"sni":"wikipedia.org"}}',
].join('\n');

test('watch on stdin: a malformed line is reported with its number and counted, the rest answered in order', async () => {
  const run = await runWatch(['--server', server.address, '--min-verdict', 'all', '--stats'], EVE);
  assert.equal(run.code, 0);
  assert.match(run.stderr, /^watch: stdin:3: not JSON/m);
  assert.deepEqual(
    run.lines.map((l) => [l.line, l.value]),
    [
      [1, 'paypal-secure-login.xyz'],
      [2, 'wikipedia.org'],
      [5, 'wikipedia.org'],
      [5, '192.168.1.1'],
    ],
  );
  assert.equal(run.lines[2]!.deduplicated, true, 'a repeat is answered without asking again');
  const s = JSON.parse(run.stderr.trim().split('\n').pop()!);
  assert.equal(s.malformed, 1);
  assert.equal(s.records, 3);
  assert.equal(s.indicators, 4);
  assert.equal(s.sent, 3);
  assert.equal(s.answered, 4);
});

test('watch --min-verdict: suspicious (the default) writes only flagged answers', async () => {
  const run = await runWatch(['--server', server.address], EVE);
  assert.deepEqual(
    run.lines.map((l) => l.value),
    ['paypal-secure-login.xyz'],
  );
  assert.equal(run.lines[0]!.verdict, 'malicious');
  assert.equal(run.stderr.replace(/^watch: stdin:3.*\n/m, ''), '', 'quiet in a pipe: no progress, no counters');
});

test('watch: usage errors say what is wrong', async () => {
  await assert.rejects(runWatch(['--follow']), /--follow and --position need a FILE/);
  await assert.rejects(runWatch(['--min-verdict', 'bad', 'x']), /--min-verdict must be one of/);
  await assert.rejects(runWatch(['--batch', '0', 'x']), /--batch must be an integer >= 1/);
});

test('progress line: rates over the interval, dedup share, flagged, lag', () => {
  const counters = {
    lines: 2000,
    records: 2000,
    malformed: 1,
    indicators: 5000,
    answered: 5000,
    deduplicated: 2500,
    flagged: 12,
    neverAlert: 3,
    itemErrors: 0,
    written: 12,
  };
  const line = progressLine(
    {
      counters,
      window: { sent: 2500, deduplicated: 2500, batches: 3, reconnects: 1, resentBatches: 2 },
      lag: () => 20_000,
    },
    { ...counters, records: 1000, answered: 3000 },
    2,
  );
  assert.equal(
    line,
    'records 2000 (500/s)  indicators 5000 (1000/s)  dedup 50%  flagged 12  malformed 1  lag 20k B  reconnects 1',
  );
});
