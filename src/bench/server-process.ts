/** Starts the real server (dist/main.js) or the echo server as a child process on a free loopback port. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export type ServerKind = 'real' | 'echo';

export interface ServerProcess {
  readonly kind: ServerKind;
  readonly pid: number;
  readonly addr: string;
  /** The command line, for the "reproduce" section of the report. */
  readonly command: string;
  stop(): Promise<void>;
  /** Sends `signal` (SIGKILL: a crash) and waits for the exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

/**
 * `models`: the models the real server must be serving for the scenarios it will run (the kinds of
 * their indicators); a missing one fails the start instead of measuring error answers.
 */
export async function startServerProcess(
  kind: ServerKind,
  root: string,
  models: readonly string[] = ['domain'],
  extraArgs: string[] = [],
  /** A fixed port (a backend restarted where its balancer expects it); a free one by default. */
  fixedPort?: number,
  /** How long loading the models may take (a fleet test starts three servers on a busy machine). */
  readyTimeoutMs = 60_000,
): Promise<ServerProcess> {
  const port = fixedPort ?? (await freePort());
  const addr = `127.0.0.1:${port}`;
  const script = kind === 'real' ? join(root, 'dist', 'main.js') : join(root, 'dist', 'bench', 'echo-server.js');
  const args = [script, '--listen', addr, ...extraArgs];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));

  // Ready when the real server has loaded its models (it logs "serving", or "not serving" when some
  // model is missing: fine as long as the benchmarked ones are there) or when the echo server logs
  // "listening".
  const ready = new Promise<void>((res, rej) => {
    const timer = setTimeout(
      () => rej(new Error(`${kind} server not ready after ${readyTimeoutMs / 1000} s; stderr: ${stderr}`)),
      readyTimeoutMs,
    );
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      let entry: { msg?: string; models?: string[] };
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      const msg = entry.msg ?? '';
      if (kind === 'echo' && msg === 'listening') {
        clearTimeout(timer);
        res();
      } else if (kind === 'real' && (msg === 'serving' || msg.startsWith('not serving'))) {
        clearTimeout(timer);
        const missing = models.filter((name) => !entry.models?.some((m) => new RegExp(`^${name}@\\d+$`).test(m)));
        if (missing.length === 0) res();
        else rej(new Error(`the real server has no ${missing.join(', ')} model: ${line}`));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`${kind} server exited (${code}) before it was ready; stderr: ${stderr}`));
    });
  });
  // A server that never became ready (or not as needed) must not outlive the run that gave up on it.
  await ready.catch(async (err) => {
    child.kill('SIGKILL');
    await exited;
    throw err;
  });

  return {
    kind,
    pid: child.pid as number,
    addr,
    command: `node ${args.map((a) => a.replace(`${root}/`, '')).join(' ')}`,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
    async kill(signal) {
      child.kill(signal);
      await exited;
    },
  };
}
