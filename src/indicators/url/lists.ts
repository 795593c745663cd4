/** The URL feature word lists (see `data/`): path tokens, shorteners, user-content hosts. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function loadUrlList(file: string): string[] {
  return readFileSync(join(__dirname, 'data', file), 'utf8')
    .split('\n')
    .map((l) => l.trim().toLowerCase())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

export const PATH_TOKENS: readonly string[] = loadUrlList('path-tokens.txt');
export const SHORTENERS: ReadonlySet<string> = new Set(loadUrlList('shorteners.txt'));
