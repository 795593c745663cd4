/**
 * The real sensor: Debian's `suricata` reads a capture this test writes (DNS query and answer, an
 * HTTP download, a TLS session with SNI), and `threatpredict watch` (the command, as an operator runs
 * it) reads its eve.json against a running server. Every expected indicator must be answered and
 * joined to the flow_id of the event it came from. Without suricata the test fails: provision it
 * with `bash scripts/provision-watch.sh` (CI does).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from '../helpers/server';
import { dnsAnswer, dnsQuery, httpGet, httpOk, Pcap, tlsClientHello, tlsServerHello } from './helpers/pcap';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

let server: TestServer;
let dir: string;
let eve: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'watch-suricata-'));
  const p = new Pcap();
  p.udp('10.1.1.5', 40000, '10.1.1.1', 53, dnsQuery(0x1234, 'paypal-secure-login.xyz'));
  p.udp('10.1.1.1', 53, '10.1.1.5', 40000, dnsAnswer(0x1234, 'paypal-secure-login.xyz', '45.33.12.7'));
  p.tcpSession('10.1.1.5', 40001, '45.33.12.7', 80, [
    { client: httpGet('paypal-secure-login.xyz', '/verify/account.php?id=7'), server: httpOk('MZ fake download body') },
  ]);
  p.tcpSession('10.1.1.5', 40002, '93.184.216.34', 443, [
    { client: tlsClientHello('login-microsoftonline-verify.top'), server: tlsServerHello() },
  ]);
  writeFileSync(join(dir, 'capture.pcap'), p.bytes());
  writeFileSync(join(dir, 'empty.rules'), '');
  mkdirSync(join(dir, 'log'));
  try {
    await run('suricata', [
      '-c',
      join(ROOT, 'test', 'fixtures', 'suricata', 'suricata.yaml'),
      '-r',
      join(dir, 'capture.pcap'),
      '-l',
      join(dir, 'log'),
      '-S',
      join(dir, 'empty.rules'),
      '-k',
      'none',
      '--runmode',
      'single',
    ]);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT')
      throw new Error('suricata is not installed: run `sudo bash scripts/provision-watch.sh` (CI runs it)');
    throw new Error(`suricata failed: ${e.stderr ?? e.message}`);
  }
  eve = join(dir, 'log', 'eve.json');
  server = await startTestServer();
});

after(async () => {
  await server?.close();
});

/** eve.json's events: type and flow_id digits by line number (1-based), read from the file itself. */
function events(): { type: string; flowId: string }[] {
  const out = [{ type: '', flowId: '' }];
  for (const line of readFileSync(eve, 'utf8').split('\n')) {
    if (line === '') continue;
    out.push({ type: JSON.parse(line).event_type, flowId: /"flow_id":(\d+)/.exec(line)?.[1] ?? '' });
  }
  return out;
}

async function watchCli(args: string[]): Promise<{ raw: string[]; stderr: string }> {
  const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'bin', 'threatpredict.js'), 'watch', ...args], {
    maxBuffer: 16 << 20,
  });
  return { raw: stdout.split('\n').filter((l) => l !== ''), stderr };
}

test('suricata eve.json: every DNS, HTTP, TLS and file indicator is answered and joined to its flow', async () => {
  const ev = events();
  for (const t of ['dns', 'http', 'tls', 'fileinfo'])
    assert.ok(
      ev.some((e) => e.type === t),
      `suricata logged a ${t} event`,
    );
  const { raw, stderr } = await watchCli([eve, '--server', server.address, '--min-verdict', 'all', '--stats']);
  const summary = JSON.parse(stderr.trim().split('\n').pop()!);
  assert.equal(summary.malformed, 0);
  assert.equal(summary.answered, summary.indicators);
  // [event type, field, value, how many events carry it]: the DNS query and its answer both name it.
  const expected: [string, string, string, number][] = [
    ['dns', 'dns.rrname', 'paypal-secure-login.xyz', 2],
    ['dns', 'dns.answers.rdata', '45.33.12.7', 1],
    ['http', 'http.url', 'http://paypal-secure-login.xyz/verify/account.php?id=7', 1],
    ['tls', 'tls.sni', 'login-microsoftonline-verify.top', 1],
    ['tls', 'dest_ip', '93.184.216.34', 1],
    ['fileinfo', 'fileinfo.md5', '', 1],
  ];
  // The file hash is the capture's body's: computed here, not copied from Suricata's output.
  const { createHash } = await import('node:crypto');
  expected[5]![2] = createHash('md5').update('MZ fake download body').digest('hex');
  for (const [type, field, value, count] of expected) {
    const hits = raw.filter(
      (l) => JSON.parse(l).event_type === type && JSON.parse(l).field === field && JSON.parse(l).value === value,
    );
    assert.equal(hits.length, count, `${type} ${field} ${value} answered once per event`);
    for (const line of hits) {
      const o = JSON.parse(line);
      const flowId = ev[o.line]!.flowId;
      assert.equal(ev[o.line]!.type, type);
      // Joined by the exact digits: flow ids use 64 bits, more than a JSON number keeps.
      assert.ok(line.startsWith(`{"flow_id":${flowId},`), `${value} joined to flow ${flowId}: ${line}`);
      assert.ok(o.verdict !== undefined || o.error !== undefined, `${value} has an answer`);
      assert.match(String(o.ts), /^2023-11-14T22:13:20/);
    }
  }
  const hash = raw.map((l) => JSON.parse(l)).find((o) => o.field === 'fileinfo.md5');
  assert.equal(hash.error.reason, 'INDICATOR_TYPE_UNSUPPORTED');
});

test('suricata eve.json as EVE alerts: flagged indicators become alert events on their flow, private addresses never do', async () => {
  const ev = events();
  const { raw } = await watchCli([eve, '--server', server.address, '--eve-alert']);
  assert.ok(raw.length > 0, 'the phishing names are flagged');
  for (const line of raw) {
    const o = JSON.parse(line);
    assert.equal(o.event_type, 'alert');
    assert.ok([1, 2].includes(o.alert.severity));
    assert.ok(!String(o.threatpredict.value).startsWith('10.'), 'a private address never alerts');
    assert.equal(ev[o.threatpredict.line]!.type, o.threatpredict.source_event);
    assert.ok(line.startsWith(`{"flow_id":${ev[o.threatpredict.line]!.flowId},`));
  }
  const values = raw.map((l) => JSON.parse(l).threatpredict.value);
  assert.ok(values.includes('paypal-secure-login.xyz'), `alerts: ${values.join(', ')}`);
});
