/** The server process as Linux sees it: CPU time (all threads, onnxruntime's included) and memory. */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

let ticksPerSec: number | undefined;

function clockTicks(): number {
  if (ticksPerSec === undefined) {
    try {
      ticksPerSec = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSec = 100;
    }
  }
  return ticksPerSec;
}

/** utime + stime of the process, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may itself contain spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

function statusKb(pid: number, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? 0 : Number(m[1]);
}

export const rssMb = (pid: number) => statusKb(pid, 'VmRSS') / 1024;
export const peakRssMb = (pid: number) => statusKb(pid, 'VmHWM') / 1024;

/** Resets VmHWM so the next peak is this scenario's own (needs to own the process; we do). */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export interface RssTrace {
  /** [seconds since start, RSS MB] */
  samples: Array<[number, number]>;
  maxMb: number;
}

/** Samples VmRSS every `everyMs` until stopped: a fallback for VmHWM and the soak's timeline. */
export function sampleRss(pid: number, everyMs: number): { stop(): RssTrace } {
  const t0 = Date.now();
  const samples: Array<[number, number]> = [];
  const take = () => {
    try {
      samples.push([(Date.now() - t0) / 1000, rssMb(pid)]);
    } catch {
      // The process is gone; the caller will notice.
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { samples, maxMb: Math.max(...samples.map((s) => s[1])) };
    },
  };
}
