/**
 * The Python client (clients/python): its checked-in code is what proto/ generates today, it installs
 * as a package with pip, and its contract program gets the right answers from the real server. The
 * interpreter comes from a virtualenv made on first use from clients/python/requirements-dev.txt.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { generateClient } from '../../scripts/generate-clients';
import { pythonWith } from '../../scripts/python-env';
import { startTestServer, type TestServer } from '../helpers/server';
import { type ContractReport, checkContract, checkExampleOutput, emailFile, run } from './contract';

const DIR = join(__dirname, '..', '..', 'clients', 'python');
const scratch = mkdtempSync(join(tmpdir(), 'tp-py-client-'));
let python: string;
let t: TestServer;
before(async () => {
  python = await pythonWith([join(DIR, 'requirements-dev.txt')]);
  t = await startTestServer();
});
after(async () => {
  await t.close();
  rmSync(scratch, { recursive: true, force: true });
});

it('checks in exactly the Python code that proto/ generates', async () => {
  assert.deepEqual(await generateClient('python', true), []);
});

it('installs with pip, and its contract program gets the right answers from the real server', async () => {
  // Installed from a copy: a build writes build/ and *.egg-info next to the sources.
  cpSync(DIR, join(scratch, 'src'), { recursive: true });
  const site = join(scratch, 'site');
  await run(
    python,
    ['-m', 'pip', 'install', '--quiet', '--no-deps', '--no-build-isolation', '--target', site, join(scratch, 'src')],
    { maxBuffer: 16 << 20 },
  );
  const { stdout } = await run(python, [join(__dirname, 'python', 'contractcheck.py'), t.address, emailFile()], {
    // Only the installed package: never the sources in the checkout.
    env: { ...process.env, PYTHONPATH: site },
    cwd: scratch,
    timeout: 120_000,
  });
  checkContract(JSON.parse(stdout) as ContractReport, t.app.config.maxBatchItems);
  const example = await run(python, [join(DIR, 'examples', 'predict.py'), t.address], {
    env: { ...process.env, PYTHONPATH: site },
    cwd: scratch,
    timeout: 60_000,
  });
  checkExampleOutput(example.stdout, t.app.config.maxBatchItems);
});
