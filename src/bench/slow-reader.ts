/**
 * A slow reader: one stream whose client writes as fast as gRPC lets it and reads one reply every
 * 200 ms. The server should stop reading when it cannot write, so HTTP/2 flow control holds the
 * writer back: the messages in flight stop growing, and so does the server's memory.
 */
import { runLoadgen } from './loadgen';
import { rssMb } from './proc-stats';
import type { ServerProcess } from './server-process';

export interface SlowReaderResult {
  seconds: number;
  sent: number;
  received: number;
  inFlightMid: number;
  inFlightEnd: number;
  serverRssBeforeMb: number;
  serverRssAfterMb: number;
  /**
   * In flight did not grow over the second half. The slack (a quarter, at least 8 messages) covers
   * the jitter of reads racing window updates; a server that buffered would let the writer add
   * hundreds of messages per second.
   */
  bounded: boolean;
  command: string;
}

export async function runSlowReader(
  bin: string,
  server: ServerProcess,
  seconds: number,
  tranco: string,
): Promise<SlowReaderResult> {
  const args = [
    'slow',
    '-addr',
    server.addr,
    '-batch',
    '1000',
    '-view',
    'full',
    '-duration',
    `${seconds}s`,
    '-read-every',
    '200ms',
    '-offset',
    '120',
  ];
  if (tranco !== '') args.push('-tranco', tranco);
  const before = rssMb(server.pid);
  const r = await runLoadgen(bin, args, seconds + 60);
  const after = rssMb(server.pid);
  const mid = Number(r.inFlightMid);
  const end = Number(r.inFlightEnd);
  return {
    seconds,
    sent: Number(r.sent),
    received: Number(r.received),
    inFlightMid: mid,
    inFlightEnd: end,
    serverRssBeforeMb: before,
    serverRssAfterMb: after,
    bounded: end <= mid + Math.max(8, Math.ceil(mid / 4)),
    command: `loadgen ${args.join(' ')}`,
  };
}
