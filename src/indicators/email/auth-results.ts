/**
 * Parses an Authentication-Results header (RFC 8601) into one verdict per method:
 *   `mx.example; spf=pass (sender ok) smtp.mailfrom=a@b.example; dkim=fail header.d=b.example`
 * One linear pass splits on `;` outside comments and quoted strings; each clause is `method=result`
 * followed by free text kept as `detail`.
 */
import type { AuthenticationResult } from './types';

const METHOD = /^[a-z][a-z0-9_.-]{0,31}(?:\/\d{1,3})?$/;
const RESULT = /^[a-z][a-z0-9_-]{0,31}$/;

function splitClauses(value: string): string[] {
  const clauses: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') i++;
    else if (quoted) quoted = c !== '"';
    else if (c === '"') quoted = true;
    else if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (c === ';' && depth === 0) {
      clauses.push(value.slice(start, i));
      start = i + 1;
    }
  }
  clauses.push(value.slice(start));
  return clauses;
}

/** `value` is the header value without the `Authentication-Results:` name. */
export function parseAuthenticationResults(value: string): AuthenticationResult[] {
  const results: AuthenticationResult[] = [];
  for (const raw of splitClauses(value.replace(/[\r\n\t]+/g, ' '))) {
    const clause = raw.trim();
    const eq = clause.indexOf('=');
    if (eq <= 0) continue;
    const method = clause.slice(0, eq).trim().toLowerCase();
    let end = eq + 1;
    while (end < clause.length && clause[end] !== ' ' && clause[end] !== '(') end++;
    const result = clause.slice(eq + 1, end).toLowerCase();
    if (!METHOD.test(method) || !RESULT.test(result)) continue;
    results.push({
      method: method.replace(/\/\d+$/, ''),
      result,
      detail: clause.slice(end).trim().replace(/ {2,}/g, ' '),
    });
  }
  return results;
}
