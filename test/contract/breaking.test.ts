/**
 * `npm run check:breaking` (part of `npm run lint` and CI) compares proto/ with the released v1 baseline
 * (proto/baseline/threatpredict-v1.binpb) under buf's FILE rules. These tests run the same command on
 * copies of the contract: an additive change passes, a breaking one fails, so the gate is known to bite.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, it } from 'node:test';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '..', '..');
const BUF = join(ROOT, 'node_modules', '.bin', 'buf');
const BASELINE = join(ROOT, 'proto', 'baseline', 'threatpredict-v1.binpb');
const copies: string[] = [];
after(() => {
  for (const c of copies) rmSync(c, { recursive: true, force: true });
});

/** A copy of the workspace's contract with one file edited; returns buf breaking's exit code and output. */
async function breakingWith(file: string, edit: (text: string) => string): Promise<{ code: number; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'tp-breaking-'));
  copies.push(dir);
  for (const p of ['buf.yaml', 'proto', 'third_party']) cpSync(join(ROOT, p), join(dir, p), { recursive: true });
  const path = join(dir, 'proto', file);
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  assert.notEqual(after, before, 'the edit changed the file');
  writeFileSync(path, after);
  try {
    const { stdout, stderr } = await promisify(execFile)(BUF, ['breaking', 'proto', '--against', BASELINE], {
      cwd: dir,
    });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

it('passes an additive change (a new field)', async () => {
  const r = await breakingWith('threatpredict/v1/items.proto', (s) =>
    s.replace('message DomainItem {', 'message DomainItem {\n  // A new field.\n  string note = 3;'),
  );
  assert.equal(r.code, 0, r.out);
});

it('fails a field whose number changed', async () => {
  const r = await breakingWith('threatpredict/v1/items.proto', (s) =>
    s.replace(/(message DomainItem \{[\s\S]*?string value = )2;/, '$14;'),
  );
  assert.notEqual(r.code, 0);
  assert.match(r.out, /DomainItem/);
});

it('fails a renamed enum value and a removed RPC', async () => {
  const renamed = await breakingWith('threatpredict/v1/prediction.proto', (s) =>
    s.replace('VERDICT_MALICIOUS = 3;', 'VERDICT_BAD = 3;'),
  );
  assert.notEqual(renamed.code, 0);
  assert.match(renamed.out, /VERDICT_MALICIOUS/);
  const removed = await breakingWith('threatpredict/v1/model_service.proto', (s) =>
    // The RPC with its google.api.http option block.
    s.replace(
      / {2}rpc GetServerInfo\(GetServerInfoRequest\) returns \(GetServerInfoResponse\)( \{[\s\S]*?\n {2}\}|;)\n/,
      '',
    ),
  );
  assert.notEqual(removed.code, 0);
  assert.match(removed.out, /GetServerInfo/);
});
