/**
 * `threatpredict watch`: reads what a network sensor writes (Suricata eve.json, Zeek logs in TSV or
 * JSON, or plain lines), streams every indicator through the service, and writes the answers joined
 * to their records as JSON lines. Composition only: the readers, the stream window, the ordering
 * pipeline and the output live in src/watch/.
 */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { createFollower, type FileLine } from '../watch/follow';
import { createInProcessTransport } from '../watch/in-process';
import { createLineReader, INPUT_FORMATS, type InputFormat } from '../watch/inputs/reader';
import { createLineSplitter } from '../watch/lines';
import { alertLine, MIN_VERDICTS, type MinVerdict, selected, writeAnswerLine } from '../watch/output';
import { createPipeline } from '../watch/pipeline';
import { loadPosition, type Position, savePosition } from '../watch/position';
import { humanSummary, startProgress, summary } from '../watch/progress';
import { isMalformed, type Observation } from '../watch/record';
import { createSink } from '../watch/sink';
import { createStreamWindow } from '../watch/stream-window';
import type { Transport } from '../watch/transport';
import { createGrpcTransport } from './watch-grpc';

export const WATCH_USAGE = `  threatpredict watch [FILE|-] [--server HOST:PORT] [--follow] [--position FILE] [--format auto|eve|zeek|plain]
        [--min-verdict all|benign|suspicious|malicious] [--eve-alert] [--compact] [--output FILE]
        [--batch N] [--flush-ms N] [--window N] [--recent N] [--stats] [--quiet]
      Streams the indicators of a sensor log (Suricata eve.json, Zeek TSV/JSON logs, or one per line;
      stdin when no FILE) through the service and writes one JSON line per answer at or above
      --min-verdict (default suspicious), joined to its record. --follow reads on as the file grows and
      survives rotation; --position saves how far answers were written, so a restart resumes there.`;

const MAX_MALFORMED_REPORTS = 100;

