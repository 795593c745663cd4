/**
 * The C++ client (clients/cpp): a user's CMake project that add_subdirectory's it and links
 * threatpredict::client configures, generates the code from proto/ with protoc and grpc_cpp_plugin,
 * builds (the example too), and its contract program gets the right answers from the real server.
 * The toolchain is Debian's: installed by scripts/provision-clients.sh when missing and running as
 * root, else the test fails and says so. The build folder is kept in the user's cache so that later
 * runs rebuild only what changed (the first build takes about 2 minutes on 2 cores).
 */
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server';
import {
  type ContractReport,
  checkContract,
  checkExampleOutput,
  emailFile,
  provisionDebianTools,
  run,
} from './contract';

const ROOT = resolve(__dirname, '..', '..');
const BUILD = join(
  process.env.XDG_CACHE_HOME || join(homedir(), '.cache'),
  'threatpredict',
  'cpp-build',
  createHash('sha256').update(ROOT).digest('hex').slice(0, 16),
);
let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

it('has CMake, a C++ compiler, protoc and grpc_cpp_plugin on PATH', async () => {
  await provisionDebianTools(['cmake', 'c++', 'protoc', 'grpc_cpp_plugin']);
});

it('builds with CMake from proto/, and its contract program gets the right answers from the real server', async () => {
  const opts = { cwd: ROOT, maxBuffer: 64 << 20 };
  await run(
    'cmake',
    [
      '-S',
      join(ROOT, 'test/clients/cpp'),
      '-B',
      BUILD,
      '-DTHREATPREDICT_BUILD_EXAMPLES=ON',
      '-DCMAKE_BUILD_TYPE=Release',
    ],
    opts,
  );
  await run('cmake', ['--build', BUILD, '--parallel', '2'], opts);
  const { stdout } = await run(join(BUILD, 'contractcheck'), [t.address, emailFile()], { timeout: 120_000 });
  checkContract(JSON.parse(stdout) as ContractReport, t.app.config.maxBatchItems);
  const example = await run(join(BUILD, 'threatpredict', 'threatpredict_example'), [t.address], { timeout: 60_000 });
  checkExampleOutput(example.stdout, t.app.config.maxBatchItems);
});
