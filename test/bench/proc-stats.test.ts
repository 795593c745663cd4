import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { treeCpuSeconds } from '../../src/bench/proc-stats';

/** utime + stime of the one process, in clock ticks. */
function ownTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

describe('treeCpuSeconds', () => {
  it(
    "counts the CPU of a server's worker processes, live and exited, not only its own",
    { timeout: 60_000 },
    async () => {
      // An idle parent whose child burns ~0.6 s of CPU, then reports and waits; then the child exits.
      const child = `while (process.cpuUsage().user < 600000); process.send('burnt'); process.on('message', () => process.exit(0));`;
      const parent = `
      const c = require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(child)}], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      c.on('message', () => process.stdout.write('burnt\\n'));
      process.stdin.on('data', () => c.send('exit'));
      c.on('exit', () => { process.stdout.write('exited\\n'); setTimeout(() => {}, 60000); });`;
      const p = spawn(process.execPath, ['-e', parent], { stdio: ['pipe', 'pipe', 'inherit'] });
      try {
        const lines: string[] = [];
        const waitFor = async (line: string) => {
          while (!lines.includes(line)) {
            const [chunk] = await once(p.stdout, 'data');
            lines.push(...String(chunk).split('\n'));
          }
        };
        await waitFor('burnt');
        const own = ownTicks(p.pid as number) / 100;
        const live = treeCpuSeconds(p.pid as number);
        assert.ok(live >= own + 0.4, `the live child counts: tree ${live} s, parent alone ${own} s`);
        p.stdin.write('x');
        await waitFor('exited');
        const after = treeCpuSeconds(p.pid as number);
        assert.ok(after >= live - 0.02, `an exited child still counts: ${after} s after, ${live} s before`);
      } finally {
        p.kill();
      }
    },
  );
});
