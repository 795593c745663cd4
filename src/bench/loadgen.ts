/**
 * The Go load generator (src/bench/loadgen): built once per run into a temporary directory, then run once per
 * scenario. It prints JSON lines; "measuring"/"measured" mark the window the server is sampled in.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { treeCpuSeconds } from './proc-stats';

export interface LoadResult {
  event: 'result';
  seconds: number;
  items: number;
  messages: number;
  itemsPerSec: number;
  messagesPerSec: number;
  itemErrors: number;
  itemsUnscored: number;
  p50us: number;
  p90us: number;
  p99us: number;
  maxus: number;
  clientCpuSec: number;
  clientCpuUsPerItem: number;
  [key: string]: unknown;
}

export interface LoadHooks {
  onMeasuring?(): void;
  onMeasured?(): void;
  onProgress?(event: Record<string, unknown>): void;
}

/** `go build` the load generator; Go's build cache makes repeat runs take about a second. */
export async function buildLoadgen(root: string): Promise<string> {
  const out = join(mkdtempSync(join(tmpdir(), 'threatpredict-bench-')), 'loadgen');
  try {
    await promisify(execFile)('go', ['build', '-buildvcs=false', '-o', out, '.'], {
      cwd: join(root, 'src', 'bench', 'loadgen'),
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT')
      throw new Error('the benchmark needs the Go toolchain (go >= 1.26) on PATH to build src/bench/loadgen');
    throw new Error(`go build of src/bench/loadgen failed: ${e.stderr ?? e.message}`);
  }
  return out;
}

/** Runs one load; killed if it is not done `timeoutSec` after it started (the bench is bounded in time). */
export function runLoadgen(
  bin: string,
  args: string[],
  timeoutSec: number,
  hooks: LoadHooks = {},
): Promise<LoadResult> {
  return new Promise((res, rej) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${timeoutSec} s)`;
      child.kill('SIGKILL');
    }, timeoutSec * 1000);
    let result: LoadResult | undefined;
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const ev = JSON.parse(line) as Record<string, unknown>;
      if (ev.event === 'measuring') hooks.onMeasuring?.();
      else if (ev.event === 'measured') hooks.onMeasured?.();
      else if (ev.event === 'progress') hooks.onProgress?.(ev);
      else if (ev.event === 'result') result = ev as LoadResult;
    });
    child.once('error', rej);
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0 && result !== undefined) res(result);
      else rej(new Error(`loadgen ${args.join(' ')} exited ${code}: ${stderr}`));
    });
  });
}

/**
 * The k-th block of unique values (the load's own generator: `valueArgs` picks the kind and its data
 * files), one per line, for the in-process ceiling.
 */
export async function writeNames(
  bin: string,
  file: string,
  count: number,
  offset: number,
  valueArgs: readonly string[],
): Promise<void> {
  const { createWriteStream } = await import('node:fs');
  await new Promise<void>((res, rej) => {
    const child = spawn(bin, ['names', '-count', String(count), '-offset', String(offset), ...valueArgs], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const out = createWriteStream(file);
    child.stdout.pipe(out);
    child.once('error', rej);
    out.once('finish', res);
    child.once('close', (code) => {
      if (code !== 0) rej(new Error(`loadgen names exited ${code}`));
    });
  });
}

/**
 * runLoadgen, plus the server's CPU (its whole process tree) per item over the measured window only:
 * warm-up and start-up are left out, and the figure holds on a busy machine where items/s does not.
 */
export async function runLoadgenServerCpu(
  bin: string,
  args: string[],
  timeoutSec: number,
  serverPid: number,
): Promise<{ load: LoadResult; serverCpuUsPerItem: number }> {
  let cpu0 = 0;
  let cpu1 = 0;
  const load = await runLoadgen(bin, args, timeoutSec, {
    onMeasuring: () => {
      cpu0 = treeCpuSeconds(serverPid);
    },
    onMeasured: () => {
      cpu1 = treeCpuSeconds(serverPid);
    },
  });
  return { load, serverCpuUsPerItem: ((cpu1 - cpu0) * 1e6) / Math.max(1, load.items) };
}
