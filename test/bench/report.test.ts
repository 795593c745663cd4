/**
 * Issue 17 item 6: the printed summary gives the server's CPU per item (microseconds, not only a
 * ratio) for every scenario `npm run bench` runs, since on a busy machine it holds where items/s does not.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatHttpTlsCost, type HttpTlsCostResult } from '../../src/bench/http-tls-cost';
import { formatHttpVsGrpc, type HttpVsGrpcResult } from '../../src/bench/http-vs-grpc';
import type { LoadResult } from '../../src/bench/loadgen';
import type { ScenarioResult } from '../../src/bench/measure';
import { formatReport, type Report } from '../../src/bench/report';
import { plan } from '../../src/bench/scenarios';

function scenario(id: string, serverCpuUsPerItem: number): ScenarioResult {
  const s = plan().find((x) => x.id === id);
  assert.ok(s, id);
  const load = {
    itemsPerSec: 50_000,
    messagesPerSec: 50,
    items: 100_000,
    itemsUnscored: 0,
    itemErrors: 0,
    p50us: 1,
    p99us: 2,
    clientCpuUsPerItem: 0.5,
  } as LoadResult;
  return { scenario: s, load, serverCpuUsPerItem, serverCores: 1, serverPeakRssMb: 1, serverRssEndMb: 1, command: '' };
}

const report = {
  mode: 'quick',
  startedAt: 'now',
  timing: { warmupSec: 1, measureSec: 2 },
  machine: { nproc: 2, cpuModel: 'cpu', memGb: 1, node: 'v20', go: 'go', os: 'linux', loadAvgStart: 0, loadAvgEnd: 0 },
  scenarios: [scenario('real/stream-unique-b1000/full', 13.57)],
  modelCeilings: [
    {
      view: 'full',
      batch: 1000,
      inFlight: 1,
      batches: 1,
      items: 1,
      seconds: 1,
      itemsPerSec: 100_000,
      cpuUsPerItem: 9.13,
      scoredShare: 1,
      namesExhausted: false,
      command: '',
    },
  ],
  slowReader: {
    seconds: 4,
    sent: 40,
    received: 20,
    inFlightMid: 20,
    inFlightEnd: 20,
    serverRssBeforeMb: 100,
    serverRssAfterMb: 101,
    serverCpuUsPerItem: 17.25,
    bounded: true,
    command: '',
  },
  soak: {
    minutes: 5,
    itemsPerSec: 900_000,
    serverCpuUsPerItem: 2.75,
    baselineMb: 1,
    endMb: 1,
    growthPct: 0,
    timeline: [],
    command: '',
  },
  paired: {
    concurrency: 64,
    rounds: [
      {
        echo: 10_000,
        full: 8000,
        compact: 9000,
        cpu: { echo: 300, echo2: 310, full: 395, compact: 380, full2: 420, compact2: 410 },
      },
    ],
    medianRatio: { full: 0.8, compact: 0.9 },
    medianEcho: 10_000,
    command: '',
  },
  tls: {
    shapes: [
      {
        shape: 'stream-hot-b1000-compact',
        rounds: [
          {
            plain: { itemsPerSec: 1, serverCpuUsPerItem: 3.25, p99us: 1 },
            tls: { itemsPerSec: 1, serverCpuUsPerItem: 3.5, p99us: 1 },
          },
        ],
        throughputRatio: 1,
        cpuRatio: 3.5 / 3.25,
        extraCpuUsPerItem: 0.25,
      },
    ],
    command: '',
  },
  vsTransport: {},
  vsModel: {},
  targets: [],
  reproduce: [],
} as unknown as Report;

describe('bench summary: server CPU per item for every scenario', () => {
  const line = (start: RegExp) =>
    formatReport(report)
      .split('\n')
      .find((l) => start.test(l)) ?? '';

  it('the scenario table and the model ceilings', () => {
    assert.match(line(/^real\/stream-unique-b1000\/full/), / 13\.57 /);
    assert.match(line(/^model ceiling/), /9\.13 us CPU\/item/);
  });

  it('the slow reader, per item it read back', () => {
    assert.match(line(/^slow reader/), /server CPU 17\.25 us per item read/);
  });

  it('the soak', () => {
    assert.match(line(/^soak/), /server CPU 2\.75 us\/item/);
  });

  it('unary c=64 paired with the echo, per call', () => {
    assert.match(line(/server CPU us per call/), /echo 300\.0 .* full 395\.0, compact 380\.0/);
  });

  it('TLS against plaintext: both sides, not only their ratio', () => {
    assert.match(line(/^ {2}stream-hot-b1000-compact/), /plaintext 3\.25, TLS 3\.50: \+0\.25 us per item/);
  });

  it('JSON over HTTP against gRPC', () => {
    const r: HttpVsGrpcResult = {
      batch: 1000,
      inFlight: 4,
      secondsPerWindow: 4,
      rounds: [
        {
          names: 'unique',
          grpc: { itemsPerSec: 2, cpuUsPerItem: 14.5 },
          http: { itemsPerSec: 1, cpuUsPerItem: 16.75 },
        },
        { names: 'repeat', grpc: { itemsPerSec: 2, cpuUsPerItem: 2.5 }, http: { itemsPerSec: 1, cpuUsPerItem: 4.25 } },
      ],
      medianTimeRatio: { unique: 2, repeat: 2 },
      medianCpuRatio: { unique: 16.75 / 14.5, repeat: 4.25 / 2.5 },
      command: '',
    };
    const out = formatHttpVsGrpc(r);
    assert.match(out, /unique .*\(gRPC 14\.50, HTTP 16\.75 us\)/);
    assert.match(out, /repeat .*\(gRPC 2\.50, HTTP 4\.25 us\)/);
  });

  it('HTTPS against plaintext HTTP', () => {
    const r: HttpTlsCostResult = {
      secondsPerWindow: 4,
      shapes: [
        {
          shape: 'unary-b1-c16',
          rounds: [
            { plain: { itemsPerSec: 1, serverCpuUsPerItem: 210 }, tls: { itemsPerSec: 1, serverCpuUsPerItem: 250 } },
          ],
          throughputRatio: 1,
          cpuRatio: 250 / 210,
          extraCpuUsPerItem: 40,
        },
      ],
      command: '',
    };
    assert.match(formatHttpTlsCost(r), /plaintext 210\.00, HTTPS 250\.00: \+40\.00 us per call/);
  });
});
