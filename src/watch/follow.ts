/**
 * Reads a log file's lines, and with `follow` keeps reading as it grows, like `tail -F`: when the
 * path names another file (rotation by rename) the old one is read to its end first, then the new
 * one from its start; when the file shrinks below the read offset (rotation by truncation,
 * `copytruncate`) it is read again from the start. Polling, not fs.watch: it behaves the same on
 * every file system, and a sensor's log is read continuously anyway.
 *
 * A start position (inode, offset) resumes where a previous run stopped: in the same file if the
 * path still names it, or in the rotated file that still has that inode (then on to the new one),
 * so a restart across a rotation neither skips nor repeats a line. When it resumes mid-file, the
 * file's leading `#` lines are replayed first (marked `replay`): a Zeek TSV header is needed to read
 * any line after it.
 */
import { constants, type Stats } from 'node:fs';
import { type FileHandle, open, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLineSplitter, type Line } from './lines';
import type { Position } from './position';

export interface FileLine extends Line {
  /** A header line read again on resume: feed it to the reader, do not count or answer it. */
  replay?: boolean;
}

export interface FollowOptions {
  path: string;
  follow: boolean;
  start?: Position | undefined;
  pollMs?: number;
  signal?: AbortSignal;
  /** Rotation, truncation, a position that no longer applies: told, never fatal. */
  notice?(message: string): void;
  chunkBytes?: number;
}

export interface Follower {
  lines(): AsyncGenerator<FileLine[]>;
  /** Bytes between the read offset and the end of the file being read (the progress line's lag). */
  lag(): number;
}

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function findInode(dir: string, inode: number): Promise<string | undefined> {
  for (const name of await readdir(dir)) {
    const s = await statOrUndefined(join(dir, name));
    if (s?.isFile() && s.ino === inode) return join(dir, name);
  }
  return undefined;
}

/** The leading `#` lines of a file, up to `limit` bytes: the header a resumed Zeek TSV read needs. */
async function header(fh: FileHandle, limit: number, inode: number): Promise<FileLine[]> {
  const out: FileLine[] = [];
  const split = createLineSplitter(0, 0, inode);
  const buf = Buffer.alloc(64 * 1024);
  let pos = 0;
  while (pos < limit) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, limit - pos), pos);
    if (bytesRead === 0) break;
    pos += bytesRead;
    // A copy: the lines keep their bytes, and buf is read into again.
    for (const l of split.push(Buffer.from(buf.subarray(0, bytesRead)))) {
      if (!l.text.startsWith('#')) return out;
      out.push({ text: l.text, bytes: l.bytes, from: l.from, to: l.to, line: l.line, end: l.end, inode, replay: true });
    }
  }
  return out;
}

export function createFollower(opts: FollowOptions): Follower {
  const pollMs = opts.pollMs ?? 200;
  const chunk = opts.chunkBytes ?? 256 * 1024;
  const notice = opts.notice ?? (() => {});
  let offset = 0;
  let size = 0;

  async function* readFrom(
    fh: FileHandle,
    inode: number,
    start: { offset: number; line: number },
    follow: boolean,
    path: string,
  ): AsyncGenerator<FileLine[], 'rotated' | 'end'> {
    let split = createLineSplitter(start.offset, start.line, inode);
    let pos = start.offset;
    offset = pos;
    if (pos > 0) {
      const h = await header(fh, pos, inode);
      if (h.length > 0) yield h;
    }
    const buf = Buffer.alloc(chunk);
    for (;;) {
      if (opts.signal?.aborted) return 'end';
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead > 0) {
        pos += bytesRead;
        size = Math.max(size, pos);
        const lines = split.push(Buffer.from(buf.subarray(0, bytesRead)));
        offset = split.offset;
        if (lines.length > 0) yield lines;
        continue;
      }
      // At the end of what is there now.
      const cur = await fh.stat();
      size = cur.size;
      if (cur.size < pos) {
        notice(`${path} was truncated (${cur.size} bytes, read up to ${pos}): reading it again from the start`);
        split = createLineSplitter(0, 0, inode);
        pos = 0;
        offset = 0;
        continue;
      }
      if (cur.size > pos) continue;
      const atPath = follow ? await statOrUndefined(opts.path) : undefined;
      if (!follow || (atPath !== undefined && atPath.ino !== inode)) {
        // Rotated (or not following). The writer may have appended to the old file between the size
        // check above and the rename: read that first. A last line without its newline gets none now.
        if (follow && (await fh.stat()).size > pos) continue;
        const last = split.flush();
        offset = split.offset;
        if (last !== undefined) yield [last];
        return follow ? 'rotated' : 'end';
      }
      try {
        await sleep(pollMs, undefined, { signal: opts.signal });
      } catch {
        return 'end';
      }
    }
  }

  async function openWhenThere(path: string): Promise<{ fh: FileHandle; inode: number } | undefined> {
    for (;;) {
      try {
        const fh = await open(path, constants.O_RDONLY);
        return { fh, inode: (await fh.stat()).ino };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !opts.follow) throw err;
      }
      try {
        await sleep(pollMs, undefined, { signal: opts.signal });
      } catch {
        return undefined;
      }
    }
  }

  async function* lines(): AsyncGenerator<FileLine[]> {
    let start = { offset: 0, line: 0 };
    const saved = opts.start;
    if (saved !== undefined) {
      const now = await statOrUndefined(opts.path);
      if (now?.ino === saved.inode) {
        if (now.size >= saved.offset) start = { offset: saved.offset, line: saved.line };
        else
          notice(`${opts.path} is shorter than the saved position (${saved.offset} bytes): reading it from the start`);
      } else {
        const rotated = await findInode(dirname(opts.path), saved.inode);
        if (rotated === undefined) {
          notice(`the file of the saved position (inode ${saved.inode}) is gone: reading ${opts.path} from the start`);
        } else {
          notice(`${opts.path} was rotated to ${rotated} since the saved position: reading the rest of it first`);
          const fh = await open(rotated, constants.O_RDONLY);
          try {
            yield* readFrom(fh, saved.inode, { offset: saved.offset, line: saved.line }, false, rotated);
          } finally {
            await fh.close();
          }
        }
      }
    }
    for (;;) {
      const opened = await openWhenThere(opts.path);
      if (opened === undefined) return;
      let how: 'rotated' | 'end';
      try {
        how = yield* readFrom(opened.fh, opened.inode, start, opts.follow, opts.path);
      } finally {
        await opened.fh.close();
      }
      if (how === 'end') return;
      notice(`${opts.path} was rotated: reading the new file from its start`);
      start = { offset: 0, line: 0 };
    }
  }

  return { lines, lag: () => Math.max(0, size - offset) };
}
