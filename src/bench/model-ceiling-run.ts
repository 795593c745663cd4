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
  await writeNames(bin, file, Math.max(200_000, Math.round(seconds * 300_000)), offset, tranco);
  const args = [
    join(root, 'dist', 'bench', 'model-ceiling.js'),
    '--names',
    file,
    '--view',
    view,
    '--seconds',
    String(seconds),
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
      command: `loadgen names -count N -offset ${offset} > names.txt; node ${args.slice(0).join(' ').replace(`${root}/`, '')}`,
    };
  } finally {
    rmSync(file, { force: true });
  }
}
