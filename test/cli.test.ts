import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';
import { promisify } from 'node:util';

const BIN = join(__dirname, '..', 'bin', 'threatpredict.js');
const run = promisify(execFile);

it('scores arguments in-process and prints one JSON line per indicator', async () => {
  const { stdout } = await run('node', [BIN, 'predict', 'go0gle.com', 'google.com'], { timeout: 60_000 });
  const lines = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(lines.length, 2);
  assert.equal(lines[0].id, '1');
  assert.equal(lines[0].indicator, 'go0gle.com');
  assert.equal(lines[0].type, 'INDICATOR_TYPE_DOMAIN');
  assert.equal(typeof lines[0].score, 'number');
  assert.ok(lines[0].reasons.some((r: { code: string }) => r.code === 'BRAND_LOOKALIKE'));
  assert.equal(lines[1].verdict, 'VERDICT_BENIGN');
  assert.equal(lines[1].reasons[0].code, 'ALLOW_LISTED');
});

it('reads stdin, reports bad items readably and exits 1 when any item failed', async () => {
  const child = execFile('node', [BIN, 'predict', '--compact'], { timeout: 60_000 });
  child.stdin?.end('example.com\na..b\n\n');
  let stdout = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const lines = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(code, 1);
  assert.equal(lines.length, 2, 'blank lines are skipped');
  assert.equal(lines[0].indicator, undefined, 'compact results carry no indicator echo');
  assert.deepEqual({ code: lines[1].error.code, reason: lines[1].error.reason }, { code: 3, reason: 'INVALID_DOMAIN' });
});

it('prints usage and exits 2 for an unknown command', async () => {
  await assert.rejects(run('node', [BIN, 'frobnicate']), (err: { code: number; stderr: string }) => {
    assert.equal(err.code, 2);
    assert.match(err.stderr, /usage:/);
    return true;
  });
});
