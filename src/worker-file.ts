/**
 * Starting a worker_threads worker from a sibling file that exists as `.js` in dist/ and as `.ts`
 * when the code runs under tsx (tests). Node 20 does not apply `--import tsx` to a worker's entry
 * file, so a `.ts` worker starts from a one-line bootstrap that registers tsx's require hook first;
 * compiled code starts the file directly and never loads tsx.
 */
import { extname, join } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The path of `name` beside `moduleFile`, with the extension the running code has. */
export function siblingFile(moduleFile: string, name: string): string {
  return join(moduleFile, '..', `${name}${extname(moduleFile)}`);
}

export function startWorker(file: string, options: WorkerOptions = {}): Worker {
  if (file.endsWith('.ts')) {
    return new Worker(`require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(file)});`, {
      ...options,
      eval: true,
    });
  }
  return new Worker(file, options);
}
