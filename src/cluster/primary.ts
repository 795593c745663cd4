/**
 * `--processes N`: the primary process forks N server processes that share the listening port (Node's
 * cluster module hands each new connection to the next process in turn), so gRPC handling, parsing
 * and scoring use N event loops instead of one. The primary serves nothing itself. It:
 * - logs "serving" once every process serves, with their pids and the port;
 * - runs model tasks on every process for ModelService (list, reload: see member.ts), remembers the
 *   pins of reloads that reached every process and gives them to a replacement process;
 * - forwards SIGHUP, and on SIGTERM/SIGINT stops every process gracefully, then exits;
 * - replaces a process that exits unexpectedly (its connections fail; clients reconnect to the others),
 *   and gives up, stopping everything with exit code 1, when processes keep dying: at start-up, or
 *   more than MAX_RESTARTS times in RESTART_WINDOW_MS, so the orchestrator sees the failure.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { Config } from '../config';
import {
  FLEET_PINS_ENV,
  MEMBER_ENV,
  type Pins,
  type TaskOp,
  type TaskResult,
  type ToMember,
  type ToPrimary,
} from './messages';

const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;
const RESTART_DELAY_MS = 1_000;
/** A reload loads and checks every new version (seconds); a list only reads state. */
const TASK_TIMEOUT_MS: Record<TaskOp, number> = { reload: 300_000, list: 10_000 };

interface Task {
  op: TaskOp;
  pins: Pins;
  /** The process that asked, and its ask id; none for the primary's own tasks (pins for a replacement). */
  origin?: { worker: Worker; ask: number };
  waiting: Set<number>;
  results: Map<number, TaskResult>;
  timer: NodeJS.Timeout;
  /** The `readySerial` when the task began: processes ready after it are the ones it could not reach. */
  readyBefore: number;
}

