/** Runs the in-process model ceiling (model-ceiling.ts) in its own Node process, once per view. */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeNames } from './loadgen';
import type { View } from './scenarios';

export interface ModelCeiling {
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

export async function runModelCeiling(
  inFlight: number,
  bin: string,
  root: string,
  workDir: string,
  view: View,
  seconds: number,
  offset: number,
  tranco: string,
): Promise<ModelCeiling> {
  const file = join(workDir, `names-${offset}.txt`);
  // Enough names for a model several times faster than today's; running out only shortens the window.
  const count = Math.max(200_000, Math.round(seconds * 300_000));
  await writeNames(bin, file, count, offset, tranco);
  const args = [
    join(root, 'dist', 'bench', 'model-ceiling.js'),
    '--names',
    file,
    '--view',
    view,
    '--seconds',
    String(seconds),
    '--in-flight',
    String(inFlight),
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
      command: `loadgen names -count ${count} -offset ${offset}${tranco === '' ? '' : ` -tranco ${tranco}`} > names.txt && node ${args.join(' ').replace(`${root}/`, '').replace(file, 'names.txt')}`,
    };
  } finally {
    rmSync(file, { force: true });
  }
}

/** The ceiling of a view: the best of its runs (one batch at a time, or several in flight). */
export function modelCeilingOf(ceilings: readonly ModelCeiling[], view: View): ModelCeiling | undefined {
  let best: ModelCeiling | undefined;
  for (const c of ceilings) if (c.view === view && (best === undefined || c.itemsPerSec > best.itemsPerSec)) best = c;
  return best;
}
