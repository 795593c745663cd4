/**
 * Picks the reader for each line: `--format eve|zeek|plain`, or `auto`, which decides per line so a
 * mixed stream (`cat eve.json` then a Zeek log) still reads: `#`-lines and lines after a `#fields`
 * header are Zeek TSV (unless they are JSON objects), JSON objects with `event_type` are EVE, other
 * JSON objects Zeek JSON, and the rest plain indicators.
 */
import type { LineResult } from '../record';
import { readEveLine } from './eve';
import { readPlainLine } from './plain';
import { pathFromFileName, readZeekJsonLine } from './zeek-json';
import { createZeekTsvReader } from './zeek-tsv';

export type InputFormat = 'auto' | 'eve' | 'zeek' | 'plain';

export const INPUT_FORMATS: readonly InputFormat[] = ['auto', 'eve', 'zeek', 'plain'];

export type LineReader = (text: string) => LineResult;

export function createLineReader(format: InputFormat, fileName?: string): LineReader {
  const pathHint = fileName === undefined ? undefined : pathFromFileName(fileName);
  if (format === 'eve') return readEveLine;
  if (format === 'plain') return readPlainLine;
  const tsv = createZeekTsvReader();
  if (format === 'zeek') return (text) => (text.startsWith('{') ? readZeekJsonLine(text, pathHint) : tsv.read(text));
  return (text) => {
    if (text.startsWith('#')) return tsv.read(text);
    // A TSV entry starts with its ts, never with `{`: JSON after a TSV log (`cat`) is still JSON.
    if (text.startsWith('{'))
      return text.includes('"event_type"') ? readEveLine(text) : readZeekJsonLine(text, pathHint);
    return tsv.active ? tsv.read(text) : readPlainLine(text);
  };
}
