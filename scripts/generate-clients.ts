/**
 * Generates the checked-in client code under clients/ from proto/, the one command for every language:
 *
 *   npx tsx scripts/generate-clients.ts [go|python|ruby ...]          # rewrite clients/<lang>/...
 *   npx tsx scripts/generate-clients.ts --check [go|python|ruby ...]  # fail when the tree differs
 *
 * (`npm run generate:clients` runs the first for all three.) C++ is not here: C++ code must be made
 * by the very protoc whose libprotobuf it links, so clients/cpp's CMake target generates it at build
 * time instead of shipping code for one protobuf version.
 *
 * Each generator's version is pinned so that the output is reproducible, and the --check run (made by
 * each client's test under test/clients/) catches a .proto edited without regenerating, or generated
 * code edited by hand, exactly as scripts/check-generated.js does for src/gen:
 * - Go: buf (from node_modules) with protoc-gen-go and protoc-gen-go-grpc at the versions below,
 *   installed from the Go module proxy into a cache folder on first use (no root needed).
 * - Python: grpcio-tools' protoc from a virtualenv made from clients/python/requirements-dev.txt.
 * - Ruby: grpc_tools_ruby_protoc from Debian's ruby-grpc-tools (scripts/provision-clients.sh).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cp, mkdir } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { pythonWith } from './python-env';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..');

/** Versions of the Go plugins; protoc-gen-go must match google.golang.org/protobuf in clients/go/go.mod. */
export const GO_PLUGINS = {
  'protoc-gen-go': 'google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12',
  'protoc-gen-go-grpc': 'google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.0',
} as const;

/** The proto files of our contract, relative to proto/. */
export function contractFiles(): string[] {
  const dir = join(ROOT, 'proto', 'threatpredict', 'v1');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.proto'))
    .sort()
    .map((f) => `threatpredict/v1/${f}`);
}

function cacheRoot(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'threatpredict');
}

