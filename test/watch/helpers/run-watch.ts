/** Runs `watch` in this process (the function behind the command) and collects what it writes. */
import { Readable, Writable } from 'node:stream';
import { watch } from '../../../src/cli/watch';

export interface WatchRun {
  code: number;
  lines: Record<string, unknown>[];
  raw: string[];
  stderr: string;
}

function collector(): { stream: Writable; text(): string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(chunk, _enc, cb) {
        chunks.push(String(chunk));
        cb();
      },
    }),
    text: () => chunks.join(''),
  };
}

export async function runWatch(argv: string[], stdin = ''): Promise<WatchRun> {
  const out = collector();
  const err = collector();
  const code = await watch(argv, {
    stdin: Readable.from([Buffer.from(stdin)]),
    stdout: out.stream,
    stderr: err.stream,
  });
  const raw = out
    .text()
    .split('\n')
    .filter((l) => l !== '');
  return { code, raw, lines: raw.map((l) => JSON.parse(l)), stderr: err.text() };
}
