/**
 * A fleet roll-out and roll-back as the README's "Running a fleet" does it: `threatpredict models pin`
 * / `unpin` with every instance's address, then `models list` shows each instance's serving version,
 * and each instance scores with it. An instance that refuses the call stops the roll-out there, and
 * the command says which instances already moved.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { PredictDomainsResponse } from '../../src/gen/threatpredict/v1/prediction_service';
import { addDomainVersion, testSigningKeyFile } from '../helpers/model';
import { call, startTestServer, type TestServer } from '../helpers/server';

const BIN = join(__dirname, '..', '..', 'bin', 'threatpredict.js');
const run = promisify(execFile);

interface Line {
  server: string;
  instance: string;
  name: string;
  servingVersion: number;
}

async function cli(args: string[]): Promise<Line[]> {
  const { stdout } = await run('node', [BIN, 'models', ...args], { timeout: 60_000 });
  return stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);
}

/** server address -> serving version of domain, from the CLI's lines. */
const domainVersions = (lines: Line[]) =>
  Object.fromEntries(lines.filter((l) => l.name === 'domain').map((l) => [l.server, l.servingVersion]));

let repo: string;
const fleet: TestServer[] = [];
let servers: string;

before(async () => {
  repo = mkdtempSync(join(tmpdir(), 'tp-rollout-'));
  addDomainVersion(repo, 1);
  addDomainVersion(repo, 2);
  for (const id of ['a', 'b', 'c'])
    fleet.push(
      await startTestServer([
        '--models',
        repo,
        '--model-signing-key',
        testSigningKeyFile(),
        '--instance-id',
        `pod-${id}`,
      ]),
    );
  servers = fleet.map((t) => t.address).join(',');
});
after(async () => {
  await Promise.all(fleet.map((t) => t.close()));
  rmSync(repo, { recursive: true, force: true });
});

async function scoredBy(t: TestServer): Promise<number | undefined> {
  const r = await call<object, PredictDomainsResponse>((q, cb) => t.predictions.predictDomains(q as never, cb), {
    items: [{ id: '1', value: 'rollout-check.example' }],
    view: 0,
  });
  return r.results[0]?.model?.version;
}

describe('fleet model roll-out', { timeout: 180_000 }, () => {
  it('lists every instance with its name and serving version', async () => {
    const lines = await cli(['list', '--server', servers]);
    assert.deepEqual(
      [...new Set(lines.map((l) => l.instance))].sort(),
      ['pod-a', 'pod-b', 'pod-c'],
      'each instance answered for itself',
    );
    assert.deepEqual(domainVersions(lines), Object.fromEntries(fleet.map((t) => [t.address, 2])));
  });

  it('moves every instance to a version and back', async () => {
    const pinned = await cli(['pin', 'domain', '1', '--server', servers]);
    assert.deepEqual(domainVersions(pinned), Object.fromEntries(fleet.map((t) => [t.address, 1])));
    for (const t of fleet) assert.equal(await scoredBy(t), 1, `${t.address} scores with version 1`);
    const listed = await cli([
      'list',
      '--server',
      fleet[0]!.address,
      '--server',
      `${fleet[1]!.address},${fleet[2]!.address}`,
    ]);
    assert.deepEqual(domainVersions(listed), Object.fromEntries(fleet.map((t) => [t.address, 1])));

    const back = await cli(['unpin', 'domain', '--server', servers]);
    assert.deepEqual(domainVersions(back), Object.fromEntries(fleet.map((t) => [t.address, 2])));
    for (const t of fleet) assert.equal(await scoredBy(t), 2, `${t.address} scores with version 2 again`);
  });

  it('stops at an instance that refuses, and says which instances already moved', async () => {
    const locked = await startTestServer([
      '--models',
      repo,
      '--model-signing-key',
      testSigningKeyFile(),
      '--admin-rpc',
      'false',
    ]);
    try {
      const order = [fleet[0]!.address, locked.address, fleet[1]!.address].join(',');
      await assert.rejects(
        run('node', [BIN, 'models', 'pin', 'domain', '1', '--server', order]),
        (err: { code: number; stderr: string }) => {
          assert.equal(err.code, 2);
          assert.match(err.stderr, new RegExp(`${locked.address}: .*PERMISSION_DENIED|${locked.address}: .*disabled`));
          assert.match(err.stderr, new RegExp(`already reloaded: ${fleet[0]!.address}\\)`));
          return true;
        },
      );
      assert.equal(fleet[0]!.app.repository.serving('domain')?.version, 1, 'the first instance moved');
      assert.equal(fleet[1]!.app.repository.serving('domain')?.version, 2, 'the one after the refusal did not');
    } finally {
      await locked.close();
      await cli(['unpin', 'domain', '--server', servers]);
    }
  });
});
