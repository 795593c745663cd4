/** CPU and memory of processes: the server as Linux sees it (all threads, onnxruntime's included), and this process's own CPU. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

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

/** The fields of /proc/PID/stat after the command name (which may itself hold spaces and parentheses). */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** CPU of this process in microseconds, all its threads (user + system): a difference of two readings is its CPU in between. */
export function ownCpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/**
 * CPU of the process tree in seconds: utime + stime of the process and of every live process below
 * it (the workers of a `--processes N` server), plus cutime + cstime, what their children that have
 * exited and been waited for used. A difference of two readings is the tree's CPU in between.
 */
export function treeCpuSeconds(pid: number): number {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const ppid = Number(statFields(Number(name))[1]);
      const list = children.get(ppid);
      if (list === undefined) children.set(ppid, [Number(name)]);
      else list.push(Number(name));
    } catch {
      // Gone since the listing.
    }
  }
  let ticks = 0;
  const todo = [pid];
  while (todo.length > 0) {
    const p = todo.pop() as number;
    try {
      const f = statFields(p);
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    } catch {
      continue; // exited meanwhile: its CPU shows in its parent's cutime once waited for
    }
    todo.push(...(children.get(p) ?? []));
  }
  return ticks / clockTicks();
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
