/**
 * `--processes 2` end to end: the built server (dist/main.js) as a real primary with two server
 * processes on one port, driven over several connections. Works on a temporary repository with two
 * versions of the committed domain model, so pins can be seen taking effect in every process.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { credentials } from '@grpc/grpc-js';
import { retryUnavailable } from '../../src/cli/retry';
import { clientChannelOptions } from '../../src/cli/service-config';
import {
  type ListModelsResponse,
  ModelServiceClient,
  type ReloadModelsResponse,
} from '../../src/gen/threatpredict/v1/model_service';
import {
  type PredictDomainsResponse,
  PredictionServiceClient,
} from '../../src/gen/threatpredict/v1/prediction_service';
import { addDomainVersion, testSigningKeyFile } from '../helpers/model';
import { call } from '../helpers/server';

const ROOT = join(__dirname, '..', '..');
const CACHE_ENTRIES = 1000;
/** Each client its own connection (grpc-js shares one per address and options otherwise). */
const CONNECTIONS = 6;

type Line = Record<string, unknown> & { msg?: string; pid?: number; role?: string };

let repo: string;
let child: ChildProcess;
const lines: Line[] = [];
let port = 0;
let pids: number[] = [];

function waitFor(match: (l: Line) => boolean, what: string, ms = 60_000): Promise<Line> {
  return new Promise((resolve, reject) => {
    const found = lines.find(match);
    if (found !== undefined) {
      resolve(found);
      return;
    }
    const timer = setTimeout(() => {
      clearInterval(poll);
      reject(new Error(`no log line for ${what} within ${ms} ms`));
    }, ms);
    const poll = setInterval(() => {
      const l = lines.find(match);
      if (l !== undefined) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve(l);
      }
    }, 50);
  });
}

function clients(n = CONNECTIONS, extra: Record<string, string | number> = {}) {
  return Array.from({ length: n }, () => {
    const options = { 'grpc.use_local_subchannel_pool': 1, ...extra };
    const addr = `127.0.0.1:${port}`;
    return {
      predictions: new PredictionServiceClient(addr, credentials.createInsecure(), options),
      models: new ModelServiceClient(addr, credentials.createInsecure(), options),
      close() {
        this.predictions.close();
        this.models.close();
      },
    };
  });
}

async function servingVersions(): Promise<number[]> {
  const cs = clients();
  try {
    const lists = await Promise.all(
      cs.map((c) => call<object, ListModelsResponse>((r, cb) => c.models.listModels(r, cb), {})),
    );
    return lists.map((l) => l.models.find((m) => m.name === 'domain')?.servingVersion ?? -1);
  } finally {
    for (const c of cs) c.close();
  }
}

