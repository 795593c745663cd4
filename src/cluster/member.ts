/**
 * One server process of a `--processes N` server, seen from inside: it tells the primary when it
 * serves, carries out the model tasks the primary hands it, and gives ModelService a ModelControl
 * that runs list and reload on every process through the primary. A reload through any process
 * (any connection) thus pins or swaps versions everywhere, and cache counters are totals.
 */
import type { Logger } from 'pino';
import type { Model } from '../gen/threatpredict/v1/model_service';
import { type ModelControl, withCacheTotals } from '../server/model-control';
import {
  deserializeError,
  FLEET_PINS_ENV,
  MEMBER_ENV,
  type Pins,
  serializeError,
  type TaskOp,
  type TaskResult,
  type ToMember,
  type ToPrimary,
} from './messages';

export interface Member {
  /** ModelService over every process. */
  control: ModelControl;
  /** Tells the primary this process serves on `port` (`ok` false: a model is missing). */
  ready(ok: boolean, port: number, models: string[]): void;
}

/** Whether this process was forked by threatpredict's primary (not merely by any cluster manager). */
export function isMember(): boolean {
  return process.env[MEMBER_ENV] === '1' && typeof process.send === 'function';
}

function send(msg: ToPrimary): void {
  process.send?.(msg);
}

/** The pins the primary gave this process at its fork (see FLEET_PINS_ENV); empty for the first ones. */
export function fleetPins(): Map<string, number> {
  const raw = process.env[FLEET_PINS_ENV];
  return new Map(raw === undefined || raw === '' ? [] : (JSON.parse(raw) as Pins));
}

export function joinCluster(local: ModelControl, logger: Logger): Member {
  let nextAsk = 1;
  type Answer = Extract<ToMember, { tp: 'answer' }>;
  const asks = new Map<number, (a: Answer) => void>();

  process.on('message', (msg: ToMember) => {
    if (msg.tp === 'do') {
      logger.debug({ op: msg.op, task: msg.task }, 'model task from the primary');
      const run = msg.op === 'list' ? local.list() : local.reload(new Map(msg.pins));
      run.then(
        (models) => send({ tp: 'done', task: msg.task, ok: true, models }),
        (err) => {
          logger.warn({ err, op: msg.op }, 'model task failed in this process');
          send({ tp: 'done', task: msg.task, ok: false, error: serializeError(err) });
        },
      );
    } else if (msg.tp === 'answer') {
      const answer = asks.get(msg.ask);
      asks.delete(msg.ask);
      answer?.(msg);
    }
  });
  /** Runs `op` on every process through the primary (which answers even when some do not, after a timeout). */
  function everywhere(op: TaskOp, pins: Pins): Promise<Answer> {
    return new Promise((resolve) => {
      const ask = nextAsk++;
      asks.set(ask, resolve);
      send({ tp: 'ask', ask, op, pins });
    });
  }

  function own(results: (TaskResult & { self: boolean })[]): TaskResult | undefined {
    return results.find((r) => r.self);
  }

  const control: ModelControl = {
    async list() {
      const answer = await everywhere('list', []);
      const mine = own(answer.results);
      // This process's own view if it answered (it is the one the caller talks to), else a fresh one.
      const models: Model[] = mine?.ok === true ? mine.models : await local.list();
      return withCacheTotals(
        models,
        answer.results.flatMap((r) => (r.ok ? [r.models] : [])),
      );
    },
    async reload(pins) {
      const answer = await everywhere('reload', [...pins]);
      const mine = own(answer.results);
      if (mine !== undefined && !mine.ok) throw deserializeError(mine.error);
      const failed = answer.results.filter((r) => !r.ok).length + answer.missing;
      if (mine === undefined || failed > 0)
        throw new Error(
          `reload did not complete in ${failed} of ${answer.results.length + answer.missing} processes; see their logs`,
        );
      return withCacheTotals(
        mine.models,
        answer.results.flatMap((r) => (r.ok ? [r.models] : [])),
      );
    },
  };

  return { control, ready: (ok, port, models) => send({ tp: 'ready', ok, port, models }) };
}
