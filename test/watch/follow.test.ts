/** The follower: resume from a saved position in the same file, in a file rotated away since, or after truncation. */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createFollower, type FileLine } from '../../src/watch/follow';

async function all(f: ReturnType<typeof createFollower>): Promise<FileLine[]> {
  const out: FileLine[] = [];
  for await (const lines of f.lines()) out.push(...lines);
  return out;
}

test('follower: resumes at the saved offset of the same file, replaying its # header only', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'watch-follow-'));
  const file = join(dir, 'ssl.log');
  writeFileSync(file, '#fields\ta\tb\nx1\ty1\nx2\ty2\n');
  const first = await all(createFollower({ path: file, follow: false }));
  assert.deepEqual(
    first.map((l) => [l.line, l.text]),
    [
      [1, '#fields\ta\tb'],
      [2, 'x1\ty1'],
      [3, 'x2\ty2'],
    ],
  );
  const at = first[1]!;
  appendFileSync(file, 'x3\ty3\nno newline yet');
  const again = await all(
    createFollower({ path: file, follow: false, start: { path: file, inode: at.inode, offset: at.end, line: 2 } }),
  );
  assert.deepEqual(
    again.map((l) => [l.line, l.text, l.replay === true]),
    [
      [1, '#fields\ta\tb', true],
      [3, 'x2\ty2', false],
      [4, 'x3\ty3', false],
      [5, 'no newline yet', false],
    ],
  );
  assert.equal(again.at(-1)!.end, statSync(file).size);
});

test('follower: a position in a file rotated away since is read to its end first, then the new file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'watch-follow-'));
  const file = join(dir, 'eve.json');
  writeFileSync(file, 'a\nb\nc\n');
  const inode = statSync(file).ino;
  renameSync(file, `${file}.1`);
  writeFileSync(file, 'd\n');
  const notices: string[] = [];
  const lines = await all(
    createFollower({
      path: file,
      follow: false,
      start: { path: file, inode, offset: 2, line: 1 },
      notice: (m) => notices.push(m),
    }),
  );
  assert.deepEqual(
    lines.map((l) => l.text),
    ['b', 'c', 'd'],
  );
  assert.match(notices.join('\n'), /rotated to .*eve\.json\.1/);
});

test('follower: a saved offset beyond the end (truncated since) reads the file from the start', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'watch-follow-'));
  const file = join(dir, 'eve.json');
  writeFileSync(file, 'x\n');
  const notices: string[] = [];
  const lines = await all(
    createFollower({
      path: file,
      follow: false,
      start: { path: file, inode: statSync(file).ino, offset: 999, line: 50 },
      notice: (m) => notices.push(m),
    }),
  );
  assert.deepEqual(
    lines.map((l) => [l.line, l.text]),
    [[1, 'x']],
  );
  assert.match(notices[0]!, /shorter than the saved position/);
});
