/**
 * Trusted model versions. A version folder is loaded only if
 * - every entry in it is a regular file, or a symbolic link to one inside the model repository (a link
 *   that leaves it, e.g. metadata.json -> /etc/passwd, is refused before anything is read through it);
 * - and it carries a signed manifest (`manifest.json`, `manifest.sig`) that verifies with one of the
 *   operator's Ed25519 public keys and lists exactly the folder's files with their SHA-256: the model,
 *   its metadata with thresholds, assets and golden rows. The manifest names the model and version,
 *   so a signed version cannot be replayed under another folder (say, as the newest). Unless
 *   `allowUnsigned`: then a version without `manifest.sig` loads with a warning; one WITH a signature
 *   that does not verify is still refused (that is tampering, not an unsigned repository).
 *
 * Ed25519 through node:crypto: signing and verifying work offline, with no transparency log, OIDC
 * identity or network at load time (see the README's "Trusted models" for the comparison with Sigstore).
 */
import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, sep } from 'node:path';

export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig';
const FORMAT = 'threatpredict-model-manifest/1';
/** Larger manifests are refused unread (a version has a handful of files). */
const MAX_MANIFEST_BYTES = 64 * 1024;

export interface TrustedKey {
  /** First 16 hex digits of the SHA-256 of the key's SubjectPublicKeyInfo DER. */
  readonly id: string;
  readonly key: KeyObject;
  /** Where it was read from, for messages. */
  readonly source: string;
}

export interface ModelTrust {
  /** Keys a manifest may be signed with (several during a key rotation). */
  readonly keys: readonly TrustedKey[];
  /** Versions without a signature load (with a warning) instead of being refused. */
  readonly allowUnsigned: boolean;
}

export interface Manifest {
  format: string;
  model: string;
  version: number;
  /** File name -> SHA-256 hex of its bytes. */
  files: Record<string, string>;
  /** Id of the key that signed it (informative: every configured key is tried). */
  key_id: string;
  signed_at: string;
}

/** The outcome of a version that may load. */
export interface TrustResult {
  signed: boolean;
  keyId?: string | undefined;
}

export function keyId(key: KeyObject): string {
  const der =
    key.type === 'private'
      ? createPublicKey(key).export({ type: 'spki', format: 'der' })
      : key.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/** Reads an Ed25519 public key (PEM, SubjectPublicKeyInfo); refuses private keys and other algorithms. */
export function readPublicKey(path: string): TrustedKey {
  const text = readFileSync(path, 'utf8');
  if (/PRIVATE KEY/.test(text)) throw new Error(`${path} holds a private key; give the public key (.pub) instead`);
  let key: KeyObject;
  try {
    key = createPublicKey(text);
  } catch {
    throw new Error(`${path} is not a PEM public key`);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`${path} is an ${key.asymmetricKeyType} key; model signing keys are Ed25519`);
  return { id: keyId(key), key, source: path };
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The files of a version folder, checked without following anything out of `root` (the model
 * repository): name -> the path to read. Throws for a link that leaves the repository, a link that
 * dangles, and anything that is not a regular file (a FIFO would block the reader; a folder has no
 * place in a version).
 */
export function versionFiles(dir: string, root: string): Map<string, string> {
  const realRoot = realpathSync(root);
  const inside = (p: string) => p === realRoot || p.startsWith(realRoot + sep);
  const realDir = realpathSync(dir);
  if (!inside(realDir)) throw new Error(`the version folder resolves to ${realDir}, outside the model repository`);
  const out = new Map<string, string>();
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const link = lstatSync(path);
    let target = path;
    if (link.isSymbolicLink()) {
      try {
        target = realpathSync(path);
      } catch {
        throw new Error(`${name} is a symbolic link to nothing`);
      }
      // The target's name is not said: it is outside what the repository may show.
      if (!inside(target)) throw new Error(`${name} is a symbolic link that leaves the model repository`);
    }
    if (!statSync(target).isFile()) throw new Error(`${name} is not a regular file`);
    out.set(name, target);
  }
  return out;
}

/** The manifest of a version folder as it is now (every file but the manifest and its signature). */
export function buildManifest(dir: string, root: string, model: string, version: number, signer: string): Manifest {
  const files: Record<string, string> = {};
  for (const [name, path] of versionFiles(dir, root)) {
    if (name === MANIFEST_FILE || name === SIGNATURE_FILE) continue;
    files[name] = sha256(readFileSync(path));
  }
  return { format: FORMAT, model, version, files, key_id: signer, signed_at: new Date().toISOString() };
}

/** Writes manifest.json and manifest.sig (base64 Ed25519 over the manifest's exact bytes). */
export function signVersion(
  dir: string,
  root: string,
  model: string,
  version: number,
  privateKey: KeyObject,
): Manifest {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('model signing keys are Ed25519');
  const manifest = buildManifest(dir, root, model, version, keyId(privateKey));
  const bytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(dir, MANIFEST_FILE), bytes);
  writeFileSync(join(dir, SIGNATURE_FILE), `${sign(null, bytes, privateKey).toString('base64')}\n`);
  return manifest;
}

