/**
 * The command line: `threatpredict predict VALUE...` (or lines on stdin) prints one JSON line per
 * indicator. It scores in-process by default, or asks a running server with `--server HOST:PORT`.
 * `threatpredict serve` runs the server (same flags as `npm start`).
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { IndicatorType, Prediction, ResultView } from '../gen/threatpredict/v1/prediction';
import { PredictionServiceClient, type PredictResponse } from '../gen/threatpredict/v1/prediction_service';
import { createLogger } from '../logger';
import { main as serve } from '../main';
import { errorInfoOf, TYPE_TO_KIND, toPrediction } from '../server/convert';
import { models } from './models';
import { remoteAccess } from './remote-access';
import { retryUnavailable } from './retry';
import { clientChannelOptions } from './service-config';
import { WATCH_USAGE, watch } from './watch';

const USAGE = `usage:
  threatpredict predict [--server HOST:PORT] [--type domain|url|ip|email_address] [--compact] [VALUE ...]
      Scores each VALUE (or each line of stdin when none is given) and prints one JSON line per result.
  threatpredict models list|reload|pin NAME VERSION|unpin NAME [--server HOST:PORT[,HOST:PORT...]]
      Lists the models on a running server, or reloads the repository there, pinning or unpinning a
      version first (needs a server started with --admin-rpc true). Default server 127.0.0.1:50051.
      Several servers (a fleet): each in turn, stopping at the first that fails.
${WATCH_USAGE}
  threatpredict serve [--listen HOST:PORT] [--models DIR] ...
      Runs the gRPC server (see README for every option).
With --server: THREATPREDICT_SERVER_CA (TLS), THREATPREDICT_SERVER_NAME (the name to check when
the address is not it), THREATPREDICT_CLIENT_CERT/KEY (mTLS) and THREATPREDICT_TOKEN (bearer token)
from the environment.`;

const TYPES: Record<string, IndicatorType> = {
  domain: IndicatorType.INDICATOR_TYPE_DOMAIN,
  url: IndicatorType.INDICATOR_TYPE_URL,
  ip: IndicatorType.INDICATOR_TYPE_IP,
  email_address: IndicatorType.INDICATOR_TYPE_EMAIL_ADDRESS,
};

const BATCH = 1000;

type Score = (values: string[]) => Promise<Prediction[]>;

async function inProcess(type: IndicatorType, view: ResultView): Promise<{ score: Score; close(): Promise<void> }> {
  const config = loadConfig([], process.env);
  const app = await createApp(
    config,
    createLogger(process.env.THREATPREDICT_LOG_LEVEL ?? 'warn', process.stderr as never),
  );
  const v = view === ResultView.RESULT_VIEW_COMPACT ? 'compact' : 'full';
  return {
    score: async (values) => {
      const results = await app.scorer.scoreMixed(
        values.map((value, i) => ({ id: String(i + 1), value, kind: TYPE_TO_KIND.get(type) })),
        v,
      );
      return results.map((r) => toPrediction(r, v));
    },
    close: () => app.close(),
  };
}

function remote(address: string, type: IndicatorType, view: ResultView): { score: Score; close(): Promise<void> } {
  const access = remoteAccess(process.env);
  const client = new PredictionServiceClient(address, access.creds, clientChannelOptions());
  return {
    score: (values) =>
      retryUnavailable(
        () =>
          new Promise((resolve, reject) =>
            client.predict(
              { items: values.map((value, i) => ({ id: String(i + 1), value, type })), view },
              access.metadata(),
              (err: Error | null, res: PredictResponse) => (err ? reject(err) : resolve(res.results)),
            ),
          ),
      ),
    close: async () => client.close(),
  };
}

async function* batches(values: string[]): AsyncGenerator<string[]> {
  if (values.length > 0) {
    for (let i = 0; i < values.length; i += BATCH) yield values.slice(i, i + BATCH);
    return;
  }
  let batch: string[] = [];
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (line.trim() === '') continue;
    batch.push(line);
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

async function predict(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { server: { type: 'string' }, type: { type: 'string' }, compact: { type: 'boolean', default: false } },
  });
  const type = values.type === undefined ? IndicatorType.INDICATOR_TYPE_UNSPECIFIED : TYPES[values.type];
  if (type === undefined) throw new Error(`unknown --type "${values.type}" (one of ${Object.keys(TYPES).join(', ')})`);
  const view = values.compact ? ResultView.RESULT_VIEW_COMPACT : ResultView.RESULT_VIEW_FULL;
  const scorer = values.server === undefined ? await inProcess(type, view) : remote(values.server, type, view);
  let failed = 0;
  let offset = 0;
  try {
    for await (const batch of batches(positionals)) {
      for (const p of await scorer.score(batch)) {
        // ids number the input lines across batches.
        const json = Prediction.toJSON({ ...p, id: String(offset + Number(p.id)) }) as Record<string, unknown>;
        if (p.error !== undefined) {
          failed++;
          const info = errorInfoOf(p.error);
          json.error = { code: p.error.code, reason: info?.reason, message: p.error.message, metadata: info?.metadata };
        }
        process.stdout.write(`${JSON.stringify(json)}\n`);
      }
      offset += batch.length;
    }
  } finally {
    await scorer.close();
  }
  return failed > 0 ? 1 : 0;
}

/** The first SIGINT/SIGTERM stops reading and lets the answers in flight be written; a second one exits now. */
async function watchCommand(argv: string[]): Promise<number> {
  const stop = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (stop.signal.aborted) process.exit(sig === 'SIGINT' ? 130 : 143);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await watch(argv, {
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      signal: stop.signal,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export async function run(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  try {
    if (command === 'predict') process.exitCode = await predict(rest);
    else if (command === 'models') process.exitCode = await models(rest, (line) => process.stdout.write(`${line}\n`));
    else if (command === 'watch') process.exitCode = await watchCommand(rest);
    else if (command === 'serve') await serve(rest);
    else {
      process.stderr.write(`${USAGE}\n`);
      process.exitCode = command === undefined || command === '--help' || command === '-h' ? 0 : 2;
    }
  } catch (err) {
    process.stderr.write(`threatpredict: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  }
}
