/**
 * train.py takes the version from the output folder's name (models/<name>/<version>): a folder that is not a
 * version number is refused before anything is read or trained, not with a ValueError after a long fit.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';
import { promisify } from 'node:util';
import { pythonWith } from '../../scripts/python-env';

const TRAINING = join(__dirname, '..', '..', 'models', 'training');

it('refuses an --out that does not end in a version number, before reading the export', async () => {
  const python = await pythonWith([join(TRAINING, 'requirements.txt')]);
  // The export does not exist: were it read first, the error would be about it.
  const run = promisify(execFile)(
    python,
    [join(TRAINING, 'train.py'), '--export', '/nonexistent', '--out', '/tmp/x/6b'],
    {
      timeout: 60_000,
    },
  );
  await assert.rejects(run, (err: { code?: number; stderr?: string }) => {
    assert.equal(err.code, 2);
    assert.match(err.stderr ?? '', /--out must end in the version number .* not '6b'/);
    return true;
  });
});
