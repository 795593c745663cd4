/** The issue's targets, judged on one run's figures. Benchmark targets, not timed tests: they inform, never fail a build. */
import type { ScenarioResult } from './measure';
import { type ModelCeiling, modelCeilingOf } from './model-ceiling-run';
import type { PairedResult } from './paired';
import type { View } from './scenarios';
import type { SlowReaderResult } from './slow-reader';
import type { SoakResult } from './soak';

export interface TargetCheck {
  target: string;
  measured: string;
  required: string;
  pass: boolean;
}

const VIEWS: View[] = ['full', 'compact'];
const fmtRate = (n: number) => `${Math.round(n).toLocaleString('en-US')}/s`;

export function checkTargets(
  results: ScenarioResult[],
  ceilings: ModelCeiling[],
  slow: SlowReaderResult | undefined,
  soak: SoakResult | undefined,
  paired?: PairedResult | undefined,
): TargetCheck[] {
  const by = new Map(results.map((r) => [r.scenario.id, r]));
  const out: TargetCheck[] = [];
  const echoB1000 = by.get('echo/stream-unique-b1000');
  const echoC64 = by.get('echo/unary-c64');
  for (const view of VIEWS) {
    const uniq = by.get(`real/stream-unique-b1000/${view}`);
    const model = modelCeilingOf(ceilings, view);
    if (uniq && echoB1000 && model) {
      const ceiling = Math.min(echoB1000.load.itemsPerSec, model.itemsPerSec);
      const ratio = uniq.load.itemsPerSec / ceiling;
      out.push({
        target: `stream, unique names, batch 1000, ${view}: >= 70% of min(transport, model ceiling)`,
        measured: `${fmtRate(uniq.load.itemsPerSec)} = ${(ratio * 100).toFixed(0)}% of ${fmtRate(ceiling)} (${ceiling === model.itemsPerSec ? 'model' : 'transport'})`,
        required: '>= 70%',
        pass: ratio >= 0.7,
      });
    }
    const hot = by.get(`real/stream-hot-b1000/${view}`);
    if (hot) {
      out.push({
        target: `stream, 90% hot set (Zipf 1.1), batch 1000, ${view}: >= 1,000,000 domains/s`,
        measured: fmtRate(hot.load.itemsPerSec),
        required: '>= 1,000,000/s',
        pass: hot.load.itemsPerSec >= 1_000_000,
      });
    }
    const c1 = by.get(`real/unary-c1/${view}`);
    if (c1) {
      out.push({
        target: `unary PredictDomains, 1 item, concurrency 1, ${view}: p99 < 2 ms`,
        measured: `p99 ${(c1.load.p99us / 1000).toFixed(2)} ms`,
        required: '< 2 ms',
        pass: c1.load.p99us < 2000,
      });
    }
    const c64 = by.get(`real/unary-c64/${view}`);
    const single =
      c64 && echoC64
        ? `${fmtRate(c64.load.itemsPerSec)} = ${(c64.load.itemsPerSec / echoC64.load.itemsPerSec).toFixed(2)}x echo ${fmtRate(echoC64.load.itemsPerSec)}`
        : undefined;
    if (paired) {
      // The paired rounds decide: a single echo run is at the mercy of the moment it ran.
      const ratio = paired.medianRatio[view];
      out.push({
        target: `unary PredictDomains, 1 item, concurrency 64, ${view}: >= 0.8x echo`,
        measured: `median of ${paired.rounds.length} alternating rounds ${ratio.toFixed(2)}x echo${single ? ` (table run: ${single})` : ''}`,
        required: '>= 0.80x',
        pass: ratio >= 0.8,
      });
    } else if (c64 && echoC64 && single) {
      const ratio = c64.load.itemsPerSec / echoC64.load.itemsPerSec;
      out.push({
        target: `unary PredictDomains, 1 item, concurrency 64, ${view}: >= 0.8x echo`,
        measured: `${single} (one run each; the paired rounds were not run)`,
        required: '>= 0.80x',
        pass: ratio >= 0.8,
      });
    }
  }
  if (slow) {
    out.push({
      target: 'slow reader: the server stops reading instead of buffering',
      measured: `in flight ${slow.inFlightMid} -> ${slow.inFlightEnd} messages over the 2nd half; server RSS ${slow.serverRssBeforeMb.toFixed(0)} -> ${slow.serverRssAfterMb.toFixed(0)} MB`,
      required: 'in flight stops growing',
      pass: slow.bounded,
    });
  }
  if (soak) {
    out.push({
      target: `memory flat over a ${soak.minutes}-minute sustained stream`,
      measured: `RSS ${soak.baselineMb.toFixed(0)} -> ${soak.endMb.toFixed(0)} MB (${soak.growthPct >= 0 ? '+' : ''}${soak.growthPct.toFixed(1)}%)`,
      required: 'within 10%',
      pass: Math.abs(soak.growthPct) <= 10,
    });
  }
  return out;
}
