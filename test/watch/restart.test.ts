/**
 * Nothing lost, nothing twice: `threatpredict watch --follow` reads a growing eve.json while the
 * server is killed (SIGKILL, batches in flight) and started again on the same port, the log is
 * rotated by rename and later by truncation, and watch itself is stopped and started again from its
 * saved position. Every line's indicator must be written exactly once, in log order.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = join(__dirname, '..', '..');
const children: ChildProcess[] = [];

after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

/** The real server (dist/main.js) on `addr`; resolves once it logs that it is serving. */
async function startServer(addr: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'main.js'), '--listen', addr], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  await new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server not serving after 120 s: ${stderr}`)), 120_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const msg = (JSON.parse(line) as { msg?: string }).msg ?? '';
      if (msg === 'serving' || msg.startsWith('not serving')) {
        clearTimeout(timer);
        res();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`server exited ${code}: ${stderr}`));
    });
  });
  return child;
}

function startWatch(args: string[]): { child: ChildProcess; stderr(): string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'threatpredict.js'), 'watch', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  return { child, stderr: () => stderr, exited };
}

const line = (i: number) =>
  `{"timestamp":"2024-03-01T10:00:00.000000+0000","flow_id":${1_152_921_504_606_846_976n + BigInt(i)},"event_type":"dns","dns":{"type":"query","rrname":"n${i}.restart-test.example"}}\n`;

/** Appends lines from..to, a few at a time, as a sensor writes. */
async function writeLines(file: string, from: number, to: number): Promise<void> {
  for (let i = from; i <= to; i += 5) {
    let chunk = '';
    for (let j = i; j <= Math.min(to, i + 4); j++) chunk += line(j);
    appendFileSync(file, chunk);
    await sleep(5);
  }
}

function outputLines(file: string): Record<string, unknown>[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));
}

/** A guard against a hang, not a timing assertion: the count must be reached eventually. */
async function waitForLines(file: string, n: number, what: () => string): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (outputLines(file).length < n) {
    if (Date.now() > deadline) throw new Error(`output stuck at ${outputLines(file).length} of ${n} lines; ${what()}`);
    await sleep(50);
  }
}

test('watch --follow: server killed and restarted, log rotated by rename and truncation, watch restarted: every indicator once, in order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'watch-restart-'));
  const log = join(dir, 'eve.json');
  const out = join(dir, 'answers.jsonl');
  const pos = join(dir, 'position.json');
  const addr = `127.0.0.1:${await freePort()}`;
  const args = [log, '--follow', '--position', pos, '--server', addr, '--min-verdict', 'all', '--output', out];
  const fast = ['--batch', '25', '--flush-ms', '20', '--window', '4'];

  let server = await startServer(addr);
  writeFileSync(log, '');
  const w1 = startWatch([...args, ...fast]);
  const writing = writeLines(log, 1, 500);
  await waitForLines(out, 50, w1.stderr);
  // SIGKILL while the writer goes on: batches are in flight or queued when the server goes.
  server.kill('SIGKILL');
  await writing;
  renameSync(log, `${log}.1`); // rotation by rename: the rest of eve.json.1 first, then the new file
  await writeLines(log, 501, 700);
  server = await startServer(addr);
  await waitForLines(out, 700, w1.stderr);
  assert.match(w1.stderr(), /stream broke/);
  assert.match(w1.stderr(), /was rotated/);

  // Stop watch (it writes what it read, then saves the position), write on, start it again.
  w1.child.kill('SIGTERM');
  assert.equal(await w1.exited, 0, w1.stderr());
  await writeLines(log, 701, 800);
  const w2 = startWatch([...args, ...fast]);
  await waitForLines(out, 800, w2.stderr);
  // Rotation by truncation (copytruncate): the file starts again, shorter than the read offset.
  writeFileSync(log, '');
  await writeLines(log, 801, 900);
  await waitForLines(out, 900, w2.stderr);
  w2.child.kill('SIGTERM');
  assert.equal(await w2.exited, 0, w2.stderr());
  assert.match(w2.stderr(), /truncated/);
  server.kill('SIGTERM');

  const got = outputLines(out);
  assert.equal(got.length, 900, 'no indicator lost or answered twice');
  got.forEach((o, k) => {
    const i = k + 1;
    assert.equal(o.value, `n${i}.restart-test.example`, `line ${k + 1} of the output is indicator ${i}`);
    assert.ok(o.verdict !== undefined, `indicator ${i} has a verdict`);
  });
  const raw = readFileSync(out, 'utf8').split('\n');
  assert.ok(raw[899]!.startsWith(`{"flow_id":${1_152_921_504_606_846_976n + 900n},`), 'flow ids keep all 64 bits');
  const saved = JSON.parse(readFileSync(pos, 'utf8'));
  assert.equal(saved.inode, statSync(log).ino);
  assert.equal(saved.offset, statSync(log).size, 'the saved position is the end of what was answered');
});
