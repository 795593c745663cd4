/**
 * A fleet on loopback: Debian's HAProxy running deploy/haproxy/haproxy.cfg in front of server
 * processes, and the Go load generator's `fleet` mode driven phase by phase. The fleet test
 * (test/fleet/fleet.test.ts) and the balancer benchmark (src/bench/balancer.ts) share these.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type CertFactory, certFactory } from './certs';

export interface Balancer {
  readonly addr: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export const HAPROXY_MISSING =
  'haproxy is not installed: the fleet test and the balancer benchmark need Debian\'s haproxy (run "bash scripts/provision-fleet.sh" as root; CI does)';

/** `haproxy -v`, or throws HAPROXY_MISSING. */
export function haproxyVersion(): string {
  try {
    return execFileSync('haproxy', ['-v'], { encoding: 'utf8' }).split('\n')[0] ?? '';
  } catch {
    throw new Error(HAPROXY_MISSING);
  }
}

async function listening(addr: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const i = addr.lastIndexOf(':');
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`haproxy exited (${child.exitCode}): ${stderr()}`);
    const ok = await new Promise<boolean>((res) => {
      const s = connect({ host: addr.slice(0, i), port: Number(addr.slice(i + 1)) });
      s.once('connect', () => {
        s.destroy();
        res(true);
      });
      s.once('error', () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`haproxy did not listen on ${addr}: ${stderr()}`);
}

/**
 * The certificates a fleet on loopback needs, as deploy/ expects them: one CA; the servers' pair,
 * naming BACKEND_NAME (what HAProxy verifies) and 127.0.0.1 (what a client balancing over the
 * backends itself dials); HAProxy's chain and key in one PEM, for 127.0.0.1.
 */
export interface FleetTls {
  /** The CA every client trusts (loadgen -tls-ca). */
  readonly ca: string;
  /** `--tls-cert`/`--tls-key` for each server process. */
  readonly serverArgs: readonly string[];
  readonly haproxyPem: string;
  readonly backendName: string;
  cleanup(): void;
}

export const BACKEND_NAME = 'threatpredict.fleet.test';

export function makeFleetTls(certs: CertFactory = certFactory()): FleetTls {
  const ca = certs.ca('fleet test CA');
  const server = certs.issue(ca, BACKEND_NAME, `DNS:${BACKEND_NAME},IP:127.0.0.1`);
  const balancer = certs.issue(ca, 'haproxy', 'IP:127.0.0.1');
  const haproxyPem = join(certs.dir, 'haproxy.pem');
  writeFileSync(haproxyPem, Buffer.concat([readFileSync(balancer.cert), readFileSync(balancer.key)]));
  return {
    ca: ca.cert,
    serverArgs: ['--tls-cert', server.cert, '--tls-key', server.key],
    haproxyPem,
    backendName: BACKEND_NAME,
    cleanup: () => certs.cleanup(),
  };
}

/**
 * Starts HAProxy with the repository's configuration on `listen`, balancing over the three `backends`
 * (TLS servers started with `tls.serverArgs`), serving TLS with `tls.haproxyPem`.
 */
export async function startHaproxy(
  root: string,
  listen: string,
  backends: readonly string[],
  tls: FleetTls,
): Promise<Balancer> {
  haproxyVersion();
  if (backends.length !== 3) throw new Error('deploy/haproxy/haproxy.cfg names three backends');
  const env = {
    ...process.env,
    THREATPREDICT_FLEET_LISTEN: listen,
    THREATPREDICT_FLEET_TLS_PEM: tls.haproxyPem,
    THREATPREDICT_BACKEND_CA: tls.ca,
    THREATPREDICT_BACKEND_NAME: tls.backendName,
    THREATPREDICT_BACKEND_1: backends[0],
    THREATPREDICT_BACKEND_2: backends[1],
    THREATPREDICT_BACKEND_3: backends[2],
  };
  // -db: stay in the foreground, so the process is ours to stop.
  const child = spawn('haproxy', ['-db', '-f', join(root, 'deploy', 'haproxy', 'haproxy.cfg')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const keep = (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  try {
    await listening(listen, child, () => stderr);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    addr: listen,
    pid: child.pid as number,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface BackendCount {
  unaryCalls: number;
  streamCalls: number;
  streamMessages: number;
  items: number;
}

export interface FleetEvent {
  event: 'started' | 'progress' | 'phase' | 'result';
  phase: string;
  sent: number;
  answeredMessages: number;
  duplicatedMessages: number;
  lostMessages?: number;
  itemErrors: number;
  badReplies: number;
  unaryFailures: number;
  /** "Code: message" -> count, of the unary calls that failed after gRPC's retries (and were sent again). */
  unaryFailureErrors?: Record<string, number>;
  unaryRetried: number;
  reconnects: number;
  resent: number;
  streamOpenFailures: number;
  backends: Record<string, Record<string, BackendCount>>;
}

export interface FleetLoad {
  /** The latest progress event. */
  readonly last: FleetEvent | undefined;
  /** Counts from now on go to `name`. */
  phase(name: string): void;
  /** Resolves with the first progress event for which `ok` holds. */
  until(ok: (e: FleetEvent) => boolean): Promise<FleetEvent>;
  /** Stops sending, waits until every sent message was answered, returns the totals. */
  stop(): Promise<FleetEvent>;
  /** Ends the load generator at once (cleanup after a failure). */
  kill(): void;
}

/**
 * Runs `loadgen fleet` against `addr`; `args` are its flags (-concurrency, -streams, -batch, ...;
 * -tls-ca for TLS).
 */
export function startFleetLoad(bin: string, addr: string, args: readonly string[]): FleetLoad {
  const child = spawn(bin, ['fleet', '-addr', addr, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  let last: FleetEvent | undefined;
  let result: FleetEvent | undefined;
  const waiters: { ok: (e: FleetEvent) => boolean; res: (e: FleetEvent) => void }[] = [];
  const exited = new Promise<number | null>((res) => child.once('close', (code) => res(code)));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const ev = JSON.parse(line) as FleetEvent;
    if (ev.event === 'result') result = ev;
    if (ev.event !== 'progress') return;
    last = ev;
    for (const w of [...waiters])
      if (w.ok(ev)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.res(ev);
      }
  });
  const failed = exited.then((code) => {
    throw new Error(`loadgen fleet exited (${code}) early: ${stderr}`);
  });
  failed.catch(() => {});
  return {
    get last() {
      return last;
    },
    phase(name) {
      child.stdin.write(`phase ${name}\n`);
    },
    until(ok) {
      const reached = new Promise<FleetEvent>((res) => waiters.push({ ok, res }));
      return Promise.race([reached, failed]);
    },
    async stop() {
      child.stdin.end('stop\n');
      const code = await exited;
      if (code !== 0 || result === undefined) throw new Error(`loadgen fleet exited ${code}: ${stderr}`);
      return result;
    },
    kill() {
      child.kill('SIGKILL');
    },
  };
}
