/** Runs the in-process model ceiling (model-ceiling.ts) in its own Node process, once per kind, view and in-flight. */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeNames } from './loadgen';
import { type DataFiles, type Kind, type ModelKind, type ModelRun, type View, valueArgs } from './scenarios';

export interface ModelCeiling {
  /** Absent in reports saved before URLs and IPs were measured: domain. */
  kind?: Kind;
  view: View;
  batch: number;
  /** Batches scored at once (1: one after the other). */
  inFlight: number;
  batches: number;
  items: number;
  seconds: number;
  itemsPerSec: number;
  cpuUsPerItem: number;
  /** Share of items the model scored (the rest were decided by a rule or invalid). */
  scoredShare: number;
  namesExhausted: boolean;
  command: string;
}

/**
 * Values to generate per second of window: a few times what the scorer does today at its best (domains
 * ~150k/s, URLs ~60k/s, IPs ~80k/s in-process, 4 batches in flight), so that running out
 * (namesExhausted, which the report flags) only happens to a much faster scorer, and then only
 * shortens the window.
 */
const RATE_HEADROOM: Record<ModelKind, number> = { domain: 300_000, url: 150_000, ip: 200_000 };

export async function runModelCeiling(
  run: ModelRun,
  bin: string,
  root: string,
  workDir: string,
  seconds: number,
  data: DataFiles,
): Promise<ModelCeiling> {
  const file = join(workDir, `names-${run.offset}.txt`);
  const count = Math.max(200_000, Math.round(seconds * RATE_HEADROOM[run.kind]));
  const values = valueArgs(run.kind, data);
  await writeNames(bin, file, count, run.offset, values);
  const args = [
    join(root, 'dist', 'bench', 'model-ceiling.js'),
    '--names',
    file,
    ...(run.kind === 'domain' ? [] : ['--kind', run.kind]),
    '--view',
    run.view,
    '--seconds',
    String(seconds),
    '--in-flight',
    String(run.inFlight),
  ];
  try {
    const { stdout } = await promisify(execFile)(process.execPath, args, {
      cwd: root,
      maxBuffer: 1 << 20,
      timeout: (seconds + 120) * 1000,
    });
    const r = JSON.parse(stdout.trim().split('\n').pop() as string) as Omit<ModelCeiling, 'command'>;
    return {
      ...r,
      command: `loadgen names -count ${count} -offset ${run.offset}${values.map((a) => ` ${a}`).join('')} > names.txt && node ${args.join(' ').replace(`${root}/`, '').replace(file, 'names.txt')}`,
    };
  } finally {
    rmSync(file, { force: true });
  }
}

/** The ceiling of a kind and view: the best of its runs (one batch at a time, or several in flight). */
export function modelCeilingOf(ceilings: readonly ModelCeiling[], kind: Kind, view: View): ModelCeiling | undefined {
  let best: ModelCeiling | undefined;
  for (const c of ceilings)
    if ((c.kind ?? 'domain') === kind && c.view === view && (best === undefined || c.itemsPerSec > best.itemsPerSec))
      best = c;
  return best;
}
