import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseEmail } from '../../../src/indicators/email/parse-email';
import { createParsePool, type ParsePool } from '../../../src/indicators/email/parse-pool';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'email');

/** About 20 MB of text with a URL every line: takes the worker well over a few milliseconds. */
function bigMessage(): Buffer {
  return Buffer.from(
    `From: a@example.com\r\nSubject: big\r\n\r\n${'see https://x.example.com/a and b.example.org\r\n'.repeat(400_000)}`,
  );
}

describe('createParsePool', () => {
  let pool: ParsePool;
  before(() => {
    pool = createParsePool({ size: 1, limits: { timeoutMs: 20_000 } });
  });
  after(async () => {
    await pool.close();
  });

  it('gives the same result as parsing in-process', async () => {
    const raw = readFileSync(join(FIXTURES, 'html-phish.eml'));
    const [pooled, direct] = await Promise.all([pool.parse(raw), parseEmail(raw)]);
    assert.ok(pooled.ok && direct.ok);
    assert.deepEqual(pooled.value, direct.value);
  });

  it('returns per-item errors from the worker with their reason and metadata', async () => {
    const result = await pool.parse(Buffer.from('no header here'));
    assert.equal(result.ok, false);
    if (!result.ok) assert.equal(result.error.reason, 'INVALID_EMAIL_MESSAGE');
  });

  it('refuses an oversized message before it reaches a worker', async () => {
    const result = await pool.parse(Buffer.alloc(100), { limits: { maxBytes: 10 } });
    assert.equal(result.ok, false);
    if (!result.ok)
      assert.deepEqual([result.error.reason, result.error.metadata], ['EMAIL_TOO_LARGE', { size: '100', max: '10' }]);
  });

  it('times out a slow parse, replaces the worker, and keeps serving', async () => {
    const slow = pool.parse(bigMessage(), { limits: { timeoutMs: 5 } });
    const next = pool.parse(readFileSync(join(FIXTURES, 'nested.eml')));
    const timedOut = await slow;
    assert.equal(timedOut.ok, false);
    if (!timedOut.ok) {
      assert.equal(timedOut.error.reason, 'EMAIL_PARSE_TIMEOUT');
      assert.deepEqual(timedOut.error.metadata, { timeout_ms: '5' });
    }
    const served = await next;
    assert.ok(served.ok);
    assert.equal(served.value.messages.length, 3);
  });

  it('reads a message made to outlast the time limit again as plain text, and keeps its start', async () => {
    // Issue #15 item 7: an attacker pads phishing so that parsing outlasts the limit, to escape scoring;
    // running out of time is one more parser limit. The worker here stalls on its first reading (as a
    // message built to be slow does) so the check holds on a machine of any speed.
    const stalling = createParsePool({
      size: 1,
      workerFile: join(__dirname, '../../helpers/stalling-parse-worker.ts'),
    });
    try {
      const raw = Buffer.from(
        'From: PayPal <service@paypa1-secure-login.com>\r\nSubject: verify\r\nMIME-Version: 1.0\r\n' +
          'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n' +
          'Sign in at https://paypa1-secure-login.com/webscr to restore it.\r\n--b--\r\n',
      );
      const result = await stalling.parse(raw, { limits: { timeoutMs: 300 } });
      assert.ok(result.ok, result.ok ? '' : result.error.message);
      assert.equal(result.value.facts.parseLimit, 'parsing the message took longer than 300 ms');
      assert.ok(result.value.warnings.some((w) => w.includes('read as plain text')));
      assert.ok(
        result.value.indicators.some((i) => i.value === 'paypa1-secure-login.com'),
        'the lure is still read',
      );
    } finally {
      await stalling.close();
    }
  });

  it('close() settles queued parses instead of leaving them pending', async () => {
    const closing = createParsePool({ size: 1 });
    const pending = closing.parse(readFileSync(join(FIXTURES, 'single-part.eml')));
    await closing.close();
    const result = await pending;
    assert.equal(result.ok, false);
    if (!result.ok) assert.equal(result.error.reason, 'INTERNAL');
  });
});
