/**
 * What every language's client must get back from the real server: each test under test/clients/
 * runs its language's contract program (the same four calls), which prints one JSON document, and
 * checks it here, so the four languages are held to one contract.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

export const run = promisify(execFile);

const PROVISION = join(__dirname, '..', '..', 'scripts', 'provision-clients.sh');

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, cmd)));
}

/** Fails (never skips) when a toolchain is missing, saying how to get it. */
export function requireTool(cmd: string, how: string): void {
  assert.ok(onPath(cmd), `${cmd} is not on PATH: ${how}. The client tests need every toolchain (README "Clients").`);
}

/**
 * The Debian toolchains of the C++ and Ruby clients: installed by scripts/provision-clients.sh when
 * missing and the test runs as root (as on CI and the project's machines), so `npm ci && npm test`
 * passes on a fresh one; otherwise the test fails and says to run that script.
 */
export async function provisionDebianTools(tools: string[]): Promise<void> {
  if (tools.every(onPath)) return;
  if (process.getuid?.() === 0 && onPath('apt-get')) {
    await run('bash', [PROVISION], { maxBuffer: 64 << 20, timeout: 15 * 60_000 });
  }
  for (const tool of tools) {
    requireTool(tool, 'run `sudo bash scripts/provision-clients.sh` (Debian packages)');
  }
}

/** A raw message with a lookalike sender, an Authentication-Results header and a link. */
export const RAW_EMAIL = [
  'Authentication-Results: mx.example.org; spf=fail smtp.mailfrom=paypa1-secure.xyz; dkim=none',
  'From: "PayPal Service" <service@paypa1-secure.xyz>',
  'To: bob@example.org',
  'Subject: Your account is limited',
  'Date: Mon, 1 Jun 2026 10:00:00 +0000',
  'Message-ID: <1@paypa1-secure.xyz>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Confirm your details at http://paypal-login-secure.xyz/signin today.',
  '',
].join('\r\n');

/** Writes RAW_EMAIL to a scratch file and returns its path (the contract programs read it). */
export function emailFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'tp-mail-')), 'mail.eml');
  writeFileSync(path, RAW_EMAIL);
  return path;
}

interface Item {
  id: string;
  type: string;
  has_score: boolean;
  reason: string;
}

export interface ContractReport {
  unary: Item[];
  stream: string[][];
  generic: Item[];
  email: {
    id: string;
    has_score: boolean;
    from: string;
    subject: string;
    auth_methods: string[];
    indicators: string[];
  };
  max_batch_items: number;
  error_reason_enum: string;
}

export function checkContract(out: ContractReport, maxBatchItems: number): void {
  // Unary with a bad item among good ones: one result per item, in order, the bad one with its reason.
  assert.deepEqual(
    out.unary.map((r) => [r.id, r.has_score, r.reason]),
    [
      ['a', true, ''],
      ['b', false, 'INVALID_DOMAIN'],
      ['c', true, ''],
    ],
  );
  // A stream of four batches: one response per request, in order, each in its request's order.
  assert.deepEqual(
    out.stream,
    Array.from({ length: 4 }, (_, n) => Array.from({ length: 25 }, (_, i) => `${n}:${i}`)),
  );
  // Predict with mixed types: each detected, or said to be unknown.
  assert.deepEqual(
    out.generic.map((r) => [r.id, r.type, r.has_score, r.reason]),
    [
      ['domain', 'INDICATOR_TYPE_DOMAIN', true, ''],
      ['url', 'INDICATOR_TYPE_URL', true, ''],
      ['ip', 'INDICATOR_TYPE_IP', true, ''],
      ['address', 'INDICATOR_TYPE_EMAIL_ADDRESS', true, ''],
      ['hash', 'INDICATOR_TYPE_FILE_HASH', false, 'INDICATOR_TYPE_UNSUPPORTED'],
      ['unknown', 'INDICATOR_TYPE_UNSPECIFIED', false, 'INDICATOR_TYPE_UNKNOWN'],
    ],
  );
  // PredictEmails with a raw message, read through the fields whose names clash (`from`, `method`).
  assert.equal(out.email.id, 'mail');
  assert.equal(out.email.has_score, true);
  assert.equal(out.email.from, 'service@paypa1-secure.xyz');
  assert.equal(out.email.subject, 'Your account is limited');
  assert.deepEqual([...out.email.auth_methods].sort(), ['dkim', 'spf']);
  assert.ok(
    out.email.indicators.some((i) => i.includes('paypal-login-secure.xyz')),
    `the link is among the indicators: ${out.email.indicators.join(', ')}`,
  );
  // The batch limit, discovered through the API; the error reasons as generated constants.
  assert.equal(out.max_batch_items, maxBatchItems);
  assert.equal(out.error_reason_enum, 'INDICATOR_TYPE_UNKNOWN');
}

/** Each client's example program (the README's code, runnable) must work too: same output shape. */
export function checkExampleOutput(stdout: string, maxBatchItems: number): void {
  assert.match(stdout, new RegExp(`^batches of at most ${maxBatchItems} items$`, 'm'));
  assert.match(stdout, /^1: paypal-login-secure\.xyz VERDICT_\w+ score=/m);
  assert.match(stdout, /^3: not an indicator: /m);
  assert.match(stdout, /^login-paypal\.example\.net: VERDICT_\w+$/m);
}
