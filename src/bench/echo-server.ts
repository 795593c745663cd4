/**
 * The transport ceiling: threatpredict.v1.PredictionService over the same grpc-js server, generated
 * serializers (src/gen) and stream helper (serveStream) as the real server, but the domain handlers
 * answer each item with a fixed prediction instead of parsing and scoring it. The real server's
 * figures divided by this one's are the share of the transport's capacity that scoring leaves.
 *
 *   node dist/bench/echo-server.js --listen 127.0.0.1:0    (prints {"msg":"listening","port":N})
 */
import { parseArgs } from 'node:util';
import {
  Server,
  ServerCredentials,
  type ServerDuplexStream,
  type ServerUnaryCall,
  type sendUnaryData,
} from '@grpc/grpc-js';
import type { DomainItem } from '../gen/threatpredict/v1/items';
import { IndicatorType, type Prediction, Verdict } from '../gen/threatpredict/v1/prediction';
import {
  type PredictDomainsRequest,
  type PredictDomainsResponse,
  PredictionServiceService,
  type StreamPredictDomainsRequest,
  type StreamPredictDomainsResponse,
} from '../gen/threatpredict/v1/prediction_service';
import { createLogger } from '../logger';
import { serveStream } from '../server/stream';

const MODEL = { name: 'echo', version: 1 };

function echo(items: DomainItem[]): Prediction[] {
  return items.map((it) => ({
    id: it.id,
    indicator: '',
    type: IndicatorType.INDICATOR_TYPE_DOMAIN,
    score: 0.5,
    verdict: Verdict.VERDICT_BENIGN,
    model: MODEL,
    reasons: [],
  }));
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { listen: { type: 'string', default: '127.0.0.1:0' } } });
  const logger = createLogger('warn');
  // The real server's message limits (config defaults), so large batches behave the same.
  const server = new Server({
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
    'grpc.max_send_message_length': 64 * 1024 * 1024,
  });
  // Only the domain RPCs are given: grpc-js answers the others UNIMPLEMENTED.
  server.addService(PredictionServiceService, {
    predictDomains(
      call: ServerUnaryCall<PredictDomainsRequest, PredictDomainsResponse>,
      callback: sendUnaryData<PredictDomainsResponse>,
    ) {
      callback(null, { results: echo(call.request.items) });
    },
    streamPredictDomains(call: ServerDuplexStream<StreamPredictDomainsRequest, StreamPredictDomainsResponse>) {
      serveStream(call, async (req) => ({ results: echo(req.items) }), logger);
    },
  });
  const port = await new Promise<number>((res, rej) =>
    server.bindAsync(values.listen as string, ServerCredentials.createInsecure(), (err, p) =>
      err ? rej(err) : res(p),
    ),
  );
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port })}\n`);
  const stop = () => server.tryShutdown(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  process.stderr.write(`echo-server: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
