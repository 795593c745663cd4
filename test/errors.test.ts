import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { ERROR_CATALOGUE, GrpcCode, PredictError, toPredictError } from '../src/errors';

it('documents every error reason in the README with its gRPC code, and nothing else', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Error catalogue'));
  const rows = [...section.matchAll(/^\| `([A-Z_]+)` \| `([A-Z_]+)` \|/gm)].map((m) => [m[1], m[2]]);
  const documented = Object.fromEntries(rows);
  const expected = Object.fromEntries(Object.entries(ERROR_CATALOGUE).map(([reason, [code]]) => [reason, code]));
  assert.deepEqual(documented, expected);
});

it('gives every reason a real gRPC code and a meaning', () => {
  for (const [reason, [code, meaning]] of Object.entries(ERROR_CATALOGUE)) {
    assert.match(reason, /^[A-Z][A-Z0-9_]+[A-Z0-9]$/);
    assert.ok(code in GrpcCode, reason);
    assert.ok(meaning.length > 20, reason);
  }
});

it('turns unknown failures into INTERNAL with a fixed message that leaks nothing', () => {
  const e = toPredictError(new Error('ENOENT /secret/path'));
  assert.equal(e.reason, 'INTERNAL');
  assert.equal(e.message, 'internal error');
  assert.equal(e.code, 13);
  const known = new PredictError('BATCH_TOO_LARGE', 'too many', { max: '1' });
  assert.equal(toPredictError(known), known);
  assert.equal(known.code, 3);
});
