/**
 * Zeek logs, TSV and JSON, written from Zeek's documented log schemas (test/fixtures/zeek): every
 * value worth scoring is answered once, joined to its uid, and both encodings read the same way.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server';
import { runWatch } from './helpers/run-watch';

const FIXTURES = join(__dirname, '..', 'fixtures', 'zeek');

/** [uid, field, value, type] per log, in log order. */
const EXPECTED: Record<string, [string, string, string, string][]> = {
  dns: [
    ['CHhAvVGS1DHFjwGM9', 'query', 'paypal-secure-login.xyz', 'domain'],
    ['CHhAvVGS1DHFjwGM9', 'answers', '45.33.12.7', 'ip'],
    ['CHhAvVGS1DHFjwGM9', 'answers', 'cdn.paypal-secure-login.xyz', 'domain'],
    ['C4J4Th3PJpwUYZZ6gc', 'query', 'wikipedia.org', 'domain'],
    ['C4J4Th3PJpwUYZZ6gc', 'answers', '2620:0:862:ed1a::1', 'ip'],
    // An unset query (`-`) gives nothing; a \x09 escape is the tab it stands for; TXT data is no indicator.
    ['CUM0KZ3MLUfNB0cl11', 'query', 'tab\tin-name.example', 'domain'],
  ],
  http: [
    ['CwjjYJ2WqgTbAqiHl6', 'uri', 'http://paypal-secure-login.xyz/verify/account.php?id=7', 'url'],
    ['CJ3xTn1c4Zw9TmAE05', 'uri', 'http://update-check.example.com:8080/a/b.bin', 'url'],
    ['CJ3xTn1c4Zw9TmAE05', 'referrer', 'http://paypal-secure-login.xyz/verify/account.php?id=7', 'url'],
  ],
  ssl: [['CmES5u32sYpV7JYN', 'server_name', 'login-microsoftonline-verify.top', 'domain']],
  conn: [
    ['C1xJ6o2bsRKgTgvMbd', 'id.resp_h', '185.220.101.4', 'ip'],
    ['CHZeJB3N4r9xY0CDE1', 'id.resp_h', '10.0.0.77', 'ip'],
  ],
  smtp: [
    ['CpmdRlaUoJLN3uIRa', 'helo', 'mail.paypa1-billing.top', 'domain'],
    ['CpmdRlaUoJLN3uIRa', 'mailfrom', 'billing@paypa1-billing.top', 'email_address'],
    ['CpmdRlaUoJLN3uIRa', 'rcptto', 'alice@corp.example', 'email_address'],
    ['CpmdRlaUoJLN3uIRa', 'rcptto', 'bob@corp.example', 'email_address'],
  ],
  files: [
    ['CwjjYJ2WqgTbAqiHl6', 'md5', 'e0fd084b076de5aa562be057e62eb9f4', 'file_hash'],
    ['CwjjYJ2WqgTbAqiHl6', 'sha1', '0a4d55a8d778e5022fab701977c5d840bbc486d0', 'file_hash'],
    ['CwjjYJ2WqgTbAqiHl6', 'sha256', 'af2d59c746a960df1e6850bfa68685b130fe0efe5e123c13614d4c036cbb3fca', 'file_hash'],
  ],
};

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.close();
});

async function read(file: string, log: string): Promise<Record<string, unknown>[]> {
  const run = await runWatch([file, '--server', server.address, '--min-verdict', 'all', '--format', 'zeek']);
  assert.equal(run.code, 0);
  assert.equal(run.stderr, '', 'no malformed line, no retry');
  const got = run.lines.map((l) => [l.uid, l.field, l.value, l.type]);
  assert.deepEqual(got, EXPECTED[log], `${file}: every value once, in log order, joined to its uid`);
  for (const l of run.lines) {
    assert.equal(l.sensor, 'zeek');
    assert.equal(l.log, log);
    assert.equal(typeof l.ts, 'number');
    assert.ok(l.verdict !== undefined || l.error !== undefined, `${l.value} is answered`);
  }
  return run.lines;
}

const strip = (lines: Record<string, unknown>[]) => lines.map(({ line: _l, file: _f, ...rest }) => rest);

for (const log of Object.keys(EXPECTED)) {
  test(`zeek ${log}.log: TSV and JSON give the same answers, joined to the uid`, async () => {
    const tsv = await read(join(FIXTURES, 'tsv', `${log}.log`), log);
    const json = await read(join(FIXTURES, 'json', `${log}.log`), log);
    assert.deepEqual(strip(json), strip(tsv));
    // JSON without a telling file name: the log is recognised by its fields.
    const anon = join(mkdtempSync(join(tmpdir(), 'watch-zeek-')), 'sensor-output.json');
    copyFileSync(join(FIXTURES, 'json', `${log}.log`), anon);
    assert.deepEqual(strip(await read(anon, log)), strip(tsv));
  });
}

test('zeek: file hashes are answered as recognised but not scored, non-routable addresses never alert', async () => {
  const files = await read(join(FIXTURES, 'tsv', 'files.log'), 'files');
  for (const l of files) assert.equal((l.error as { reason: string }).reason, 'INDICATOR_TYPE_UNSUPPORTED');
  const conn = await read(join(FIXTURES, 'tsv', 'conn.log'), 'conn');
  const internal = conn.find((l) => l.value === '10.0.0.77');
  assert.equal(internal?.verdict, 'benign');
  assert.equal(internal?.never_alert, true);
  const run = await runWatch([
    join(FIXTURES, 'tsv', 'conn.log'),
    '--server',
    server.address,
    '--min-verdict',
    'benign',
    '--eve-alert',
  ]);
  assert.ok(!run.raw.some((l) => l.includes('10.0.0.77')), 'a private address never becomes an alert');
});

test('zeek TSV: a row with the wrong number of columns is reported with its line number, and reading goes on', async () => {
  const { readFileSync, writeFileSync } = await import('node:fs');
  const lines = readFileSync(join(FIXTURES, 'tsv', 'ssl.log'), 'utf8').split('\n');
  lines.splice(8, 0, 'only\ttwo columns');
  const file = join(mkdtempSync(join(tmpdir(), 'watch-zeek-')), 'ssl.log');
  writeFileSync(file, lines.join('\n'));
  const run = await runWatch([file, '--server', server.address, '--min-verdict', 'all', '--stats']);
  assert.match(run.stderr, /ssl\.log:9: 2 columns where the #fields header names 18/);
  assert.deepEqual(
    run.lines.map((l) => l.value),
    ['login-microsoftonline-verify.top'],
  );
  const summary = JSON.parse(run.stderr.trim().split('\n').pop()!);
  assert.equal(summary.malformed, 1);
});
