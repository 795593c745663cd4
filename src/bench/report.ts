/** The printed report (one table, the ceilings, the targets, how to reproduce) and the JSON file. */

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { HttpTlsCostResult } from './http-tls-cost';
import type { HttpVsGrpcResult } from './http-vs-grpc';
import type { ScenarioResult } from './measure';
import { type ModelCeiling, modelCeilingOf } from './model-ceiling-run';
import { ceilingOf, type PairedCpu, type PairedResult, type PairedRound } from './paired';
import { echoOf } from './scenarios';
import type { SlowReaderResult } from './slow-reader';
import type { SoakResult } from './soak';
import { median } from './stats';
import type { TargetCheck } from './targets';
import type { TlsCostResult } from './tls-cost';

export interface Machine {
  nproc: number;
  cpuModel: string;
  memGb: number;
  node: string;
  go: string;
  os: string;
  /** 1-minute load average before and after: other work on the machine skews absolute figures. */
  loadAvgStart: number;
  loadAvgEnd: number;
}

export interface Report {
  startedAt: string;
  finishedAt: string;
  mode: 'full' | 'quick' | 'soak';
  timing: { warmupSec: number; measureSec: number };
  machine: Machine;
  scenarios: ScenarioResult[];
  modelCeilings: ModelCeiling[];
  slowReader?: SlowReaderResult | undefined;
  soak?: SoakResult | undefined;
  paired?: PairedResult | undefined;
  /** TLS against plaintext, measured side by side (src/bench/tls-cost.ts). */
  tls?: TlsCostResult | undefined;
  /** JSON over HTTP against gRPC per item (src/bench/http-vs-grpc.ts). */
  httpVsGrpc?: HttpVsGrpcResult | undefined;
  /** HTTPS against plaintext on the HTTP listener (src/bench/http-tls-cost.ts). */
  httpTls?: HttpTlsCostResult | undefined;
  /** For every real scenario: its items/s over the echo scenario of the same kind and shape. */
  vsTransport: Record<string, number>;
  /** For every real scenario: its items/s over the model ceiling of its kind and view. */
  vsModel: Record<string, number>;
  targets: TargetCheck[];
  reproduce: string[];
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (us: number) => (us / 1000).toFixed(us < 10_000 ? 2 : 1);

export function ratios(results: ScenarioResult[], ceilings: ModelCeiling[]): Pick<Report, 'vsTransport' | 'vsModel'> {
  const by = new Map(results.map((r) => [r.scenario.id, r]));
  const vsTransport: Record<string, number> = {};
  const vsModel: Record<string, number> = {};
  for (const r of results) {
    if (r.scenario.server !== 'real') continue;
    const echo = by.get(echoOf(r.scenario));
    if (echo) vsTransport[r.scenario.id] = r.load.itemsPerSec / echo.load.itemsPerSec;
    const model = modelCeilingOf(ceilings, r.scenario.kind, r.scenario.view);
    if (model) vsModel[r.scenario.id] = r.load.itemsPerSec / model.itemsPerSec;
  }
  return { vsTransport, vsModel };
}

export function formatReport(r: Report): string {
  const lines: string[] = [];
  const m = r.machine;
  lines.push(`threatpredict benchmark (${r.mode}), ${r.startedAt}`);
  lines.push(
    `machine: ${m.nproc} cores (${m.cpuModel}), ${m.memGb.toFixed(0)} GB, node ${m.node}, ${m.go}; load average ${m.loadAvgStart.toFixed(2)} -> ${m.loadAvgEnd.toFixed(2)}`,
  );
  if (Math.max(m.loadAvgStart, m.loadAvgEnd) > m.nproc * 0.5) {
    lines.push('WARNING: the machine was busy with other work: absolute figures are low and noisy; read the ratios.');
  }
  if (r.scenarios.length > 0) {
    lines.push(
      `each scenario: ${r.timing.warmupSec} s warm-up, ${r.timing.measureSec} s measured; streams: 4 (window = messages in flight per stream)`,
    );
  }
  lines.push('');
  if (r.scenarios.length > 0) {
    const widths = [40, 11, 9, 9, 9, 9, 8, 11, 8, 8, 6, 8, 8];
    lines.push(
      pad(
        [
          'scenario',
          'items/s',
          'msgs/s',
          'p50 ms',
          'p99 ms',
          'srv us/it',
          'srv cpu',
          'it/cpu-s',
          'peak MB',
          'cli us/it',
          'hit %',
          'vs echo',
          'vs model',
        ],
        widths,
      ),
    );
    lines.push('-'.repeat(widths.reduce((a, b) => a + b + 2, -2)));
    for (const s of r.scenarios) {
      const l = s.load;
      const vsE = r.vsTransport[s.scenario.id];
      const vsM = r.vsModel[s.scenario.id];
      const name = s.scenario.rpc === 'stream' ? `${s.scenario.id} w${s.scenario.window}` : s.scenario.id;
      lines.push(
        pad(
          [
            name,
            int(l.itemsPerSec),
            int(l.messagesPerSec),
            ms(l.p50us),
            ms(l.p99us),
            s.serverCpuUsPerItem.toFixed(2),
            s.serverCores.toFixed(2),
            int(1e6 / s.serverCpuUsPerItem),
            s.serverPeakRssMb.toFixed(0),
            l.clientCpuUsPerItem.toFixed(2),
            s.cacheHitRatio === undefined ? '' : (s.cacheHitRatio * 100).toFixed(1),
            vsE === undefined ? '' : vsE.toFixed(2),
            vsM === undefined ? '' : vsM.toFixed(2),
          ],
          widths,
        ),
      );
      if (l.itemErrors > 0) lines.push(`    (${int(l.itemErrors)} items answered with an error)`);
      // URLs and IPs: how many the rules answered without the model (invalid, allow-listed, not routable).
      // (Reports saved before URLs and IPs were measured have no kind: domains.)
      if ((s.scenario.kind ?? 'domain') !== 'domain' && s.scenario.server === 'real') {
        const unscored = l.itemsUnscored / Math.max(1, l.items);
        lines.push(`    (model scored ${((1 - unscored) * 100).toFixed(0)}% of items)`);
      }
    }
    lines.push(
      'srv us/it: server CPU (all threads) per item; srv cpu: server cores busy; it/cpu-s: items per second of server CPU',
      '(what one core would do; steadier than items/s on a busy machine); peak MB: server peak RSS in the window;',
    );
    lines.push(
      "cli us/it: load generator CPU per item; hit %: cache hits over lookups of the kind's model in the window (GetModel);",
      "vs echo: items/s over the echo server's with the same kind and shape (transport ceiling);",
    );
    lines.push('vs model: items/s over the in-process model ceiling of the same kind and view.');
    lines.push('');
  }
  for (const c of r.modelCeilings) {
    const values = { domain: 'names', url: 'URLs', ip: 'IPs', mixed: 'indicators' }[c.kind ?? 'domain'];
    lines.push(
      `model ceiling (in-process scorer.scoreBatch, batch ${c.batch}, ${c.inFlight} in flight, unique ${values}, ${c.view}): ${int(c.itemsPerSec)} items/s, ${c.cpuUsPerItem.toFixed(2)} us CPU/item (${int(1e6 / c.cpuUsPerItem)} it/cpu-s), model scored ${(c.scoredShare * 100).toFixed(0)}% of items${c.namesExhausted ? ' (ran out of values: a shorter window than asked)' : ''}`,
    );
  }
  if (r.slowReader) {
    const s = r.slowReader;
    lines.push(
      `slow reader (${s.seconds} s, one reply read per 200 ms): sent ${s.sent}, received ${s.received}, in flight ${s.inFlightMid} at half time -> ${s.inFlightEnd} at the end; server RSS ${s.serverRssBeforeMb.toFixed(0)} -> ${s.serverRssAfterMb.toFixed(0)} MB` +
        (s.serverCpuUsPerItem === undefined ? '' : `; server CPU ${s.serverCpuUsPerItem.toFixed(2)} us per item read`),
    );
  }
  if (r.paired) {
    const p = r.paired;
    const perRound = (pick: (x: PairedRound) => number | undefined) =>
      p.rounds.map((x) => ((pick(x) ?? 0) / ceilingOf(x)).toFixed(2)).join(' ');
    lines.push(
      `unary c=${p.concurrency} paired with the echo (${p.rounds.length} alternating rounds of 4 s; ceiling = the better of the echo with 1 and 2 processes): ceiling median ${int(p.medianEcho)}/s; echo 1 / 2 processes per round ${p.rounds.map((x) => `${int(x.echo)}/${x.echo2 === undefined ? '-' : int(x.echo2)}`).join(' ')}`,
      `  1 process: full ${perRound((x) => x.full)} (median ${p.medianRatio.full.toFixed(2)}x), compact ${perRound((x) => x.compact)} (median ${p.medianRatio.compact.toFixed(2)}x)`,
    );
    if (p.medianRatio2 !== undefined)
      lines.push(
        `  --processes 2: full ${perRound((x) => x.full2)} (median ${p.medianRatio2.full.toFixed(2)}x), compact ${perRound((x) => x.compact2)} (median ${p.medianRatio2.compact.toFixed(2)}x)`,
      );
    const cpu = p.rounds.map((x) => x.cpu).filter((c) => c !== undefined);
    if (cpu.length > 0) {
      const us = (k: keyof PairedCpu) => median(cpu.map((c) => c[k])).toFixed(1);
      lines.push(
        `  server CPU us per call, median (all processes): echo ${us('echo')} / 2 processes ${us('echo2')}; full ${us('full')}, compact ${us('compact')}; --processes 2: full ${us('full2')}, compact ${us('compact2')}`,
      );
    }
  }
  if (r.tls) {
    lines.push(
      `TLS against plaintext (${r.tls.shapes[0]?.rounds.length ?? 0} alternating rounds of 4 s, median round):`,
    );
    for (const t of r.tls.shapes) {
      const cpu = (side: 'plain' | 'tls') => median(t.rounds.map((x) => x[side].serverCpuUsPerItem)).toFixed(2);
      lines.push(
        `  ${t.shape}: items/s ${t.throughputRatio.toFixed(2)}x, server CPU per item ${t.cpuRatio.toFixed(2)}x (plaintext ${cpu('plain')}, TLS ${cpu('tls')}: ${t.extraCpuUsPerItem >= 0 ? '+' : ''}${t.extraCpuUsPerItem.toFixed(2)} us per ${t.shape.startsWith('unary') ? 'call' : 'item'})`,
      );
    }
  }
  if (r.soak) {
    const s = r.soak;
    lines.push(
      `soak (${s.minutes} min, hot set, batch 1000, full): ${int(s.itemsPerSec)} items/s${s.serverCpuUsPerItem === undefined ? '' : `, server CPU ${s.serverCpuUsPerItem.toFixed(2)} us/item`}; RSS MB over time: ${s.timeline.map(([t, mb]) => `${Math.round(t)}s:${mb.toFixed(0)}`).join(' ')}`,
    );
  }
  lines.push('');
  lines.push('targets:');
  for (const t of r.targets) {
    const status = t.status ?? (t.pass ? 'pass' : 'fail');
    lines.push(
      `  ${status.toUpperCase().padEnd(4)}  ${t.target}: ${t.measured} (${status === 'info' ? '' : 'required '}${t.required})`,
    );
  }
  lines.push('');
  lines.push('reproduce:');
  for (const c of r.reproduce) lines.push(`  ${c}`);
  return lines.join('\n');
}

export function writeJson(file: string, r: Report): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
}
