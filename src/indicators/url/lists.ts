/** The URL feature word lists (see `data/`): path tokens, shorteners, user-content hosts. */
import { readWordList } from '../word-list';

export function loadUrlList(file: string): string[] {
  return readWordList(__dirname, file);
}

export const PATH_TOKENS: readonly string[] = loadUrlList('path-tokens.txt');
export const SHORTENERS: ReadonlySet<string> = new Set(loadUrlList('shorteners.txt'));
