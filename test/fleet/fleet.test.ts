/**
 * The README's "Running a fleet", on loopback: three server processes (dist/main.js, as deployed:
 * TLS) behind Debian's HAProxy running deploy/haproxy/haproxy.cfg (TLS to clients, verified TLS to
 * the backends; certificates made here by makeFleetTls), under sustained unary and streaming
 * load from the Go load generator's fleet client (src/bench/loadgen/fleet.go). One backend is killed (SIGKILL:
 * a crash, nothing answered on the way out) and brought back mid-run.
 *
 * Every decision waits on counts, never on time: the phases end when enough answers have come back,
 * and the servers' short connection age (--max-connection-age-ms) is what moves streams back onto the
 * restarted backend. Fails (never skips) without haproxy: `bash scripts/provision-fleet.sh`.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import {
  type FleetEvent,
  type FleetLoad,
  type FleetTls,
  haproxyVersion,
  makeFleetTls,
  startFleetLoad,
  startHaproxy,
} from '../../src/bench/fleet';
import { buildLoadgen } from '../../src/bench/loadgen';
import { freePort, type ServerProcess, startServerProcess } from '../../src/bench/server-process';

const ROOT = resolve(__dirname, '..', '..');
const NAMES = ['backend1', 'backend2', 'backend3'];
// Short ages so streams cycle several times within the run; the grace lets unary calls finish.
const SERVER_ARGS = [
  '--max-connection-age-ms',
  '2000',
  '--max-connection-age-grace-ms',
  '1000',
  '--shutdown-grace-ms',
  '2000',
];
const STREAMS = 4;
/** New request messages per second from the load generator (unary calls and stream messages together). */
const RATE = 250;
// Loading models on a machine shared with the rest of the suite can take long: not a measurement.
const READY_MS = 240_000;

let tls: FleetTls;
const backendArgs = (name: string) => [...SERVER_ARGS, ...tls.serverArgs, '--instance-id', name];

/** Messages answered in `phase` (unary calls and stream messages), per backend. */
function perBackend(e: FleetEvent, phase: string, what: (c: FleetEvent['backends'][string][string]) => number) {
  const counts = e.backends[phase] ?? {};
  return Object.fromEntries(NAMES.map((n) => [n, counts[n] === undefined ? 0 : what(counts[n])]));
}

const answeredIn = (e: FleetEvent, phase: string) =>
  Object.values(e.backends[phase] ?? {}).reduce((s, c) => s + c.unaryCalls + c.streamMessages, 0);

