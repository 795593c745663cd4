/**
 * The messages between the primary and its server processes (`--processes N`), over Node's cluster
 * IPC channel (JSON). A process asks the primary for a model task on every process (ModelService's
 * list and reload); the primary hands it to each, collects what they did and answers the asker.
 */
import { ERROR_CATALOGUE, type ErrorReason, PredictError } from '../errors';
import type { Model } from '../gen/threatpredict/v1/model_service';

/** Set in the environment of the processes the primary forks; nothing else makes a process a member. */
export const MEMBER_ENV = 'THREATPREDICT_CLUSTER_MEMBER';
/**
 * The fleet's pins at the time a process is forked (JSON `[name, version][]`, 0 = newest), applied
 * before it listens: a replacement must never serve a version the fleet was pinned away from.
 */
export const FLEET_PINS_ENV = 'THREATPREDICT_CLUSTER_PINS';

export type TaskOp = 'list' | 'reload';
export type Pins = [string, number][];

export interface SerializedError {
  message: string;
  reason?: string;
  metadata?: Record<string, string>;
}

/** What one process did with a task. */
export type TaskResult = { ok: true; models: Model[] } | { ok: false; error: SerializedError };

export type ToPrimary =
  /** The process serves (or not, when a model is missing) on `port` with these `name@version`s. */
  | { tp: 'ready'; ok: boolean; port: number; models: string[] }
  /** Run `op` on every process and answer with `answer`. */
  | { tp: 'ask'; ask: number; op: TaskOp; pins: Pins }
  | ({ tp: 'done'; task: number } & TaskResult);

export type ToMember =
  | { tp: 'do'; task: number; op: TaskOp; pins: Pins }
  /** Every process's result; `self` marks the asker's own; `missing` processes did not answer in time. */
  | { tp: 'answer'; ask: number; results: (TaskResult & { self: boolean })[]; missing: number };

export function serializeError(err: unknown): SerializedError {
  if (err instanceof PredictError) return { message: err.message, reason: err.reason, metadata: { ...err.metadata } };
  return { message: err instanceof Error ? err.message : String(err) };
}

/** A PredictError again when it was one (so the caller gets the same gRPC status), else an Error. */
export function deserializeError(e: SerializedError): Error {
  if (e.reason !== undefined && e.reason in ERROR_CATALOGUE)
    return new PredictError(e.reason as ErrorReason, e.message, e.metadata ?? {});
  return new Error(e.message);
}
