/**
 * src/training/sources.ts `path_from`: a source file made on this machine by a script (under
 * models/training/.work, relative to the working directory) is read from there, not from --data.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, it } from 'node:test';
import { readSource, type SourceSpec } from '../../src/training/sources';

const dir = mkdtempSync(join(tmpdir(), 'sources-path-from-'));
after(() => rmSync(dir, { recursive: true, force: true }));

it('reads a path_from: cwd source relative to the working directory, others relative to the data folder', () => {
  writeFileSync(join(dir, 'hosts.txt'), 'aide.github.io\n# a comment\nwww.7-zip.org\n');
  const spec: SourceSpec = {
    name: 'made_here',
    path: relative(process.cwd(), join(dir, 'hosts.txt')),
    path_from: 'cwd',
    format: 'lines',
    label: 'benign',
    license: 'test data',
    origin: 'made by the test',
  };
  const elsewhere = mkdtempSync(join(tmpdir(), 'sources-data-'));
  // A data folder deeper than the working directory, so the relative path cannot reach the file from it.
  const data = join(elsewhere, 'one', 'level', 'deeper');
  try {
    assert.deepEqual(
      readSource(spec, data).map((r) => r.value),
      ['aide.github.io', 'www.7-zip.org'],
    );
    // Without it the same path is looked for under the data folder.
    assert.throws(() => readSource({ ...spec, path_from: undefined }, data), /ENOENT/);
  } finally {
    rmSync(elsewhere, { recursive: true, force: true });
  }
});
