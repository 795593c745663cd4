/**
 * The in-process app of the email measuring scripts (scripts/email/in-process-app.ts) refuses to run
 * when the version asked for does not serve: a newest version the loader refuses (here an unsigned
 * copy of the newest published email version, numbered one above it) would otherwise leave the published
 * one answering, and its numbers would be reported as the candidate's.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { openApp } from '../../scripts/email/in-process-app';

const dir = mkdtempSync(join(tmpdir(), 'email-script-app-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The newest published email version, and the unsigned copy of it made one above. */
const published = Math.max(
  ...readdirSync(join('models', 'email'))
    .filter((d) => /^\d+$/.test(d))
    .map(Number),
);
const unsigned = published + 1;

before(() => {
  cpSync('models', dir, { recursive: true });
  const copy = join(dir, 'email', String(unsigned));
  cpSync(join(dir, 'email', String(published)), copy, { recursive: true });
  rmSync(join(copy, 'manifest.json'));
  rmSync(join(copy, 'manifest.sig'));
  const meta = JSON.parse(readFileSync(join(copy, 'metadata.json'), 'utf8'));
  writeFileSync(join(copy, 'metadata.json'), JSON.stringify({ ...meta, version: unsigned }));
});

it('fails when the newest version is refused, naming the loader reason', async () => {
  const opened = openApp({ models: dir });
  // Should it open after all, close it, or its worker threads keep the test process alive.
  opened.then(
    (app) => app.close(),
    () => {},
  );
  await assert.rejects(
    opened,
    new RegExp(`email ${unsigned} was asked for \\(newest\\) but email ${published} serves \\(.*unsigned`),
  );
});

it('serves the asked version: an older one pinned, or the unsigned one when allowed', async () => {
  for (const [args, version] of [
    [{ models: dir, pins: 'email=3' }, 3],
    [{ models: dir, 'allow-unsigned': true }, unsigned],
  ] as const) {
    const app = await openApp(args);
    try {
      assert.equal(app.repository.serving('email')?.version, version);
    } finally {
      await app.close();
    }
  }
});
