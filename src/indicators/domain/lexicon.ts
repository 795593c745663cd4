/** The curated word lists that features look for: brands and phishing keywords (see `data/`). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function loadWordList(file: string): string[] {
  return readFileSync(join(__dirname, 'data', file), 'utf8')
    .split('\n')
    .map((l) => l.trim().toLowerCase())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

export const BRANDS: readonly string[] = loadWordList('brands.txt');
export const KEYWORDS: readonly string[] = loadWordList('keywords.txt');
