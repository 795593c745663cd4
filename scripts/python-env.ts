/**
 * A Python interpreter with exactly the pinned requirements, made on first use: the Python client test
 * and the training pipeline call it instead of assuming that someone ran `pip install` by hand, so a
 * fresh clone passes `npm ci && npm test` on a machine that has only Node, Python and the registries.
 *
 * Each distinct set of requirement files (and interpreter version) gets its own virtualenv under the
 * user's cache folder, named by a hash of both, so a changed pin makes a new environment instead of
 * silently reusing an old one. It lives outside node_modules because `npm ci` deletes that folder. The
 * environment is built in a temporary folder and renamed into place, so concurrent first uses race
 * harmlessly and an interrupted install never leaves a half-made environment behind.
 *
 *   npx tsx scripts/python-env.ts models/training/requirements.txt    # prints the interpreter's path
 *
 * Environment: PYTHON (base interpreter, default python3), THREATPREDICT_PYTHON_CACHE (where the
 * environments live, default $XDG_CACHE_HOME/threatpredict/python or ~/.cache/threatpredict/python).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

function cacheRoot(): string {
  const explicit = process.env.THREATPREDICT_PYTHON_CACHE;
  if (explicit) return resolve(explicit);
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'threatpredict', 'python');
}

async function envKey(base: string, requirements: string[]): Promise<string> {
  const hash = createHash('sha256');
  const { stdout, stderr } = await run(base, ['--version']);
  hash.update(`${stdout}${stderr}`);
  for (const file of requirements) hash.update(await readFile(file));
  return hash.digest('hex').slice(0, 16);
}

/** Path of a Python interpreter that has every package pinned in `requirements`; creates it if needed. */
export async function pythonWith(requirements: string[]): Promise<string> {
  const base = process.env.PYTHON || 'python3';
  const root = cacheRoot();
  const dir = join(root, await envKey(base, requirements));
  const python = join(dir, 'bin', 'python');
  if (existsSync(python)) return python;

  await mkdir(root, { recursive: true });
  const tmp = await mkdtemp(join(root, 'tmp-'));
  try {
    await run(base, ['-m', 'venv', tmp]);
    const args = ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input'];
    for (const file of requirements) args.push('-r', resolve(file));
    await run(join(tmp, 'bin', 'python'), args, { maxBuffer: 16 << 20 });
    await rename(tmp, dir).catch(async (err: unknown) => {
      // Another process finished first: its environment is as good as ours.
      if (!existsSync(python)) throw err;
    });
  } catch (err) {
    const e = err as { stderr?: string; message?: string };
    throw new Error(
      `could not make a Python environment for ${requirements.join(', ')} with ${base}: ${e.stderr || e.message}`,
    );
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return python;
}

if (require.main === module) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    process.stderr.write('usage: python-env.ts REQUIREMENTS.txt [...]\n');
    process.exit(2);
  }
  pythonWith(files).then(
    (python) => process.stdout.write(`${python}\n`),
    (err: Error) => {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    },
  );
}