/**
 * Checks the version folder `dir` of `model`/`version` under the repository `root` against `trust`;
 * throws with the reason it may not load. Reads only files that passed the link check.
 */
export function checkVersion(
  dir: string,
  root: string,
  model: string,
  version: number,
  trust: ModelTrust,
): TrustResult {
  const files = versionFiles(dir, root);
  const sigPath = files.get(SIGNATURE_FILE);
  const manifestPath = files.get(MANIFEST_FILE);
  if (sigPath === undefined) {
    if (trust.allowUnsigned) return { signed: false };
    throw new Error(
      `unsigned: no ${SIGNATURE_FILE} (sign it with \`npm run models:sign -- ${join(basename(root), model, String(version))} --key KEY\`, or start with --allow-unsigned-models true)`,
    );
  }
  if (manifestPath === undefined) throw new Error(`${SIGNATURE_FILE} without ${MANIFEST_FILE}`);
  if (statSync(manifestPath).size > MAX_MANIFEST_BYTES) throw new Error(`${MANIFEST_FILE} is too large`);
  if (statSync(sigPath).size > 1024) throw new Error(`${SIGNATURE_FILE} is too large for an Ed25519 signature`);
  const bytes = readFileSync(manifestPath);
  const signature = Buffer.from(readFileSync(sigPath, 'utf8').trim(), 'base64');
  const key = trust.keys.find((k) => verify(null, bytes, k.key, signature));
  if (key === undefined) {
    const ids = trust.keys.map((k) => k.id).join(', ') || 'none';
    throw new Error(`the manifest signature does not verify with any configured key (trusted key ids: ${ids})`);
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
  } catch {
    throw new Error(`${MANIFEST_FILE} is not valid JSON`);
  }
  if (manifest.format !== FORMAT) throw new Error(`${MANIFEST_FILE} has format "${manifest.format}", not ${FORMAT}`);
  if (manifest.model !== model || manifest.version !== version)
    throw new Error(
      `the signed manifest is for ${manifest.model} version ${manifest.version}, not ${model} version ${version}`,
    );
  const listed = manifest.files ?? {};
  for (const [name, path] of files) {
    if (name === MANIFEST_FILE || name === SIGNATURE_FILE) continue;
    const want = listed[name];
    if (want === undefined) throw new Error(`${name} is not in the signed manifest`);
    if (sha256(readFileSync(path)) !== want)
      throw new Error(`${name} does not match the signed manifest (its SHA-256 differs)`);
  }
  for (const name of Object.keys(listed))
    if (!files.has(name)) throw new Error(`${name} is in the signed manifest but missing`);
  return { signed: true, keyId: key.id };
}
