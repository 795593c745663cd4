/**
 * Picks the reader for each line: `--format eve|zeek|plain`, or `auto`, which decides per line so a
 * mixed stream (`cat eve.json` then a Zeek log) still reads: `#`-lines and lines after a `#fields`
 * header are Zeek TSV (unless they are JSON objects), JSON objects with `event_type` are EVE, other
 * JSON objects Zeek JSON, and the rest plain indicators.
 */
import type { Line } from '../lines';
import type { LineResult } from '../record';
import { readEveBytes, readEveLine } from './eve';
import { readPlainLine } from './plain';
import { pathFromFileName, readZeekJsonLine } from './zeek-json';
import { createZeekTsvReader } from './zeek-tsv';

export type InputFormat = 'auto' | 'eve' | 'zeek' | 'plain';

export const INPUT_FORMATS: readonly InputFormat[] = ['auto', 'eve', 'zeek', 'plain'];

/** Reads a line given as text, or as the splitter's Line (whose bytes an EVE line is read from). */
export type LineReader = (line: string | Line) => LineResult;

/**
 * An EVE line the scan vouches for, read from its bytes (no text of the line is made); otherwise
 * `byText` reads the line's text. A line the scan reads is a JSON object with a top-level
 * event_type, so `auto` would have read it as EVE too.
 */
function eveBytesFirst(byText: (text: string) => LineResult): LineReader {
  return (l) => {
    if (typeof l === 'string') return byText(l);
    if (l.bytes[l.from] === 123) {
      const r = readEveBytes(l.bytes, l.from, l.to);
      if (r !== null) return r;
    }
    return byText(l.text);
  };
}

export function createLineReader(format: InputFormat, fileName?: string): LineReader {
  const pathHint = fileName === undefined ? undefined : pathFromFileName(fileName);
  if (format === 'eve') return eveBytesFirst(readEveLine);
  if (format === 'plain') return (l) => readPlainLine(typeof l === 'string' ? l : l.text);
  const tsv = createZeekTsvReader();
  if (format === 'zeek')
    return (l) => {
      const text = typeof l === 'string' ? l : l.text;
      return text.startsWith('{') ? readZeekJsonLine(text, pathHint) : tsv.read(text);
    };
  return eveBytesFirst((text) => {
    if (text.startsWith('#')) return tsv.read(text);
    // A TSV entry starts with its ts, never with `{`: JSON after a TSV log (`cat`) is still JSON.
    if (text.startsWith('{'))
      return text.includes('"event_type"') ? readEveLine(text) : readZeekJsonLine(text, pathHint);
    return tsv.active ? tsv.read(text) : readPlainLine(text);
  });
}
