/**
 * What the stream window needs from a connection to the service: open a stream, send batches on it,
 * get one answer list per batch in order, and hear when the stream broke. The gRPC transport
 * (src/cli/watch-grpc.ts) and the in-process one (in-process.ts) implement it.
 */
import type { Answer } from './answer';
import type { WatchType } from './record';

export interface WireItem {
  value: string;
  type?: WatchType | undefined;
}

export interface ChannelEvents {
  /** The answers to the oldest batch sent on this channel and not yet answered, in item order. */
  answers(results: Answer[]): void;
  /** The channel broke; no more events follow for it. `fatal` errors are not retried. */
  failed(err: Error & { fatal?: boolean }): void;
}

export interface Channel {
  send(items: readonly WireItem[]): void;
  close(): void;
}

export interface Transport {
  open(events: ChannelEvents): Channel;
  close(): Promise<void>;
}