export function runPrimary(config: Config, logger: Logger): void {
  const log = logger.child({ role: 'primary' });
  const ready = new Map<number, { pid: number; port: number; ok: boolean; models: string[]; serial: number }>();
  /** Counts processes becoming ready, so a task knows which began serving after it started. */
  let readySerial = 0;
  const everServed = new Set<number>();
  const tasks = new Map<number, Task>();
  /** Pins applied by reloads that every process completed, for processes forked later. */
  const pins = new Map<string, number>();
  const restarts: number[] = [];
  let nextTask = 1;
  let serving = false;
  let stopping = false;
  let exitCode = 0;

  function send(worker: Worker, msg: ToMember): void {
    if (worker.isConnected()) worker.send(msg);
  }

  function startTask(op: TaskOp, taskPins: Pins, targets: Worker[], origin?: Task['origin']): void {
    const id = nextTask++;
    const task: Task = {
      op,
      pins: taskPins,
      origin,
      waiting: new Set(targets.map((w) => w.id)),
      results: new Map(),
      timer: setTimeout(() => finishTask(id), TASK_TIMEOUT_MS[op]),
      readyBefore: readySerial,
    };
    tasks.set(id, task);
    for (const w of targets) send(w, { tp: 'do', task: id, op, pins: taskPins });
    if (task.waiting.size === 0) finishTask(id);
  }

  function finishTask(id: number): void {
    const task = tasks.get(id);
    if (task === undefined) return;
    tasks.delete(id);
    clearTimeout(task.timer);
    const allOk = task.waiting.size === 0 && [...task.results.values()].every((r) => r.ok);
    if (task.op === 'reload' && allOk) {
      for (const [name, version] of task.pins) pins.set(name, version);
      // A replacement that began serving during the reload got the pins from before it: give it these.
      // Only those: a process the task did not target because it targeted one process (a replacement's
      // own pins) is not late, and reloading it would finish a task whose "late" is the first again.
      const late = servingWorkers().filter(
        (w) => (ready.get(w.id)?.serial ?? 0) > task.readyBefore && !task.results.has(w.id),
      );
      if (late.length > 0 && task.pins.length > 0) {
        log.info(
          { pids: late.map((w) => w.process.pid) },
          'pins replayed to processes that began serving during a reload',
        );
        startTask('reload', [...pins], late);
      }
    }
    if (task.waiting.size > 0)
      log.error({ op: task.op, missing: task.waiting.size }, 'processes did not answer a model task in time');
    if (task.origin === undefined) return;
    const self = task.origin.worker.id;
    send(task.origin.worker, {
      tp: 'answer',
      ask: task.origin.ask,
      results: [...task.results].map(([wid, r]) => ({ ...r, self: wid === self })),
      missing: task.waiting.size,
    });
  }

  function servingWorkers(): Worker[] {
    return Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && ready.has(w.id));
  }

  function fork(): void {
    const worker = cluster.fork({ [MEMBER_ENV]: '1', [FLEET_PINS_ENV]: JSON.stringify([...pins]) });
    worker.on('message', (msg: ToPrimary) => {
      if (msg.tp === 'ready') {
        ready.set(worker.id, {
          pid: worker.process.pid ?? 0,
          port: msg.port,
          ok: msg.ok,
          models: msg.models,
          serial: ++readySerial,
        });
        everServed.add(worker.id);
        if (serving) {
          log.info({ pid: worker.process.pid, port: msg.port }, 'replacement process serving');
          if (pins.size > 0) startTask('reload', [...pins], [worker]);
        } else if (ready.size === config.processes) {
          serving = true;
          const all = [...ready.values()];
          const ports = new Set(all.map((r) => r.port));
          if (ports.size !== 1) {
            log.fatal({ ports: [...ports] }, 'processes listen on different ports');
            stop('start-up', 1);
            return;
          }
          log.info(
            { processes: all.length, pids: all.map((r) => r.pid), port: all[0]?.port, models: all[0]?.models },
            all.every((r) => r.ok) ? 'serving' : 'not serving: a model is missing',
          );
        }
      } else if (msg.tp === 'ask') {
        startTask(msg.op, msg.pins, servingWorkers(), { worker, ask: msg.ask });
      } else if (msg.tp === 'done') {
        const task = tasks.get(msg.task);
        if (task === undefined || !task.waiting.delete(worker.id)) return;
        task.results.set(worker.id, msg.ok ? { ok: true, models: msg.models } : { ok: false, error: msg.error });
        if (task.waiting.size === 0) finishTask(msg.task);
      }
    });
    worker.on('exit', (code, signal) => {
      ready.delete(worker.id);
      for (const [id, task] of tasks) if (task.waiting.delete(worker.id) && task.waiting.size === 0) finishTask(id);
      if (stopping) {
        if (Object.keys(cluster.workers ?? {}).length === 0) {
          log.info({ code: exitCode }, 'stopped');
          process.exit(exitCode);
        }
        return;
      }
      const pid = worker.process.pid;
      if (!everServed.has(worker.id) && !serving) {
        log.fatal({ pid, code, signal }, 'a server process exited while starting');
        stop('start-up failure', 1);
        return;
      }
      const now = Date.now();
      restarts.push(now);
      while (restarts.length > 0 && (restarts[0] as number) < now - RESTART_WINDOW_MS) restarts.shift();
      if (restarts.length > MAX_RESTARTS) {
        log.fatal({ pid, code, signal, restarts: restarts.length }, 'server processes keep exiting: giving up');
        stop('restart limit', 1);
        return;
      }
      log.error({ pid, code, signal }, 'server process exited: starting a replacement');
      setTimeout(() => {
        if (!stopping) fork();
      }, RESTART_DELAY_MS).unref();
    });
  }

  function stop(why: string, code = 0): void {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    log.info({ why }, 'stopping every server process');
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) process.exit(exitCode);
    for (const w of workers) w?.process.kill('SIGTERM');
    // Each process finishes its calls within the grace period; one that hangs past it is killed.
    setTimeout(() => {
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
      process.exit(exitCode === 0 ? 1 : exitCode);
    }, config.shutdownGraceMs + 5_000).unref();
  }

  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => {
    log.info('SIGHUP: every process reloads its models');
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGHUP');
  });

  log.info({ processes: config.processes, listen: config.listen }, 'starting server processes');
  for (let i = 0; i < config.processes; i++) fork();
}
