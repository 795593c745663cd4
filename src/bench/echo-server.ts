/**
 * The transport ceiling: threatpredict.v1.PredictionService over the same grpc-js server, generated
 * serializers (src/gen) and stream helper (serveStream) as the real server, but the domain, URL, IP
 * and generic (Predict) handlers answer each item with a fixed prediction of that type instead of parsing and scoring it. The real server's
 * figures divided by this one's are the share of the transport's capacity that scoring leaves.
 *
 *   node dist/bench/echo-server.js --listen 127.0.0.1:0 [--processes N]   (prints {"msg":"listening","port":N})
 *
 * With --processes N it forks N processes sharing the port, as the real server's --processes does
 * (src/cluster), so the real server in that shape is compared with the transport in the same shape.
 */
import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import {
  Server,
  ServerCredentials,
  type ServerDuplexStream,
  type ServerUnaryCall,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { IndicatorType, type Prediction, Verdict } from '../gen/threatpredict/v1/prediction';
import { PredictionServiceService } from '../gen/threatpredict/v1/prediction_service';
import { createLogger } from '../logger';
import { serveStream } from '../server/stream';

const MODEL = { name: 'echo', version: 1 };

function echo(items: readonly { id: string }[], type: IndicatorType): Prediction[] {
  return items.map((it) => ({
    id: it.id,
    indicator: '',
    type,
    score: 0.5,
    verdict: Verdict.VERDICT_BENIGN,
    model: MODEL,
    reasons: [],
  }));
}

/** Forks the processes and prints "listening" once every one listens (on the one shared port). */
function runPrimary(processes: number): void {
  const ports: number[] = [];
  for (let i = 0; i < processes; i++) {
    const worker = cluster.fork();
    worker.on('message', (port: number) => {
      ports.push(port);
      if (ports.length === processes)
        process.stdout.write(`${JSON.stringify({ msg: 'listening', port, processes })}\n`);
    });
    worker.on('exit', (code) => {
      if (!stopping) {
        process.stderr.write(`echo-server: a process exited (${code})\n`);
        process.exit(1);
      }
    });
  }
  let stopping = false;
  const stop = () => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { listen: { type: 'string', default: '127.0.0.1:0' }, processes: { type: 'string', default: '1' } },
  });
  const processes = Number(values.processes);
  if (cluster.isPrimary && processes > 1) {
    runPrimary(processes);
    return;
  }
  const logger = createLogger('warn');
  // The real server's message limits (config defaults), so large batches behave the same.
  const server = new Server({
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
    'grpc.max_send_message_length': 64 * 1024 * 1024,
  });
  /** The unary and stream handlers of one typed RPC pair; their requests all have `items` with ids. */
  const pair = (type: IndicatorType) => ({
    unary(
      call: ServerUnaryCall<{ items: { id: string }[] }, { results: Prediction[] }>,
      callback: sendUnaryData<{ results: Prediction[] }>,
    ) {
      callback(null, { results: echo(call.request.items, type) });
    },
    stream(call: ServerDuplexStream<{ items: { id: string }[] }, { results: Prediction[] }>) {
      serveStream(
        call,
        async (req) => ({ results: echo(req.items, type) }),
        logger,
        (req) => req.items.length,
      );
    },
  });
  const domains = pair(IndicatorType.INDICATOR_TYPE_DOMAIN);
  const urls = pair(IndicatorType.INDICATOR_TYPE_URL);
  const ips = pair(IndicatorType.INDICATOR_TYPE_IP);
  // The generic Predict: every item answered as a domain (its type is not detected).
  const any = pair(IndicatorType.INDICATOR_TYPE_DOMAIN);
  // Only the domain, URL, IP and generic RPCs are given: grpc-js answers the others UNIMPLEMENTED.
  server.addService(PredictionServiceService, {
    predictDomains: domains.unary,
    streamPredictDomains: domains.stream,
    predictUrls: urls.unary,
    streamPredictUrls: urls.stream,
    predictIps: ips.unary,
    streamPredictIps: ips.stream,
    predict: any.unary,
    streamPredict: any.stream,
  });
  const port = await new Promise<number>((res, rej) =>
    server.bindAsync(values.listen as string, ServerCredentials.createInsecure(), (err, p) =>
      err ? rej(err) : res(p),
    ),
  );
  if (cluster.isWorker) process.send?.(port);
  else process.stdout.write(`${JSON.stringify({ msg: 'listening', port })}\n`);
  const stop = () => server.tryShutdown(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  process.stderr.write(`echo-server: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
