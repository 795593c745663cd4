/**
 * Zeek's ASCII (TSV) logs: `#`-lines describe the columns (`#separator`, `#set_separator`,
 * `#empty_field`, `#unset_field`, `#path`, `#fields`); each other line is one entry. A value is `-`
 * when unset and `(empty)` when an empty set; bytes that would be ambiguous (the separator, non-
 * printable ones) are written `\xHH`. The reader keeps the header's state, so a rotated file that
 * starts with a new header (or another log's header) is read by that header.
 */
import type { LineResult } from '../record';
import { zeekRecord } from './zeek-fields';

const HEX = /\\x([0-9a-fA-F]{2})/g;

/** `\xHH` escapes -> the bytes (as Latin-1, then re-read as UTF-8 when they form valid UTF-8). */
function unescapeZeek(v: string): string {
  if (!v.includes('\\x')) return v;
  const raw = v.replace(HEX, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
  const bytes = Buffer.from(raw, 'latin1');
  const utf8 = bytes.toString('utf8');
  return utf8.includes('\ufffd') ? raw : utf8;
}

export interface ZeekTsvReader {
  read(text: string): LineResult;
  /** True once a `#fields` header was read: later lines are TSV entries. */
  readonly active: boolean;
}

export function createZeekTsvReader(): ZeekTsvReader {
  let separator = '\t';
  let setSeparator = ',';
  let empty = '(empty)';
  let unset = '-';
  let path: string | undefined;
  let fields: string[] | undefined;
  let index = new Map<string, number>();
  return {
    get active() {
      return fields !== undefined;
    },
    read(text) {
      if (text.startsWith('#')) {
        if (text.startsWith('#separator ')) {
          separator = unescapeZeek(text.slice('#separator '.length));
          return undefined;
        }
        const parts = text.split(separator);
        const key = parts[0];
        const value = parts[1] ?? '';
        if (key === '#set_separator') setSeparator = unescapeZeek(value);
        else if (key === '#empty_field') empty = value;
        else if (key === '#unset_field') unset = value;
        else if (key === '#path') path = value;
        else if (key === '#fields') {
          fields = parts.slice(1);
          index = new Map(fields.map((f, i) => [f, i]));
        }
        return undefined;
      }
      if (text.trim() === '') return undefined;
      if (fields === undefined) return { malformed: 'a Zeek TSV entry before any #fields header' };
      const cols = text.split(separator);
      if (cols.length !== fields.length)
        return { malformed: `${cols.length} columns where the #fields header names ${fields.length}` };
      const read = (name: string): string[] => {
        const i = index.get(name);
        if (i === undefined) return [];
        const v = cols[i] as string;
        if (v === unset || v === empty || v === '') return [];
        // A set or vector is one column; its elements are split before unescaping, as Zeek escapes
        // a set separator that occurs inside an element.
        return v.split(setSeparator).map(unescapeZeek);
      };
      return zeekRecord(path ?? undefined, read);
    },
  };
}
