/** The committed model versions as tests read them: metadata, golden rows, and the checks every version owes. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GoldenRow<C = unknown> {
  indicator: string;
  features: number[];
  probability: number;
  /** What the indicator's features depended on at training beyond its text (e.g. an IP's ASN). */
  context?: C;
}

export interface CommittedModel<C = unknown> {
  dir: string;
  // biome-ignore lint/suspicious/noExplicitAny: metadata.json is read as JSON and checked field by field
  meta: any;
  golden: { features_version: string; rows: GoldenRow<C>[] };
}

export function committedModel<C = unknown>(name: string, version = 1): CommittedModel<C> {
  const dir = join(__dirname, '..', '..', 'models', name, String(version));
  return {
    dir,
    meta: JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')),
    golden: JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')),
  };
}

/** The version was produced by the committed feature code, and its ONNX file is the one recorded. */
export function assertMatchesFeatureCode<C>(
  m: CommittedModel<C>,
  expected: { name: string; version: number; featuresVersion: string; featureNames: readonly string[] },
): void {
  assert.equal(m.meta.name, expected.name);
  assert.equal(m.meta.version, expected.version);
  assert.equal(m.meta.features_version, expected.featuresVersion);
  assert.equal(m.golden.features_version, expected.featuresVersion);
  assert.deepEqual(m.meta.feature_names, expected.featureNames);
  assert.deepEqual(m.meta.input.shape, [null, expected.featureNames.length]);
  const bytes = readFileSync(join(m.dir, 'model.onnx'));
  assert.equal(createHash('sha256').update(bytes).digest('hex'), m.meta.sha256);
  assert.ok(bytes.length < 5 * 1024 * 1024, 'model.onnx stays under 5 MB');
}

/**
 * Copies the committed domain model v1 into the repository `repo` as `version` (its metadata says
 * so), lets `mutate` change the copy, and returns its folder: a second version to pin, swap or break.
 */
export function addDomainVersion(repo: string, version: number, mutate: (dir: string) => void = () => {}): string {
  const dir = join(repo, 'domain', String(version));
  cpSync(committedModel('domain').dir, dir, { recursive: true });
  const metaPath = join(dir, 'metadata.json');
  const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
  meta.version = version;
  writeFileSync(metaPath, JSON.stringify(meta));
  mutate(dir);
  return dir;
}
