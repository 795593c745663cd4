/**
 * threatpredict.v1.PredictionService over the scoring core. Each RPC only maps its request items to
 * core items and core results back to messages; unary and streaming forms share one batch handler.
 */
import type { handleBidiStreamingCall, handleUnaryCall, ServerUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { PredictError } from '../errors';
import type { IndicatorItem } from '../gen/threatpredict/v1/items';
import type { ResultView } from '../gen/threatpredict/v1/prediction';
import type { PredictionServiceServer } from '../gen/threatpredict/v1/prediction_service';
import type { IndicatorKind } from '../indicators/types';
import type { CachedAnswer, InputItem, ScoredItem } from '../scoring/pipeline';
import { type GenericItem, OFF_THREAD_MIN_ROWS, type Scorer, type View } from '../scoring/scorer';
import { toServiceError } from './call-errors';
import { TYPE_TO_KIND, viewOf } from './convert';
import { answerMixedBatch, missedValues } from './mixed-batch';
import { RawBatch } from './raw-batch';
import { type StreamShutdown, serveStream } from './stream';
import { encodeAnsweredBatchResponse, encodedResponse, encodePredictions, encodeRawBatchResponse } from './wire';

interface BatchRequest<I> {
  items: I[];
  view: ResultView;
}

/** Without decoding a RawBatch's items. */
function itemCount(req: BatchRequest<unknown>): number {
  return req instanceof RawBatch ? req.count : req.items.length;
}

export interface PredictionServiceDeps {
  config: Config;
  logger: Logger;
  scorer: Scorer;
  /** The server's shutdown, which ends open streams (see stream.ts). */
  shutdown?: StreamShutdown;
  /**
   * Whether responses record which answers are a stored encoding (wire.ts storedAnswersOf): the HTTP
   * side transcodes them to JSON and keeps each stored answer's JSON beside it; gRPC needs no record.
   */
  recordStoredAnswers: boolean;
}

export function createPredictionService(
  deps: PredictionServiceDeps,
): Omit<PredictionServiceServer, 'predictEmails' | 'streamPredictEmails'> {
  const { config, logger, scorer, recordStoredAnswers: record } = deps;

  function tooLarge(n: number): PredictError {
    return new PredictError('BATCH_TOO_LARGE', `batch has ${n} items; the maximum is ${config.maxBatchItems}`, {
      items: String(n),
      max: String(config.maxBatchItems),
    });
  }

  /** Scores one request message; oversized batches answer every item with the error (streams stay open). */
  async function scoreRequest<Res>(
    score: (view: View) => Promise<ScoredItem[]>,
    req: BatchRequest<{ id: string }>,
  ): Promise<Res> {
    const view = viewOf(req.view);
    if (req.items.length > config.maxBatchItems) {
      const err = tooLarge(req.items.length);
      const results = req.items.map((it) => ({ id: it.id, indicator: '', kind: undefined, reasons: [], error: err }));
      return encodedResponse<Res>(encodePredictions(results, view, record));
    }
    const results = await score(view);
    return encodedResponse<Res>(fitted(encodePredictions(results, view, record), results, view));
  }

  /**
   * An answer over the message size limit failed the whole call (and, in a stream, every request after
   * it). It is sent in the compact view instead (scores and verdicts, no echo, reasons or enrichment);
   * if even that is too large (the ids alone), the request fails with RESPONSE_TOO_LARGE, said and logged.
   */
  function fitted(bytes: Buffer, results: readonly ScoredItem[], view: View): Buffer {
    if (bytes.length <= config.maxMessageBytes) return bytes;
    const compact = view === 'compact' ? bytes : encodePredictions(results, 'compact', record);
    logger.warn(
      { items: results.length, bytes: bytes.length, compactBytes: compact.length, max: config.maxMessageBytes },
      'answer over the message size limit: sent in the compact view',
    );
    if (compact.length <= config.maxMessageBytes) return compact;
    throw new PredictError(
      'RESPONSE_TOO_LARGE',
      `the answer is ${compact.length} bytes even in the compact view; the limit is ${config.maxMessageBytes}: send fewer items or shorter ids`,
      { bytes: String(compact.length), max: String(config.maxMessageBytes) },
    );
  }

  /**
   * A RawBatch (see raw-batch.ts): repeats are answered from the cache by their bytes, the rest is
   * decoded and scored, on a worker when the batch is large enough (Scorer.answerOffLoop), else
   * here. Items the cache answers in the other view are scored again, as in the core.
   */
  async function scoreRaw<Res>(kind: IndicatorKind, batch: RawBatch): Promise<Res> {
    const view = viewOf(batch.view);
    const cache = scorer.cacheOf(kind);
    if (batch.count > config.maxBatchItems || (cache === undefined && !scorer.answersOffLoop(kind)))
      return scoreRequest((v) => scorer.scoreBatch(kind, batch.items, v), batch);
    const hits: (CachedAnswer | undefined)[] = new Array(batch.count);
    /** The items no cache answered, in order. */
    const missed: number[] = [];
    let missedBytes = 0;
    for (let i = 0; i < batch.count; i++) {
      const hit =
        cache !== undefined && batch.idIsAscii(i)
          ? cache.getBytes(batch.bytes, batch.valueStart(i), batch.valueEnd(i))
          : undefined;
      if (hit !== undefined && hit.view === view) hits[i] = hit;
      else {
        missed.push(i);
        missedBytes += batch.valueEnd(i) - batch.valueStart(i);
      }
    }
    if (cache !== undefined) {
      cache.countHits(batch.count - missed.length);
      scorer.countCached(kind, hits);
    }
    /** Whether the misses' answers are counted already (a worker answered them). */
    let counted = false;
    if (missed.length >= OFF_THREAD_MIN_ROWS) {
      const answered = await scorer.answerOffLoop(kind, missedValues(batch, missed, missedBytes), view, (j) =>
        batch.id(missed[j]!),
      );
      if (answered !== undefined) {
        const bytes = encodeAnsweredBatchResponse(batch, hits, answered, record);
        if (bytes.length <= config.maxMessageBytes) return encodedResponse<Res>(bytes);
        // Over the size limit: scored again here, as objects that fitted() can send in the compact view.
        counted = true;
      }
    }
    const misses: InputItem[] = missed.map((i) => ({ id: batch.id(i), value: batch.value(i) }));
    const scored = misses.length === 0 ? [] : await scorer.scoreBatch(kind, misses, view, { count: !counted });
    const bytes = encodeRawBatchResponse(batch, hits, scored, view, record);
    if (bytes.length <= config.maxMessageBytes) return encodedResponse<Res>(bytes);
    let j = 0;
    const all = Array.from({ length: batch.count }, (_, i) => {
      const hit = hits[i];
      return hit === undefined ? scored[j++]! : { ...hit.result, id: batch.id(i) };
    });
    return encodedResponse<Res>(fitted(bytes, all, view));
  }

  /** The request items (DomainItem, UrlItem, IpItem) already have the core's InputItem shape. */
  function typed<I extends InputItem>(kind: IndicatorKind) {
    return (req: BatchRequest<I>) =>
      req instanceof RawBatch
        ? scoreRaw(kind, req)
        : scoreRequest((view) => scorer.scoreBatch(kind, req.items, view), req);
  }

  function genericItems(req: BatchRequest<IndicatorItem>): GenericItem[] {
    return req.items.map((i) => ({
      id: i.id,
      value: i.value,
      observedAt: i.observedAt,
      kind: TYPE_TO_KIND.get(i.type) === undefined || i.type === 0 ? undefined : TYPE_TO_KIND.get(i.type),
    }));
  }

  async function generic<Res>(req: BatchRequest<IndicatorItem>): Promise<Res> {
    if (req instanceof RawBatch && req.types !== undefined && req.count <= config.maxBatchItems) {
      const bytes = await answerMixedBatch(scorer, req, record);
      if (bytes.length <= config.maxMessageBytes) return encodedResponse<Res>(bytes);
      // Over the size limit: scored again, as objects that fitted() can send in the compact view
      // (every item was counted by answerMixedBatch).
      return scoreRequest((view) => scorer.scoreMixed(genericItems(req), view, { count: false }), req);
    }
    return scoreRequest((view) => scorer.scoreMixed(genericItems(req), view), req);
  }

  function unary<Req extends BatchRequest<{ id: string }>, Res>(
    name: string,
    run: (req: Req) => Promise<Res>,
  ): handleUnaryCall<Req, Res> {
    return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
      const started = process.hrtime.bigint();
      const count = itemCount(call.request);
      if (count > config.maxBatchItems) {
        callback(toServiceError(tooLarge(count), logger));
        return;
      }
      run(call.request).then(
        (res) => {
          logger.debug({ rpc: name, items: count, us: Number(process.hrtime.bigint() - started) / 1000 }, 'call');
          callback(null, res);
        },
        (err) => callback(toServiceError(err, logger)),
      );
    };
  }

  function stream<Req extends BatchRequest<{ id: string }>, Res>(
    name: string,
    run: (req: Req) => Promise<Res>,
  ): handleBidiStreamingCall<Req, Res> {
    return (call) => serveStream(call, run, logger.child({ rpc: name }), itemCount, deps.shutdown);
  }

  const domains = typed('domain');
  const urls = typed('url');
  const ips = typed('ip');

  return {
    predictDomains: unary('PredictDomains', domains),
    streamPredictDomains: stream('StreamPredictDomains', domains),
    predictUrls: unary('PredictUrls', urls),
    streamPredictUrls: stream('StreamPredictUrls', urls),
    predictIps: unary('PredictIps', ips),
    streamPredictIps: stream('StreamPredictIps', ips),
    predict: unary('Predict', generic),
    streamPredict: stream('StreamPredict', generic),
  };
}
