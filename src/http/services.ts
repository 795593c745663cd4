/**
 * The gRPC services' own handlers, called in process: the HTTP side never re-implements an RPC. They
 * are composed exactly as src/server/server.ts composes them for grpc-js (raw batch decoding with the
 * cache's byte path, encoded responses, malformed-request checks), so an HTTP call runs the same code,
 * with the same limits and per-item errors, as the gRPC call it transcodes to. A handler sees a call
 * object with what the handlers read of a grpc-js call: the request, a deadline, the caller and a
 * `cancelled` event (the HTTP client went away, or the deadline passed).
 *
 * What the gRPC interceptors do once a request is decoded happens here too, with the same code: the
 * request's items are charged to the caller's item quota (`ctx.admitItems`, src/http/security.ts), and
 * an answer with model detail is cut for a caller without `models.read` (security/policy.ts).
 */
import { EventEmitter } from 'node:events';
import type { ServiceDefinition } from '@grpc/grpc-js';
import type { App } from '../app';
import type { PredictError } from '../errors';
import { ModelServiceService } from '../gen/threatpredict/v1/model_service';
import { PredictionServiceService } from '../gen/threatpredict/v1/prediction_service';
import { toServiceError } from '../server/call-errors';
import { emailHandlers } from '../server/email-handlers';
import { BATCH_REQUEST_FIELDS, guardUnary, withCheckedRequests } from '../server/malformed';
import { localModelControl, type ModelControl } from '../server/model-control';
import { createModelService } from '../server/model-service';
import { createPredictionService } from '../server/prediction-service';
import { withRawPredictionBatches } from '../server/raw-batch';
import type { Identity } from '../server/security';
import { carriesModelDetail, withoutModelDetail } from '../server/security/policy';
import { itemCount } from '../server/security/quotas';
import type { StreamShutdown } from '../server/stream';
import { withEncodedResponses } from '../server/wire';

type UnaryHandler = (call: unknown, callback: (err: unknown, res?: unknown) => void) => void;

export interface CallContext {
  /** Who calls (the parse pool lets callers take turns): `http:<address>:<port>`. */
  peer: string;
  /** Epoch milliseconds. */
  deadline: number;
  /** Fires when the HTTP exchange ends before the answer (client gone, deadline passed). */
  signal: AbortSignal;
  /** Who calls, as authentication found it (src/http/security.ts). */
  identity: Identity;
  /**
   * Charges a request's items to the caller's quota: resolves when admitted, rejects with
   * QUOTA_EXCEEDED for a unary call, waits for a stream's line (as a gRPC stream's message waits).
   */
  admitItems(n: number): Promise<void>;
}

export interface InProcessServices {
  /** Decodes `bytes` as the method's request and runs it; resolves to the encoded response. */
  call(handlerKey: string, bytes: Uint8Array, ctx: CallContext): Promise<Buffer>;
  /** Runs the method on an already decoded request (the ts-proto shape), e.g. a `message/rfc822` body. */
  callDecoded(handlerKey: string, request: unknown, ctx: CallContext): Promise<Buffer>;
}

export interface InProcessOptions {
  models?: ModelControl;
  shutdown: StreamShutdown;
}

function callObject(request: unknown, ctx: CallContext) {
  const events = new EventEmitter();
  if (ctx.signal.aborted) queueMicrotask(() => events.emit('cancelled'));
  else ctx.signal.addEventListener('abort', () => events.emit('cancelled'), { once: true });
  return Object.assign(events, {
    request,
    getDeadline: () => new Date(ctx.deadline),
    getPeer: () => ctx.peer,
    get cancelled() {
      return ctx.signal.aborted;
    },
  });
}

export function inProcessServices(app: App, opts: InProcessOptions): InProcessServices {
  const { config, logger } = app;
  const rawBatches = withRawPredictionBatches(withEncodedResponses(PredictionServiceService));
  const prediction = withCheckedRequests(
    rawBatches,
    Object.fromEntries(Object.keys(rawBatches).map((name) => [name, BATCH_REQUEST_FIELDS])),
  );
  const reject = (err: PredictError, callback: (err: unknown) => void) => callback(toServiceError(err, logger));
  const predictionHandlers = guardUnary(
    prediction,
    {
      ...createPredictionService({
        config,
        logger,
        scorer: app.scorer,
        shutdown: opts.shutdown,
        recordStoredAnswers: true, // batch-json.ts reuses a stored answer's JSON
      }),
      ...emailHandlers(app, opts.shutdown),
    },
    reject,
  );
  const models = withCheckedRequests(
    withEncodedResponses(ModelServiceService),
    Object.fromEntries(Object.keys(ModelServiceService).map((name) => [name, { 1: 2 }])),
  );
  const modelHandlers = guardUnary(
    models,
    createModelService({
      control: opts.models ?? localModelControl(app.repository),
      logger,
      adminRpc: config.adminRpc,
      limits: config,
    }),
    reject,
  );
  const methods = new Map<string, { def: ServiceDefinition[string]; handler: UnaryHandler }>();
  for (const [defs, handlers] of [
    [prediction, predictionHandlers],
    [models, modelHandlers],
  ] as const) {
    for (const [key, def] of Object.entries(defs as ServiceDefinition)) {
      if (def.requestStream || def.responseStream) continue;
      methods.set(key, { def, handler: (handlers as unknown as Record<string, UnaryHandler>)[key]! });
    }
  }

  async function run(key: string, request: unknown, ctx: CallContext): Promise<Buffer> {
    const m = methods.get(key);
    if (m === undefined) throw new Error(`no unary method ${key}`);
    await ctx.admitItems(itemCount(request));
    const cut = carriesModelDetail(m.def.path) && !ctx.identity.scopes.has('models.read');
    return new Promise((resolve, reject) => {
      m.handler(callObject(request, ctx), (err, res) => {
        if (err) reject(err);
        else
          resolve(m.def.responseSerialize(cut ? withoutModelDetail(m.def.path, res as Record<string, unknown>) : res));
      });
    });
  }

  return {
    async call(key, bytes, ctx) {
      const m = methods.get(key);
      if (m === undefined) throw new Error(`no unary method ${key}`);
      return run(key, m.def.requestDeserialize(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)), ctx);
    },
    callDecoded: run,
  };
}
