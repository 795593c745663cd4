/** Reading the curated lists under each indicator folder's `data/`: one entry a line, `#` comments. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The entries of `<dir>/data/<file>`, trimmed and lower-cased, without blank lines and comments. */
export function readWordList(dir: string, file: string): string[] {
  return readFileSync(join(dir, 'data', file), 'utf8')
    .split('\n')
    .map((l) => l.trim().toLowerCase())
    .filter((l) => l !== '' && !l.startsWith('#'));
}