function positiveInt(name: string, v: string | undefined, dflt: number, min = 1): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got "${v}"`);
  return n;
}

async function* stdinLines(stdin: NodeJS.ReadableStream): AsyncGenerator<FileLine[]> {
  const split = createLineSplitter();
  for await (const chunk of stdin) {
    const lines = split.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    if (lines.length > 0) yield lines;
  }
  const last = split.flush();
  if (last !== undefined) yield [last];
}

export interface WatchIo {
  stdin: NodeJS.ReadableStream;
  stdout: Writable;
  stderr: NodeJS.WriteStream | Writable;
  /** Aborted on the first SIGINT/SIGTERM: stop reading, answer what was read, exit. */
  signal?: AbortSignal;
}

export async function watch(argv: string[], io: WatchIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      server: { type: 'string' },
      follow: { type: 'boolean', short: 'F', default: false },
      position: { type: 'string' },
      format: { type: 'string', default: 'auto' },
      'min-verdict': { type: 'string', default: 'suspicious' },
      'eve-alert': { type: 'boolean', default: false },
      compact: { type: 'boolean', default: false },
      output: { type: 'string' },
      batch: { type: 'string' },
      'flush-ms': { type: 'string' },
      window: { type: 'string' },
      recent: { type: 'string' },
      stats: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 1) throw new Error('watch reads one FILE (run one watch per log)');
  const file = positionals[0] === '-' ? undefined : positionals[0];
  const format = values.format as InputFormat;
  if (!INPUT_FORMATS.includes(format)) throw new Error(`--format must be one of ${INPUT_FORMATS.join(', ')}`);
  const min = values['min-verdict'] as MinVerdict;
  if (!MIN_VERDICTS.includes(min)) throw new Error(`--min-verdict must be one of ${MIN_VERDICTS.join(', ')}`);
  if (file === undefined && (values.follow || values.position !== undefined))
    throw new Error('--follow and --position need a FILE, not stdin');
  const batchSize = positiveInt('batch', values.batch, 1000);
  const flushMs = positiveInt('flush-ms', values['flush-ms'], 200);
  const windowSize = positiveInt('window', values.window, 8);
  const recentAnswers = positiveInt('recent', values.recent, 65536, 0);
  const start = values.position === undefined || file === undefined ? undefined : loadPosition(values.position, file);
  const err = io.stderr;
  const say = (msg: string) => err.write(`watch: ${msg}\n`);

  let transport: Transport;
  if (values.server !== undefined) {
    transport = createGrpcTransport({ address: values.server, compact: values.compact });
  } else {
    const app = await createApp(
      loadConfig([], process.env),
      createLogger(process.env.THREATPREDICT_LOG_LEVEL ?? 'warn', process.stderr as never),
    );
    transport = createInProcessTransport({
      scorer: app.scorer,
      view: values.compact ? 'compact' : 'full',
      close: () => app.close(),
    });
  }

  const out: Writable =
    values.output === undefined ? io.stdout : createWriteStream(values.output, { flags: 'a', highWaterMark: 1 << 20 });
  let savedAt = 0;
  let unsaved: Position | undefined;
  const saveNow = () => {
    if (unsaved !== undefined && values.position !== undefined) savePosition(values.position, unsaved);
    unsaved = undefined;
    savedAt = performance.now();
  };
  const sink = createSink<Position>({
    stream: out,
    onWritten(p) {
      unsaved = p;
      if (performance.now() - savedAt > 250) saveNow();
    },
  });
  const window = createStreamWindow({
    transport,
    batchSize,
    flushMs,
    window: windowSize,
    recentAnswers,
    onRetry: (e, delayMs) => say(`stream broke (${e.message}); sending the unanswered batches again in ${delayMs} ms`),
  });
  const alerts = values['eve-alert'];
  const minShown: MinVerdict = values['eve-alert'] && (min === 'all' || min === 'benign') ? 'suspicious' : min;
  const pathName = file ?? '-';
  const pipeline = createPipeline({
    window,
    emit(record, line, index, answer, deduplicated) {
      if (!selected(answer, minShown)) return;
      const joined = { record, line, observation: record.observations[index] as Observation, answer, deduplicated };
      if (alerts) sink.write(alertLine(joined, file));
      else {
        writeAnswerLine(sink.bytes, joined, file);
        sink.endLine();
      }
      pipeline.counters.written++;
    },
    done(p) {
      sink.mark({ path: pathName, inode: p.inode, offset: p.end, line: p.line });
    },
  });
  const follower =
    file === undefined
      ? undefined
      : createFollower({ path: file, follow: values.follow, start, signal: io.signal, notice: say });
  const source = follower === undefined ? stdinLines(io.stdin) : follower.lines();
  const read = createLineReader(format, file);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const tty = (err as NodeJS.WriteStream).isTTY === true && !values.quiet;
  const progressSource = { counters: pipeline.counters, window: window.stats, lag: () => follower?.lag() ?? 0 };
  const progress = tty ? startProgress(progressSource, err as NodeJS.WriteStream) : undefined;
  let reported = 0;
  try {
    for await (const lines of source) {
      for (const l of lines) {
        const result = read(l);
        if (l.replay) continue;
        if (result === undefined) pipeline.skip(l.line, l.inode, l.end);
        else if (isMalformed(result)) {
          pipeline.counters.malformed++;
          if (reported++ < MAX_MALFORMED_REPORTS) say(`${file ?? 'stdin'}:${l.line}: ${result.malformed}`);
          else if (reported === MAX_MALFORMED_REPORTS + 1) say('more malformed lines: counted, not reported');
          pipeline.skip(l.line, l.inode, l.end);
        } else pipeline.record(l.line, l.inode, l.end, result);
        if (window.full) await window.room();
      }
      await sink.ready();
      if (io.signal?.aborted) break;
    }
    await window.drain();
    await sink.flush();
    saveNow();
  } finally {
    progress?.stop();
    window.close();
    await transport.close();
    if (out !== io.stdout) await new Promise<void>((resolve) => out.end(resolve));
  }
  const cpu = process.cpuUsage(cpu0);
  const s = summary(progressSource, (performance.now() - t0) / 1000, (cpu.user + cpu.system) / 1e6);
  if (values.stats) err.write(`${JSON.stringify(s)}\n`);
  else if (tty) err.write(`${humanSummary(s)}\n`);
  return 0;
}
