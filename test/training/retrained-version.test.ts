/**
 * src/training/platform-version.ts writeRetrainedVersion: a version with a model of its own gets the
 * serving rules of an earlier one re-derived for it (slice thresholds measured on this model, the
 * platforms' own names rule without the earlier model's measurement), and refuses a slice measured on
 * another model.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { type PlatformSliceResult, writeRetrainedVersion } from '../../src/training/platform-version';
import { committedModel } from '../helpers/model';

const dir = mkdtempSync(join(tmpdir(), 'tp-retrained-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function trainedModel(): { path: string; thresholds: { suspicious: number; malicious: number } } {
  // Stands for train.sh output: v3's files with a new version number and no serving rules.
  const path = join(dir, 'model');
  cpSync(committedModel('domain', 3).dir, path, { recursive: true });
  const meta = JSON.parse(readFileSync(join(path, 'metadata.json'), 'utf8'));
  meta.version = 6;
  writeFileSync(join(path, 'metadata.json'), JSON.stringify(meta));
  return { path, thresholds: meta.thresholds };
}

const slice = (version: number, thresholds: { suspicious: number; malicious: number }): PlatformSliceResult => ({
  command: 'measure-platform-slice.ts --model m',
  model: { dir: 'm', version, thresholds },
  policy: { suspicious_fpr: 0.01, malicious_fpr: 0.0025 },
  slice_thresholds: { suspicious: 0.99, malicious: 0.995 },
  chosen_on: 'the choose half',
  figures: { rows: 1 },
});

it("records this model's slice thresholds and v5's own-names rule, not v5's measurement of it", () => {
  const model = trainedModel();
  const out = join(dir, 'out');
  writeRetrainedVersion({
    model: model.path,
    rulesFrom: committedModel('domain', 5).dir,
    out,
    slice: slice(6, model.thresholds),
    evaluation: { sources: 1 },
  });
  const meta = JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8'));
  assert.equal(meta.version, 6);
  assert.equal(meta.slice_thresholds.platform_customer.suspicious, 0.99);
  assert.equal(meta.platform_own_names.verdict, 'benign');
  assert.equal(meta.platform_own_names.evaluation, undefined);
  assert.deepEqual(meta.resolver_like_evaluation, { sources: 1 });
  assert.equal(meta.derived_from, undefined);
  assert.deepEqual(readFileSync(join(out, 'model.onnx')), readFileSync(join(model.path, 'model.onnx')));
});

it('refuses a slice measured on another model', () => {
  const model = trainedModel();
  assert.throws(
    () =>
      writeRetrainedVersion({
        model: model.path,
        rulesFrom: committedModel('domain', 5).dir,
        out: join(dir, 'other'),
        slice: slice(6, { suspicious: 0.5, malicious: 0.9 }),
      }),
    /measured on m, not on the model/,
  );
});
