/**
 * The identities file: who may call, with which scopes. Bearer tokens are stored only as their
 * SHA-256 (a leaked file or a `ps` listing gives nobody a token; tokens are random and long, so a
 * salted slow hash would add nothing but cost per call), and client certificates are named by their
 * subject CN or a SAN. One entry per line (`;` also separates entries, for an environment variable):
 *
 *   # kind  name       credential            scopes                    quota overrides (optional)
 *   token   sensor-eu  sha256:<64 hex>       predict                   items=50000
 *   cert    ops        cn=ops.example.com    models.read,models.admin  calls=10
 *
 * The file is polled and re-read when it changes; a version with an error is refused as a whole
 * (logged with its line) and the previous one stays in force, so a typo neither locks the fleet out
 * nor lets everyone in.
 */
import { createHash } from 'node:crypto';
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import type { PeerCertificate } from 'node:tls';
import type { Logger } from 'pino';
import { type QuotaOverrides, SCOPES, type Scope } from './identity';

export interface IdentityEntry {
  readonly name: string;
  readonly scopes: ReadonlySet<Scope>;
  readonly quota: QuotaOverrides;
}

export interface IdentityTable {
  /** sha256 hex of a token -> its entry. */
  readonly tokens: ReadonlyMap<string, IdentityEntry>;
  /** `cn=...`, `dns=...` or `uri=...` (lower-case key) -> its entry. */
  readonly certificates: ReadonlyMap<string, IdentityEntry>;
}

export class IdentitiesError extends Error {}

/** The hex SHA-256 of a token, as the identities file stores it. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function parseScopes(raw: string, where: string): Set<Scope> {
  const scopes = new Set<Scope>();
  for (const s of raw.split(',')) {
    if (!(SCOPES as readonly string[]).includes(s))
      throw new IdentitiesError(`${where}: unknown scope "${s}" (scopes are ${SCOPES.join(', ')})`);
    scopes.add(s as Scope);
  }
  return scopes;
}

function parseQuota(fields: string[], where: string): QuotaOverrides {
  const quota: QuotaOverrides = {};
  for (const f of fields) {
    const m = /^(calls|items)=(\d{1,10})$/.exec(f);
    if (m === null) throw new IdentitiesError(`${where}: "${f}" is not calls=N or items=N`);
    quota[m[1] as 'calls' | 'items'] = Number(m[2]);
  }
  return quota;
}

/** Parses the entries; `source` names the file (or variable) in errors. */
export function parseIdentities(text: string, source: string): IdentityTable {
  const tokens = new Map<string, IdentityEntry>();
  const certificates = new Map<string, IdentityEntry>();
  const names = new Set<string>();
  text.split(/[\n;]/).forEach((line, i) => {
    const fields = line.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    if (fields.length === 0) return;
    const where = `${source} entry ${i + 1}`;
    const [kind, name, credential, scopes, ...rest] = fields as [string, string, string, string, ...string[]];
    if (fields.length < 4)
      throw new IdentitiesError(`${where}: expected "KIND NAME CREDENTIAL SCOPES [calls=N] [items=N]"`);
    if (!/^[A-Za-z0-9._@:-]{1,128}$/.test(name)) throw new IdentitiesError(`${where}: "${name}" is not a valid name`);
    if (names.has(name)) throw new IdentitiesError(`${where}: the name "${name}" is used twice`);
    names.add(name);
    const entry: IdentityEntry = { name, scopes: parseScopes(scopes, where), quota: parseQuota(rest, where) };
    if (kind === 'token') {
      const m = /^sha256:([0-9a-fA-F]{64})$/.exec(credential);
      // The hash only: a plain token in this file would be a secret at rest.
      if (m === null) throw new IdentitiesError(`${where}: a token credential is sha256:<64 hex digits> of the token`);
      tokens.set((m[1] as string).toLowerCase(), entry);
    } else if (kind === 'cert') {
      const m = /^(cn|dns|uri)=(.+)$/i.exec(credential);
      if (m === null) throw new IdentitiesError(`${where}: a cert credential is cn=NAME, dns=NAME or uri=URI`);
      certificates.set(`${(m[1] as string).toLowerCase()}=${m[2]}`, entry);
    } else throw new IdentitiesError(`${where}: kind must be token or cert, got "${kind}"`);
  });
  return { tokens, certificates };
}

/** The names a verified client certificate answers to, most specific first: SAN URIs, SAN DNS names, then CN. */
export function certificateNames(cert: PeerCertificate): string[] {
  const out: string[] = [];
  for (const san of (cert.subjectaltname ?? '').split(/,\s*/)) {
    const m = /^(URI|DNS):(.+)$/.exec(san);
    if (m !== null) out.push(`${(m[1] as string).toLowerCase()}=${m[2]}`);
  }
  out.sort((a, b) => (a.startsWith('uri=') ? 0 : 1) - (b.startsWith('uri=') ? 0 : 1));
  const cn = cert.subject?.CN;
  if (typeof cn === 'string' && cn !== '') out.push(`cn=${cn}`);
  return out;
}

export interface IdentityStore {
  current(): IdentityTable;
  close(): void;
}

/** The table from a file (polled for changes) or inline text; undefined when neither is configured. */
export function createIdentityStore(opts: {
  file: string;
  inline: string;
  pollMs: number;
  logger: Logger;
}): IdentityStore | undefined {
  const { file, inline, logger } = opts;
  if (file === '' && inline === '') return undefined;
  if (file === '') {
    const table = parseIdentities(inline, 'inline auth entries');
    return { current: () => table, close: () => {} };
  }
  let text = readFileSync(file, 'utf8');
  let table = parseIdentities(text, file);
  logger.info({ file, tokens: table.tokens.size, certificates: table.certificates.size }, 'identities loaded');
  const onChange = () => {
    let next: string;
    try {
      next = readFileSync(file, 'utf8');
      if (next === text) return;
      table = parseIdentities(next, file);
      text = next;
      logger.info({ file, tokens: table.tokens.size, certificates: table.certificates.size }, 'identities reloaded');
    } catch (err) {
      logger.error(
        { file, err: (err as Error).message },
        'identities file changed but does not load; keeping the previous entries',
      );
    }
  };
  watchFile(file, { interval: opts.pollMs, persistent: false }, onChange);
  return { current: () => table, close: () => unwatchFile(file, onChange) };
}
