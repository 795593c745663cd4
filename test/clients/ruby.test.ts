/**
 * The Ruby client (clients/ruby): its checked-in code is what proto/ generates today, the gem builds
 * and installs, and its contract program gets the right answers from the real server. Ruby, the grpc
 * gem and grpc_tools_ruby_protoc are Debian packages, installed by scripts/provision-clients.sh when
 * missing and running as root; otherwise the test fails and says so.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { generateClient } from '../../scripts/generate-clients';
import { startTestServer, type TestServer } from '../helpers/server';
import {
  type ContractReport,
  checkContract,
  checkExampleOutput,
  emailFile,
  provisionDebianTools,
  run,
} from './contract';

const DIR = join(__dirname, '..', '..', 'clients', 'ruby');
const scratch = mkdtempSync(join(tmpdir(), 'tp-rb-client-'));
let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(async () => {
  await t.close();
  rmSync(scratch, { recursive: true, force: true });
});

it('has Ruby and the Ruby gRPC tools on PATH', async () => {
  await provisionDebianTools(['ruby', 'gem', 'grpc_tools_ruby_protoc', 'grpc_ruby_plugin']);
});

it('checks in exactly the Ruby code that proto/ generates', async () => {
  assert.deepEqual(await generateClient('ruby', true), []);
});

it('builds and installs as a gem, and its contract program gets the right answers from the real server', async () => {
  const src = join(scratch, 'src');
  cpSync(DIR, src, { recursive: true });
  await run('gem', ['build', 'threatpredict-client.gemspec'], { cwd: src });
  const gem = readdirSync(src).find((f) => f.endsWith('.gem'));
  assert.ok(gem, 'gem build wrote a .gem');
  const home = join(scratch, 'gems');
  // The dependencies (grpc, google-protobuf, googleapis-common-protos-types) are the system's gems,
  // which `gem install --local` does not resolve; the contract program's `gem` call activates the
  // client with its declared dependencies, so a wrong requirement fails there.
  await run('gem', [
    'install',
    '--local',
    '--no-document',
    '--ignore-dependencies',
    '--install-dir',
    home,
    join(src, gem),
  ]);
  // The installed gem first, then every place the system's gems live (Debian's among them).
  const system = (await run('gem', ['env', 'paths'])).stdout.trim();
  const { stdout } = await run('ruby', [join(__dirname, 'ruby', 'contractcheck.rb'), t.address, emailFile()], {
    env: { ...process.env, GEM_HOME: home, GEM_PATH: `${home}:${system}` },
    cwd: scratch,
    timeout: 120_000,
  });
  checkContract(JSON.parse(stdout) as ContractReport, t.app.config.maxBatchItems);
  const example = await run('ruby', [join(DIR, 'examples', 'predict.rb'), t.address], {
    env: { ...process.env, GEM_HOME: home, GEM_PATH: `${home}:${system}` },
    cwd: scratch,
    timeout: 60_000,
  });
  checkExampleOutput(example.stdout, t.app.config.maxBatchItems);
});