async function tool(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await run(cmd, args, { cwd: ROOT, env: env ?? process.env, maxBuffer: 64 << 20 });
    return stdout;
  } catch (err) {
    const e = err as { code?: string; stderr?: string; message: string };
    if (e.code === 'ENOENT') {
      throw new Error(`${cmd} is not installed; ${HOW_TO_INSTALL[cmd] ?? 'see README "Clients"'}`);
    }
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.stderr || e.message}`);
  }
}

export const HOW_TO_INSTALL: Record<string, string> = {
  go: 'install Go 1.26 or later (the module needs it) and put `go` on PATH',
  grpc_tools_ruby_protoc: 'run `sudo bash scripts/provision-clients.sh` (Debian ruby-grpc-tools)',
  ruby: 'run `sudo bash scripts/provision-clients.sh` (Debian ruby, ruby-grpc)',
  protoc: 'run `sudo bash scripts/provision-clients.sh` (Debian protobuf-compiler)',
  cmake: 'run `sudo bash scripts/provision-clients.sh` (Debian cmake, libgrpc++-dev)',
};

/** Installs the pinned Go plugins (once) and returns the folder that holds them. */
export async function goPlugins(): Promise<string> {
  const bin = join(cacheRoot(), 'go-bin', Object.values(GO_PLUGINS).join('+').replace(/[/@]/g, '_'));
  if (Object.keys(GO_PLUGINS).every((name) => existsSync(join(bin, name)))) return bin;
  for (const pkg of Object.values(GO_PLUGINS)) {
    await tool('go', ['install', pkg], { ...process.env, GOBIN: bin });
  }
  return bin;
}

interface Generator {
  /** The generated folder, relative to the repository; replaced whole on regeneration. */
  dir: string;
  /** Writes the generated tree into `out` (a scratch repository root). */
  generate(out: string): Promise<void>;
}

const GENERATORS: Record<string, Generator> = {
  go: {
    dir: 'clients/go/threatpredict',
    async generate(out) {
      const bin = await goPlugins();
      const template = readFileSync(join(ROOT, 'clients/go/buf.gen.yaml'), 'utf8').replaceAll(
        'out: clients/go',
        `out: ${join(out, 'clients/go')}`,
      );
      await tool(join(ROOT, 'node_modules/.bin/buf'), ['generate', '--template', template], {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
      });
    },
  },
  python: {
    dir: 'clients/python/src/threatpredict',
    async generate(out) {
      const python = await pythonWith([join(ROOT, 'clients/python/requirements-dev.txt')]);
      const dest = join(out, 'clients/python/src');
      await mkdir(dest, { recursive: true });
      await tool(python, [
        '-m',
        'grpc_tools.protoc',
        '-Iproto',
        '-Ithird_party/proto',
        `--python_out=${dest}`,
        `--pyi_out=${dest}`,
        `--grpc_python_out=${dest}`,
        ...contractFiles(),
      ]);
      // Regular packages (not namespace packages) so that setuptools and type checkers find them.
      const doc = '"""Generated from proto/threatpredict/v1 by scripts/generate-clients.ts; do not edit."""\n';
      writeFileSync(join(dest, 'threatpredict', '__init__.py'), doc);
      writeFileSync(join(dest, 'threatpredict', 'v1', '__init__.py'), doc);
      writeFileSync(join(dest, 'threatpredict', 'py.typed'), '');
    },
  },
  ruby: {
    dir: 'clients/ruby/lib/threatpredict',
    async generate(out) {
      const dest = join(out, 'clients/ruby/lib');
      await mkdir(dest, { recursive: true });
      await tool('grpc_tools_ruby_protoc', [
        '-Iproto',
        '-Ithird_party/proto',
        `--ruby_out=${dest}`,
        `--grpc_out=${dest}`,
        ...contractFiles(),
      ]);
    },
  },
};

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** Differences between the checked-in tree and a freshly generated one; empty when they match. */
function differences(lang: string, dir: string, scratch: string): string[] {
  const want = files(join(scratch, dir)).map((f) => relative(join(scratch, dir), f));
  const have = files(join(ROOT, dir)).map((f) => relative(join(ROOT, dir), f));
  const fix = `run \`npm run generate:clients -- ${lang}\`; never edit generated code by hand`;
  const problems: string[] = [];
  for (const f of [...new Set([...want, ...have])].sort()) {
    const p = `${dir}/${f}`;
    if (!want.includes(f)) problems.push(`${p} is not generated from proto/ (${fix})`);
    else if (!have.includes(f)) problems.push(`${p} is missing (${fix})`);
    else if (!readFileSync(join(scratch, dir, f)).equals(readFileSync(join(ROOT, dir, f)))) {
      problems.push(`${p} differs from what proto/ generates (${fix})`);
    }
  }
  return problems;
}

/** Generates one language into a scratch folder; with `check`, compares instead of replacing. */
export async function generateClient(lang: string, check: boolean): Promise<string[]> {
  const g = GENERATORS[lang];
  if (g === undefined) throw new Error(`unknown client language ${lang} (have ${Object.keys(GENERATORS).join(', ')})`);
  const scratch = mkdtempSync(join(tmpdir(), `tp-client-${lang}-`));
  try {
    await g.generate(scratch);
    if (check) return differences(lang, g.dir, scratch);
    rmSync(join(ROOT, g.dir), { recursive: true, force: true });
    await mkdir(dirname(join(ROOT, g.dir)), { recursive: true });
    await cp(join(scratch, g.dir), join(ROOT, g.dir), { recursive: true });
    return [];
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const langs = args.filter((a) => a !== '--check');
  (async () => {
    let failed = false;
    for (const lang of langs.length > 0 ? langs : Object.keys(GENERATORS)) {
      const problems = await generateClient(lang, check);
      if (problems.length > 0) {
        failed = true;
        process.stderr.write(`${problems.join('\n')}\n`);
      } else {
        process.stdout.write(`${lang}: ${check ? 'generated code is up to date' : 'generated'}\n`);
      }
    }
    process.exit(failed ? 1 : 0);
  })().catch((err: Error) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  });
}
