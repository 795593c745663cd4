/**
 * The saved read position: which file (by inode, since rotation renames it) and the byte after the
 * last line whose answers were written out. Written to a temporary file and renamed over the old
 * one, so a crash mid-write leaves the previous position, never half of one.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

export interface Position {
  /** The watched path, to refuse a position file saved for another log. */
  path: string;
  inode: number;
  offset: number;
  line: number;
}

export function loadPosition(file: string, path: string): Position | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let p: Partial<Position>;
  try {
    p = JSON.parse(text);
  } catch {
    throw new Error(`position file ${file} is not JSON; remove it to read ${path} from the start`);
  }
  if (typeof p.inode !== 'number' || typeof p.offset !== 'number' || typeof p.line !== 'number')
    throw new Error(`position file ${file} lacks inode, offset or line; remove it to read ${path} from the start`);
  if (p.path !== path) throw new Error(`position file ${file} was saved for ${p.path}, not ${path}`);
  return { path, inode: p.inode, offset: p.offset, line: p.line };
}

export function savePosition(file: string, p: Position): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(p)}\n`);
  renameSync(tmp, file);
}
