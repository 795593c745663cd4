/**
 * The gRPC transport of `threatpredict watch --server`: one StreamPredict call per channel, batches
 * as request messages, answers as the response messages (one per request, in order: the contract).
 * Keepalive pings find a server that vanished without closing the connection. Errors that a retry
 * cannot fix (a bad request, an unknown method, no credentials) are fatal; the rest are retried.
 */
import { Client, type ServiceError, status } from '@grpc/grpc-js';
import { type Prediction, ResultView, Verdict } from '../gen/threatpredict/v1/prediction';
import { errorInfoOf, TYPE_TO_KIND } from '../server/convert';
import type { Answer, VerdictName } from '../watch/answer';
import type { Transport, WireItem } from '../watch/transport';
import { remoteAccess } from './remote-access';
import { decodeStreamAnswers, encodeStreamRequest } from './watch-codec';

const VERDICTS = new Map<Verdict, VerdictName>([
  [Verdict.VERDICT_BENIGN, 'benign'],
  [Verdict.VERDICT_SUSPICIOUS, 'suspicious'],
  [Verdict.VERDICT_MALICIOUS, 'malicious'],
]);

const FATAL = new Set<number>([
  status.INVALID_ARGUMENT,
  status.UNIMPLEMENTED,
  status.UNAUTHENTICATED,
  status.PERMISSION_DENIED,
]);

/** The generated decoder's Prediction as an Answer: what watch-codec.ts must decode to (its test compares). */
export function answerOfPrediction(p: Prediction): Answer {
  return {
    indicator: p.indicator,
    type: TYPE_TO_KIND.get(p.type),
    verdict: VERDICTS.get(p.verdict),
    score: p.score,
    model: p.model === undefined ? undefined : `${p.model.name}/${p.model.version}`,
    reasons: p.reasons, // as decoded: copying them per answer only fed the garbage collector
    error:
      p.error === undefined
        ? undefined
        : { code: p.error.code, reason: errorInfoOf(p.error)?.reason, message: p.error.message },
  };
}

const STREAM_PREDICT = '/threatpredict.v1.PredictionService/StreamPredict';

export function createGrpcTransport(opts: { address: string; compact: boolean }): Transport {
  // TLS, client certificate and bearer token from the environment, as for every CLI command.
  const access = remoteAccess(process.env);
  const client = new Client(opts.address, access.creds, {
    'grpc.keepalive_time_ms': 10_000,
    'grpc.keepalive_timeout_ms': 5_000,
    'grpc.max_receive_message_length': 256 * 1024 * 1024,
  });
  const view = opts.compact ? ResultView.RESULT_VIEW_COMPACT : ResultView.RESULT_VIEW_FULL;
  // The watcher's own codec (watch-codec.ts): requests straight from the window's items, answers
  // straight into Answers; the generated one built and decoded every message object first.
  const serialize = (items: readonly WireItem[]) => encodeStreamRequest(items, view);
  return {
    open(events) {
      const call = client.makeBidiStreamRequest(STREAM_PREDICT, serialize, decodeStreamAnswers, access.metadata());
      let open = true;
      const fail = (err: Error & { fatal?: boolean }) => {
        if (!open) return;
        open = false;
        events.failed(err);
      };
      call.on('data', (answers: Answer[]) => {
        if (open) events.answers(answers);
      });
      call.on('error', (err: ServiceError) => {
        fail(
          Object.assign(new Error(`${status[err.code] ?? err.code}: ${err.details || err.message}`), {
            fatal: FATAL.has(err.code),
          }),
        );
      });
      call.on('end', () => fail(new Error('the server ended the stream')));
      return {
        send(items) {
          call.write(items);
        },
        close() {
          open = false;
          call.cancel();
        },
      };
    },
    async close() {
      client.close();
    },
  };
}
