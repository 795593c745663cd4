/** The committed model versions as tests read them: metadata, golden rows, and the checks every version owes. */
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { type ModelMetadata, parseMetadata } from '../../src/scoring/metadata';
import { signVersion } from '../../src/scoring/model-trust';

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

/** A committed version as the inference backends load it: its folder, metadata, ONNX bytes and run spec. */
export function backendModel(name: string, version: number) {
  return backendModelAt(join(__dirname, '..', '..', 'models', name, String(version)));
}

/** backendModel() of the version folder `dir`. */
export function backendModelAt(dir: string) {
  const metadata: ModelMetadata = parseMetadata(readFileSync(join(dir, 'metadata.json'), 'utf8'));
  const spec = {
    input: metadata.input.name,
    output: metadata.output.name,
    width: metadata.feature_names.length,
    positive: metadata.output.positive_class_index,
    intraOpThreads: 1,
  };
  return { dir, metadata, spec, bytes: readFileSync(join(dir, 'model.onnx')) };
}

/** `n` deterministic feature rows of `width` columns, different from each other (no parsing needed). */
export function syntheticRows(width: number, n: number, seed: number): Float32Array {
  const out = new Float32Array(n * width);
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = (s / 2 ** 32) * 20 - 5;
  }
  return out;
}

/** An Ed25519 key pair made for this test process: versions the tests make are signed with it. */
const testKeys = generateKeyPairSync('ed25519');
let testPublicKeyFile: string | undefined;

/** The public half as a PEM file, for `--model-signing-key` of servers that load test-made versions. */
export function testSigningKeyFile(): string {
  if (testPublicKeyFile === undefined) {
    testPublicKeyFile = join(mkdtempSync(join(tmpdir(), 'tp-test-key-')), 'test.pub');
    writeFileSync(testPublicKeyFile, testKeys.publicKey.export({ type: 'spki', format: 'pem' }));
  }
  return testPublicKeyFile;
}

/** Signs the version folder `<repo>/<model>/<version>` with the test key, as it is now. */
export function signForTests(dir: string): void {
  signVersion(dir, dirname(dirname(dir)), basename(dirname(dir)), Number(basename(dir)), testKeys.privateKey);
}

/**
 * Copies the committed domain model v1 into the repository `repo` as `version` (its metadata says
 * so), lets `mutate` change the copy, and returns its folder: a second version to pin, swap or break.
 * The copy is signed with the test key after `mutate` (servers given testSigningKeyFile() accept the
 * signature, so the check under test is the one that refuses a broken copy).
 */
export function addDomainVersion(repo: string, version: number, mutate: (dir: string) => void = () => {}): string {
  const dir = join(repo, 'domain', String(version));
  cpSync(committedModel('domain').dir, dir, { recursive: true });
  const metaPath = join(dir, 'metadata.json');
  const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
  meta.version = version;
  writeFileSync(metaPath, JSON.stringify(meta));
  mutate(dir);
  signForTests(dir);
  return dir;
}