before(async () => {
  repo = mkdtempSync(join(tmpdir(), 'tp-processes-'));
  addDomainVersion(repo, 1);
  addDomainVersion(repo, 2);
  const args = ['--processes', '2', '--listen', '127.0.0.1:0', '--models', repo, '--admin-rpc', 'true'];
  args.push('--model-signing-key', testSigningKeyFile());
  args.push('--log-level', 'debug', '--cache-entries', String(CACHE_ENTRIES), '--shutdown-grace-ms', '2000');
  child = spawn(process.execPath, [join(ROOT, 'dist', 'main.js'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  createInterface({ input: child.stdout! }).on('line', (text) => {
    try {
      lines.push(JSON.parse(text));
    } catch {
      // not a log line
    }
  });
  const serving = await waitFor((l) => l.role === 'primary' && l.msg === 'serving', 'serving', 120_000);
  port = serving.port as number;
  pids = serving.pids as number[];
});

after(async () => {
  if (child.exitCode === null) {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  }
  rmSync(repo, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Domain cache lookups the tests made (one per item sent), for the counters' test. */
let lookups = 0;

describe('--processes 2', () => {
  it('serves one port from two processes that both answer calls', async () => {
    assert.equal(pids.length, 2);
    assert.notEqual(pids[0], pids[1]);
    assert.ok(port > 0);
    const cs = clients();
    try {
      lookups += cs.length;
      const answers = await Promise.all(
        cs.map((c, i) =>
          call<object, PredictDomainsResponse>((r, cb) => c.predictions.predictDomains(r as never, cb), {
            items: [{ id: `c${i}`, value: `host${i}.example-processes.com` }],
            view: 0,
          }),
        ),
      );
      assert.deepEqual(
        answers.map((a) => a.results[0]?.id),
        cs.map((_, i) => `c${i}`),
      );
      for (const a of answers) assert.equal(a.results[0]?.model?.version, 2);
    } finally {
      for (const c of cs) c.close();
    }
    // The primary hands each new connection to the next process that is free. Six opened at once can
    // all reach one process when the other is slow to take its turn (a loaded machine), so open more,
    // one after another, until both have answered: a process that never serves would still fail this.
    const answeredBy = () =>
      new Set(lines.filter((l) => l.msg === 'call' && l.rpc === 'PredictDomains').map((l) => l.pid));
    for (let n = 0; n < 10 && answeredBy().size < 2; n++) {
      const [c] = clients();
      try {
        lookups++;
        await call<object, PredictDomainsResponse>((r, cb) => c!.predictions.predictDomains(r as never, cb), {
          items: [{ id: 'seq', value: 'one-more.example-processes.com' }],
          view: 0,
        });
      } finally {
        c!.close();
      }
    }
    assert.deepEqual([...answeredBy()].sort(), [...pids].sort());
  });

  it('counts cache capacity and lookups over every process', async () => {
    const cs = clients();
    try {
      const list = await call<object, ListModelsResponse>((r, cb) => cs[0]!.models.listModels(r, cb), {});
      const v2 = list.models.find((m) => m.name === 'domain')?.versions.find((v) => v.version === 2);
      assert.equal(v2?.cache?.capacity, 2 * CACHE_ENTRIES);
      // The first test's lookups (one per call, spread over both processes) all count.
      assert.equal((v2?.cache?.hits ?? 0) + (v2?.cache?.misses ?? 0), lookups);
    } finally {
      for (const c of cs) c.close();
    }
  });

  it('applies a pin sent through one connection in every process, and the unpin too', async () => {
    const cs = clients();
    try {
      const pinned = await call<object, ReloadModelsResponse>((r, cb) => cs[0]!.models.reloadModels(r as never, cb), {
        pins: [{ name: 'domain', version: 1 }],
      });
      assert.equal(pinned.models.find((m) => m.name === 'domain')?.servingVersion, 1);
      assert.deepEqual(await servingVersions(), Array(CONNECTIONS).fill(1));
      await call<object, ReloadModelsResponse>((r, cb) => cs[1]!.models.reloadModels(r as never, cb), {
        pins: [{ name: 'domain', version: 0 }],
      });
      assert.deepEqual(await servingVersions(), Array(CONNECTIONS).fill(2));
    } finally {
      for (const c of cs) c.close();
    }
  });

  it('answers a pin to a missing version with NOT_FOUND, as one process does', async () => {
    const cs = clients();
    try {
      await assert.rejects(
        call((r, cb) => cs[0]!.models.reloadModels(r as never, cb), { pins: [{ name: 'domain', version: 9 }] }),
        (err: { code?: number }) => err.code === 5,
      );
      assert.deepEqual(await servingVersions(), Array(CONNECTIONS).fill(2));
    } finally {
      for (const c of cs) c.close();
    }
  });

  it('replaces a process that dies, and the replacement gets the pins', async () => {
    const cs = clients();
    try {
      await call((r, cb) => cs[0]!.models.reloadModels(r as never, cb), { pins: [{ name: 'domain', version: 1 }] });
    } finally {
      for (const c of cs) c.close();
    }
    const victim = pids[0] as number;
    process.kill(victim, 'SIGKILL');
    const replaced = await waitFor((l) => l.msg === 'replacement process serving', 'a replacement');
    const fresh = replaced.pid as number;
    assert.ok(!pids.includes(fresh));
    await waitFor((l) => l.pid === fresh && l.msg === 'serving version swapped' && l.to === 1, 'the pin replayed');
    // The replacement swaps to the pins of its fork before it listens; the primary's replay task reaches
    // it after it is ready, which on a busy machine is after that swap: wait for the task itself.
    await waitFor((l) => l.pid === fresh && l.msg === 'model task from the primary', 'the replay task');
    // The replay is one task for the replacement, not the start of reloads passed back and forth between
    // the processes (which once kept both busy, and the primary too busy to hand over connections).
    const settled = lines.length;
    await new Promise((r) => setTimeout(r, 1000));
    const tasksSince = lines.slice(settled).filter((l) => l.msg === 'model task from the primary');
    assert.ok(
      tasksSince.length === 0,
      `${tasksSince.length} model tasks after the replay (replacement ${fresh}): ${JSON.stringify(tasksSince.slice(0, 3))}`,
    );
    // It took the pin before it listened: it never served the newest version, not even for a moment.
    const own = lines.filter((l) => l.pid === fresh);
    const listening = own.findIndex((l) => l.msg === 'listening');
    assert.ok(listening >= 0);
    assert.ok(
      own.findIndex((l) => l.msg === 'serving version swapped' && l.to === 1) < listening,
      'pinned before listening',
    );
    const later = own.slice(listening).filter((l) => l.msg === 'serving version swapped');
    assert.ok(!later.some((l) => l.to === 2), `never serving the unpinned newest: ${JSON.stringify(later)}`);
    assert.deepEqual(await servingVersions(), Array(CONNECTIONS).fill(1));
    pids = [pids[1] as number, fresh];
  });

  it('loses no unary call when a process is killed under load: UNAVAILABLE, then the retry succeeds', async () => {
    // Two groups of callers side by side, each connection its own: without a retry policy, a call in
    // flight on the killed process must fail with UNAVAILABLE (retry elsewhere) and nothing else; with
    // what our clients do (the service config's retry policy, and src/cli/retry.ts for calls that had
    // begun to be answered), every call must succeed.
    const plain = clients(4);
    const retrying = clients(4, clientChannelOptions());
    const failures = { plain: new Map<string, number>(), retrying: new Map<string, number>() };
    const done = { plain: 0, retrying: 0 };
    let stopAt = Number.POSITIVE_INFINITY;
    let calls = 0;
    const loop = async (c: ReturnType<typeof clients>[number], group: 'plain' | 'retrying', caller: number) => {
      for (let n = 0; calls < stopAt; n++) {
        calls++;
        const items = Array.from({ length: 200 }, (_, i) => ({
          id: String(i),
          value: `k${caller}-${n}-${i}.kill.example`,
        }));
        try {
          const once = () =>
            call<object, PredictDomainsResponse>((r, cb) => c.predictions.predictDomains(r as never, cb), {
              items,
              view: 1,
            });
          const res = await (group === 'plain' ? once() : retryUnavailable(once));
          assert.equal(res.results.length, items.length);
          done[group]++;
        } catch (err) {
          const e = err as { code?: number; details?: string };
          const key = group === 'plain' ? String(e.code) : `${e.code} ${e.details}`;
          failures[group].set(key, (failures[group].get(key) ?? 0) + 1);
        }
      }
    };
    // Streams end UNAVAILABLE on the killed process, having answered in order what came before the
    // requests without an answer (which the client sends again); elsewhere they end OK, all answered.
    const streamEnds: { code: number; unanswered: number }[] = [];
    const streamLoop = async (c: ReturnType<typeof clients>[number], caller: number) => {
      while (calls < stopAt) {
        streamEnds.push(
          await new Promise((resolve) => {
            const s = c.predictions.streamPredictDomains();
            let sent = 0;
            let answered = 0;
            let ended = false;
            const pump = () => {
              while (calls < stopAt && sent - answered < 2) {
                const items = Array.from({ length: 50 }, (_, i) => ({
                  id: String(i),
                  value: `s${caller}-${sent}-${i}.kill.example`,
                }));
                s.write({ items, view: 1 });
                sent++;
              }
              if (calls >= stopAt && !ended) {
                ended = true;
                s.end();
              }
            };
            s.on('data', () => {
              answered++;
              pump();
            });
            // grpc-js emits 'error' before 'end' for a failed stream; the first one tells.
            let settled = false;
            const settle = (code: number) => {
              if (settled) return;
              settled = true;
              resolve({ code, unanswered: sent - answered });
            };
            s.on('error', (err: { code?: number }) => settle(err.code ?? -1));
            s.on('end', () => settle(0));
            pump();
          }),
        );
      }
    };
    const loops = [
      ...plain.map((c, i) => streamLoop(c, i)),
      ...plain.flatMap((c, i) => [loop(c, 'plain', i * 2), loop(c, 'plain', i * 2 + 1)]),
      ...retrying.flatMap((c, i) => [loop(c, 'retrying', 100 + i * 2), loop(c, 'retrying', 101 + i * 2)]),
    ];
    try {
      // Every connection is open and has answered before the kill.
      while (done.plain + done.retrying < 64) await new Promise((r) => setTimeout(r, 20));
      const victim = pids[0] as number;
      const before = lines.length;
      process.kill(victim, 'SIGKILL');
      const replaced = await waitFor(
        (l) => lines.indexOf(l) >= before && l.msg === 'replacement process serving',
        'a replacement',
      );
      stopAt = calls + 64;
      await Promise.all(loops);
      pids = [pids[1] as number, replaced.pid as number];
    } finally {
      stopAt = 0;
      await Promise.all(loops);
      for (const c of [...plain, ...retrying]) c.close();
    }
    // Calls were in flight on the killed process: the callers without retries saw them fail...
    assert.ok(
      (failures.plain.get('14') ?? 0) > 0,
      `no call failed without retries: ${JSON.stringify([...failures.plain])}`,
    );
    // ... with UNAVAILABLE only (never CANCELLED, INTERNAL or a hang) ...
    assert.deepEqual([...failures.plain.keys()], ['14']);
    assert.ok(
      streamEnds.some((e) => e.code === 14),
      `no stream ended UNAVAILABLE: ${JSON.stringify(streamEnds)}`,
    );
    for (const e of streamEnds) assert.ok(e.code === 14 || (e.code === 0 && e.unanswered === 0), JSON.stringify(e));
    // ... and the callers with the retry policy lost none.
    assert.deepEqual([...failures.retrying], []);
    assert.ok(done.retrying > 0);
  });

  it('stops every process on SIGTERM and exits 0', async () => {
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    for (const pid of pids) assert.equal(alive(pid), false, `process ${pid} still runs`);
  });
});
