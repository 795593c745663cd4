/** Tokens and their identities-file lines for the tests. */
import { randomBytes } from 'node:crypto';
import { hashToken } from '../../src/server/security/tokens';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** An identities line for `token`. */
export function tokenLine(name: string, token: string, scopes: string, extra = ''): string {
  return `token ${name} sha256:${hashToken(token)} ${scopes} ${extra}`.trim();
}
