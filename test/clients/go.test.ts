/**
 * The Go client (clients/go): its checked-in code is what proto/ generates today, it builds, and its
 * contract program gets the right answers from the real server. Fails when Go is missing.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { generateClient, HOW_TO_INSTALL } from '../../scripts/generate-clients';
import { startTestServer, type TestServer } from '../helpers/server';
import { type ContractReport, checkContract, checkExampleOutput, emailFile, requireTool, run } from './contract';

const DIR = join(__dirname, '..', '..', 'clients', 'go');
const bin = mkdtempSync(join(tmpdir(), 'tp-go-client-'));
let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(async () => {
  await t.close();
  rmSync(bin, { recursive: true, force: true });
});

it('has Go on PATH', () => requireTool('go', HOW_TO_INSTALL.go as string));

it('checks in exactly the Go code that proto/ generates', async () => {
  assert.deepEqual(await generateClient('go', true), []);
});

it('builds, and its contract program gets the right answers from the real server', async () => {
  // Modules come from the Go module proxy into the Go cache on first use.
  await run('go', ['build', '-o', bin, './...'], { cwd: DIR, maxBuffer: 16 << 20 });
  const { stdout } = await run(join(bin, 'contractcheck'), [t.address, emailFile()], { timeout: 120_000 });
  checkContract(JSON.parse(stdout) as ContractReport, t.app.config.maxBatchItems);
  const example = await run(join(bin, 'predict'), [t.address], { timeout: 60_000 });
  checkExampleOutput(example.stdout, t.app.config.maxBatchItems);
});
