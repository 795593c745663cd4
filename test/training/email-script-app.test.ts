/**
 * The in-process app of the email measuring scripts (scripts/email/in-process-app.ts) refuses to run
 * when the version asked for does not serve: a newest version the loader refuses (here an unsigned
 * copy of email v3 as v4) would otherwise leave v3 answering, and its numbers would be reported as the
 * candidate's.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { openApp } from '../../scripts/email/in-process-app';

const dir = mkdtempSync(join(tmpdir(), 'email-script-app-'));
after(() => rmSync(dir, { recursive: true, force: true }));

before(() => {
  cpSync('models', dir, { recursive: true });
  const v4 = join(dir, 'email', '4');
  cpSync(join(dir, 'email', '3'), v4, { recursive: true });
  rmSync(join(v4, 'manifest.json'));
  rmSync(join(v4, 'manifest.sig'));
  const meta = JSON.parse(readFileSync(join(v4, 'metadata.json'), 'utf8'));
  writeFileSync(join(v4, 'metadata.json'), JSON.stringify({ ...meta, version: 4 }));
});

it('fails when the newest version is refused, naming the loader reason', async () => {
  const opened = openApp({ models: dir });
  // Should it open after all, close it, or its worker threads keep the test process alive.
  opened.then(
    (app) => app.close(),
    () => {},
  );
  await assert.rejects(opened, /email 4 was asked for \(newest\) but email 3 serves \(.*unsigned/);
});

it('serves the asked version: an older one pinned, or the unsigned one when allowed', async () => {
  for (const [args, version] of [
    [{ models: dir, pins: 'email=3' }, 3],
    [{ models: dir, 'allow-unsigned': true }, 4],
  ] as const) {
    const app = await openApp(args);
    try {
      assert.equal(app.repository.serving('email')?.version, version);
    } finally {
      await app.close();
    }
  }
});
