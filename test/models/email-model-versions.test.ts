/**
 * Every committed email version loads through the serving pipeline with the feature code its metadata
 * names: the load-time canary check (loaded-model.ts) recomputes every golden row's features from the
 * raw message, bit for bit, and its probability. A new features version (email/7 changed how
 * `lookalike_domains` is counted) must leave the older ones computing exactly what their models
 * learned on; this fails if any committed version's golden rows no longer reproduce.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadModel } from '../../src/scoring/loaded-model';
import { emailPipeline } from '../../src/scoring/pipelines/email';

const root = join(__dirname, '..', '..', 'models', 'email');
const versions = readdirSync(root)
  .filter((d) => /^[1-9][0-9]*$/.test(d))
  .map(Number)
  .sort((a, b) => a - b);

describe('committed email versions under the newest pipeline', () => {
  it('has versions 1 to 5 at least', () => assert.ok(versions.length >= 5, String(versions)));
  for (const v of versions) {
    it(`models/email/${v} reproduces its golden rows with its own features version`, async () => {
      const dir = join(root, String(v));
      const meta = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as { features_version: string };
      const model = await loadModel(dir, emailPipeline);
      try {
        assert.equal(model.pipeline?.featuresVersion, meta.features_version);
      } finally {
        model.release();
      }
    });
  }
});
