/**
 * The labelled data beside the repository (`../shared/data`, see each folder's SOURCES.md), as the
 * in-process cost benchmarks read it. A missing file reads as no lines: the benchmarks then make
 * values up, as `npm run bench` does without the data.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// From dist/bench/ or src/bench/ alike: two levels up is the repository.
export const SHARED_DATA = join(resolve(__dirname, '..', '..'), '..', 'shared', 'data');

/** The non-empty lines of a text file, or none when it cannot be read. */
export function dataLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
  } catch {
    return [];
  }
}
