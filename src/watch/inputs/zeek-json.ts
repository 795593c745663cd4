/**
 * Zeek's JSON logs (`LogAscii::use_json=T`, or the json-streaming-logs package): one object per
 * line, keys as in the TSV header (`id.orig_h`, flat) or nested (`{"id":{"orig_h":...}}`), unset
 * fields left out, sets and vectors as arrays. The log's path comes from `_path` when present, from
 * the file name (`dns.log`, `dns.json`) when given, or from the fields the entry has.
 */
import type { LineResult } from '../record';
import { type FieldReader, guessPath, zeekRecord } from './zeek-fields';

function lookup(o: Record<string, unknown>, name: string): unknown {
  if (name in o) return o[name];
  const dot = name.indexOf('.');
  if (dot === -1) return undefined;
  const inner = o[name.slice(0, dot)];
  return typeof inner === 'object' && inner !== null
    ? lookup(inner as Record<string, unknown>, name.slice(dot + 1))
    : undefined;
}

function values(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.flatMap(values);
  if (typeof v === 'string') return v === '' ? [] : [v];
  if (typeof v === 'number' || typeof v === 'boolean') return [String(v)];
  return [];
}

/** `pathHint`: the log's path from its file name, for JSON that has no `_path`. */
export function readZeekJsonLine(text: string, pathHint?: string): LineResult {
  if (text.trim() === '') return undefined;
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (err) {
    return { malformed: `not JSON (${(err as Error).message})` };
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return { malformed: 'not a JSON object' };
  const entry = o as Record<string, unknown>;
  const read: FieldReader = (name) => values(lookup(entry, name));
  const path =
    (typeof entry._path === 'string' ? entry._path : undefined) ??
    pathHint ??
    guessPath((name) => lookup(entry, name) !== undefined);
  return zeekRecord(path, read);
}

/** `conn.log`, `dns.04:00:00-05:00:00.log.gz` (rotated name), `http.json` -> the log's path. */
export function pathFromFileName(file: string): string | undefined {
  const base = file.split('/').pop() ?? '';
  const m = /^(dns|http|ssl|conn|smtp|files)[.]/.exec(base);
  return m?.[1];
}
