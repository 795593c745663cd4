/**
 * A slow reader: one stream whose client writes as fast as gRPC lets it and reads one reply every
 * 200 ms. The server should stop reading when it cannot write, so HTTP/2 flow control holds the
 * writer back: the messages in flight stop growing, and so does the server's memory.
 */
import { runLoadgen } from './loadgen';
import { rssMb, treeCpuSeconds } from './proc-stats';
import type { ServerProcess } from './server-process';

export interface SlowReaderResult {
  seconds: number;
  sent: number;
  received: number;
  inFlightMid: number;
  inFlightEnd: number;
  serverRssBeforeMb: number;
  serverRssAfterMb: number;
  /** Server CPU (process tree) over the run per item the reader got back, microseconds (absent in older reports). */
  serverCpuUsPerItem?: number;
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
  let cpu0 = 0;
  let cpu1 = 0;
  const r = await runLoadgen(bin, args, seconds + 60, {
    onMeasuring: () => {
      cpu0 = treeCpuSeconds(server.pid);
    },
    onMeasured: () => {
      cpu1 = treeCpuSeconds(server.pid);
    },
  });
  const after = rssMb(server.pid);
  const mid = Number(r.inFlightMid);
  const end = Number(r.inFlightEnd);
  const itemsRead = Number(r.received) * Number(r.batch);
  return {
    seconds,
    sent: Number(r.sent),
    received: Number(r.received),
    inFlightMid: mid,
    inFlightEnd: end,
    serverRssBeforeMb: before,
    serverRssAfterMb: after,
    serverCpuUsPerItem: ((cpu1 - cpu0) * 1e6) / Math.max(1, itemsRead),
    bounded: end <= mid + Math.max(8, Math.ceil(mid / 4)),
    command: `loadgen ${args.join(' ')}`,
  };
}