describe('a fleet of three behind HAProxy', { timeout: 900_000 }, () => {
  let loadgen: string;
  const servers: (ServerProcess | undefined)[] = [];
  let ports: number[];
  let balancer: Awaited<ReturnType<typeof startHaproxy>> | undefined;
  let load: FleetLoad | undefined;

  before(async () => {
    haproxyVersion(); // fails here, with the command to run, when haproxy is missing
    loadgen = await buildLoadgen(ROOT);
    tls = makeFleetTls();
    ports = [await freePort(), await freePort(), await freePort()];
    const started = await Promise.all(
      NAMES.map((n, i) => startServerProcess('real', ROOT, ['domain'], backendArgs(n), ports[i], READY_MS)),
    );
    servers.push(...started);
    balancer = await startHaproxy(
      ROOT,
      `127.0.0.1:${await freePort()}`,
      ports.map((p) => `127.0.0.1:${p}`),
      tls,
    );
  });

  after(async () => {
    load?.kill();
    await balancer?.stop();
    await Promise.all(servers.map((s) => s?.stop()));
    tls?.cleanup();
  });

  /**
   * Load through `addr` (the balancer, or every backend for client-side round_robin); backend
   * `victim` crashes and comes back; then the counts are checked.
   */
  async function crashAndReturn(
    t: TestContext,
    addr: string,
    victim: number,
    evenShares: boolean,
  ): Promise<FleetEvent> {
    const name = NAMES[victim] as string;
    load = startFleetLoad(loadgen, addr, [
      '-tls-ca',
      tls.ca,
      '-concurrency',
      '4',
      '-streams',
      String(STREAMS),
      '-batch',
      '20',
      '-window',
      '2',
      '-conns',
      '2',
      '-progress',
      '100ms',
      // A client of a headless Service waits between reconnects to the crashed backend; gRPC's
      // default (1 s growing 1.6x to 120 s) made it wait about as long as the outage again before
      // trying the restarted one (measured: the "back" phase as long as "down"). Capped, the client
      // still has to find the backend again by itself; it just tries it every second.
      '-max-reconnect-backoff',
      '1s',
      // Paced: at full speed the load answered ~35,000 messages (620,000 items) while the victim
      // restarted, CPU the restart and the rest of the suite waited for; the phases count answers, so
      // they take what they need at this rate too.
      '-rate',
      String(RATE),
    ]);
    load.phase('warm');
    await load.until((e) => answeredIn(e, 'warm') >= 400 && Object.keys(e.backends.warm ?? {}).length === 3);

    // A crash: calls and streams on the victim die with it.
    await servers[victim]!.kill('SIGKILL');
    const beforeDown = load.last!;
    load.phase('down');
    await load.until((e) => answeredIn(e, 'down') >= 400 && e.reconnects > beforeDown.reconnects);

    // Back on the same port; the balancer's check (or the client's reconnect) finds it again.
    servers[victim] = await startServerProcess('real', ROOT, ['domain'], backendArgs(name), ports[victim], READY_MS);
    load.phase('back');
    // First the victim is back in the rotation (the balancer's check, or the client's reconnect
    // backoff, found it): it answers unary calls again.
    const rejoined = await load.until((e) => (e.backends.back?.[name]?.unaryCalls ?? 0) >= 20);
    // Streams return to it only when their connections age out (nothing else ends them): a stream
    // message answered by it from now on shows one did. Then every stream is cut and reopened at
    // least twice more before the shares are counted.
    load.phase('rejoined');
    await load.until((e) => (e.backends.rejoined?.[name]?.streamMessages ?? 0) > 0);
    const streamsBack = load.last!;
    // A restarted process is slower while it warms up (JIT, caches): let every stream cycle twice more.
    await load.until(
      (e) => e.reconnects >= Math.max(streamsBack.reconnects, rejoined.reconnects + STREAMS) + 2 * STREAMS,
    );
    load.phase('even');
    await load.until((e) => answeredIn(e, 'even') >= 2000);
    const end = await load.stop();
    load = undefined;
    t.diagnostic(JSON.stringify({ ...end, event: undefined }));

    // Nothing lost, nothing answered twice, every item answered in its own message's order.
    assert.equal(end.lostMessages, 0, 'every sent message was answered');
    assert.equal(end.duplicatedMessages, 0, 'no message was answered twice');
    assert.equal(end.badReplies, 0, 'every reply answered exactly its request, ids in order');
    assert.equal(end.itemErrors, 0, 'no item came back with an error');
    // Unary calls: the service config retries UNAVAILABLE until an answer has begun (gRPC's rule). A
    // backend killed after its answer began leaves a call that no gRPC retry may repeat; the client
    // sends it again itself (scoring is idempotent) and lostMessages above counts it. Any other
    // failure is a bug.
    for (const error of Object.keys(end.unaryFailureErrors ?? {}))
      assert.match(error, /^(Internal: server closed the stream without sending trailers|Unavailable: .*)$/, error);
    assert.ok(end.reconnects >= 2 * STREAMS, 'streams were cut (crash, connection age) and reopened');
    assert.ok(end.resent > 0, 'streams resent what was unanswered when they were cut');

    // While the victim was down nothing came from it; after, it answers again.
    assert.equal(perBackend(end, 'down', (c) => c.unaryCalls + c.streamMessages)[name], 0);
    assert.ok((end.backends.rejoined?.[name]?.streamMessages ?? 0) > 0, 'streams came back to it');

    const calls = perBackend(end, 'even', (c) => c.unaryCalls + c.streamCalls);
    t.diagnostic(`calls per backend once streams cycled: ${JSON.stringify(calls)}`);
    if (evenShares) {
      // Per-backend share of calls (unary calls and stream calls, each balanced on its own) within
      // 20% of even, once streams have cycled.
      const total = Object.values(calls).reduce((a, b) => a + b, 0);
      for (const [backend, n] of Object.entries(calls)) {
        const share = n / total;
        assert.ok(
          Math.abs(share - 1 / 3) <= 0.2 / 3,
          `${backend} answered ${(100 * share).toFixed(1)}% of ${total} calls (even: 33.3% +- 6.7): ${JSON.stringify(calls)}`,
        );
      }
    } else assert.ok((calls[name] ?? 0) > 0, 'the restarted backend takes calls again');
    return end;
  }

  it('through HAProxy: loses and repeats no item through a crash and a restart, and spreads calls evenly again', async (t) => {
    await crashAndReturn(t, balancer!.addr, 1, true);
  });

  // Without a balancer the shares are reported, not judged: round_robin picks only among connections
  // that are ready, and each backend's connection is re-made every connection age; a restarted
  // process still warming up on this busy machine takes longer to accept them, so it is left out of
  // more picks (measured: 109 of 688 unary calls at load average ~30, an even third at ~15).
  it('client-side round_robin over the backends (a headless Service): the same, with gRPC retries', async (t) => {
    await crashAndReturn(t, ports.map((p) => `127.0.0.1:${p}`).join(','), 2, false);
  });
});
