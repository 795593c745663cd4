/**
 * Signs model versions: writes manifest.json (every file of the version with its SHA-256, the model
 * name and version) and manifest.sig (Ed25519) into each version folder, so a server configured with
 * the matching public key (--model-signing-key) loads it. Sign only what you have checked: the
 * signature says "this key's owner vouches for these exact files", thresholds included.
 *
 *   npm run models:sign -- models/domain/2 --key ~/keys/models.key     # one version
 *   npm run models:sign -- models --key ~/keys/models.key              # every version of every model
 *   npm run models:keygen -- ~/keys/models                            # writes models.key (0600) and models.pub
 *   npm run models:sign -- --verify models --public keys/threatpredict-models.pub   # checks as the server would
 *
 * The private key may also come from THREATPREDICT_MODEL_SIGNING_PRIVATE_KEY (a file path).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkVersion, keyId, readPublicKey, signVersion } from '../src/scoring/model-trust';

/** Version folders under `path`: itself, its numbered subfolders (a model), or theirs (a repository). */
export function versionDirs(path: string): string[] {
  const abs = resolve(path);
  if (existsSync(join(abs, 'metadata.json'))) return [abs];
  const subdirs = readdirSync(abs)
    .map((d) => join(abs, d))
    .filter((d) => statSync(d).isDirectory());
  const versions = subdirs.filter((d) => /^[1-9][0-9]*$/.test(basename(d)));
  if (versions.length > 0) return versions.filter((d) => existsSync(join(d, 'metadata.json')));
  return subdirs.flatMap((d) =>
    readdirSync(d)
      .filter((v) => /^[1-9][0-9]*$/.test(v) && existsSync(join(d, v, 'metadata.json')))
      .map((v) => join(d, v)),
  );
}

function keygen(prefix: string): void {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  if (existsSync(`${prefix}.key`)) throw new Error(`${prefix}.key exists; not overwriting a key`);
  writeFileSync(`${prefix}.key`, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(`${prefix}.pub`, publicKey.export({ type: 'spki', format: 'pem' }));
  process.stdout.write(`wrote ${prefix}.key (keep it secret) and ${prefix}.pub (key id ${keyId(publicKey)})\n`);
}

function main(argv: string[]): void {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      key: { type: 'string' },
      keygen: { type: 'boolean', default: false },
      verify: { type: 'boolean', default: false },
      public: { type: 'string' },
    },
    allowPositionals: true,
  });
  if (values.keygen) {
    if (positionals.length !== 1) throw new Error('usage: models-sign.ts --keygen PATH_PREFIX');
    keygen(resolve(positionals[0] as string));
    return;
  }
  if (values.verify) {
    if (values.public === undefined || positionals.length === 0)
      throw new Error('usage: models-sign.ts --verify VERSION_DIR|MODEL_DIR|REPOSITORY... --public PUBLIC_KEY.pem');
    const trust = { keys: values.public.split(',').map((p) => readPublicKey(p)), allowUnsigned: false };
    for (const dir of positionals.flatMap(versionDirs)) {
      const r = checkVersion(dir, dirname(dirname(dir)), basename(dirname(dir)), Number(basename(dir)), trust);
      process.stdout.write(`verified ${basename(dirname(dir))} ${basename(dir)} (key ${r.keyId})\n`);
    }
    return;
  }
  const keyFile = values.key ?? process.env.THREATPREDICT_MODEL_SIGNING_PRIVATE_KEY;
  if (keyFile === undefined || positionals.length === 0)
    throw new Error('usage: models-sign.ts VERSION_DIR|MODEL_DIR|REPOSITORY... --key PRIVATE_KEY.pem');
  const privateKey = createPrivateKey(readFileSync(keyFile, 'utf8'));
  const publicKey = createPublicKey(privateKey);
  const trust = { keys: [{ id: keyId(publicKey), key: publicKey, source: keyFile }], allowUnsigned: false };
  for (const path of positionals) {
    const dirs = versionDirs(path);
    if (dirs.length === 0) throw new Error(`no model version folders (with metadata.json) under ${path}`);
    for (const dir of dirs) {
      const model = basename(dirname(dir));
      const version = Number(basename(dir));
      const root = dirname(dirname(dir));
      const manifest = signVersion(dir, root, model, version, privateKey);
      // What a server with the public key will check, checked now.
      checkVersion(dir, root, model, version, trust);
      process.stdout.write(
        `signed ${model} ${version} (${Object.keys(manifest.files).length} files) with key ${manifest.key_id}\n`,
      );
    }
  }
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`models-sign: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
