/** The curated word lists that features look for: brands and phishing keywords (see `data/`). */
import { readWordList } from '../word-list';

export function loadWordList(file: string): string[] {
  return readWordList(__dirname, file);
}

export const BRANDS: readonly string[] = loadWordList('brands.txt');
export const KEYWORDS: readonly string[] = loadWordList('keywords.txt');
