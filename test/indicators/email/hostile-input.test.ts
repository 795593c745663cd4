/**
 * Property test: random bytes and mutated fixtures never make parseEmail throw, hang, or return a
 * malformed result. Seeded, so a failure reproduces; bounded to a few hundred inputs (seconds).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseEmail } from '../../../src/indicators/email/parse-email';
import { seededRandom } from '../../../src/seeded-random';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'email');
const fixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.eml'))
  .map((f) => readFileSync(join(FIXTURES, f)));

function nestingBomb(levels: number): Buffer {
  let inner = 'From: a@bomb.example.com\r\nSubject: level\r\n\r\ncore https://core.example.com/\r\n';
  for (let i = 0; i < levels; i++) {
    inner = `From: b${i}@bomb.example.com\r\nSubject: level ${i}\r\nContent-Type: multipart/mixed; boundary="B${i}"\r\n\r\n--B${i}\r\nContent-Type: message/rfc822\r\n\r\n${inner}\r\n--B${i}--\r\n`;
  }
  return Buffer.from(inner);
}

function mutate(random: () => number, source: Buffer): Buffer {
  const pick = (n: number): number => Math.floor(random() * n);
  switch (pick(6)) {
    case 0:
      return source.subarray(0, pick(source.length));
    case 1: {
      const copy = Buffer.from(source);
      for (let i = pick(20) + 1; i > 0; i--) copy[pick(copy.length)] = pick(256);
      return copy;
    }
    case 2: {
      const text = source.toString('latin1');
      const boundary = /\r\n--[A-Z0-9]+\r\n/.exec(text)?.[0] ?? '\r\n--X\r\n';
      const at = pick(text.length);
      return Buffer.from(text.slice(0, at) + boundary.repeat(pick(200) + 1) + text.slice(at), 'latin1');
    }
    case 3:
      return Buffer.concat([Buffer.from(`X-Long: ${'a'.repeat(pick(300_000) + 1000)}\r\n`), source]);
    case 4: {
      const start = pick(source.length);
      const slice = source.subarray(start, start + pick(500));
      return Buffer.concat([source.subarray(0, start), slice, slice, slice, source.subarray(start)]);
    }
    default: {
      const bytes = Buffer.alloc(pick(4096));
      for (let i = 0; i < bytes.length; i++) bytes[i] = pick(256);
      return bytes;
    }
  }
}

async function assertWellFormed(raw: Buffer, label: string): Promise<void> {
  const started = performance.now();
  const result = await parseEmail(raw);
  const elapsed = performance.now() - started;
  assert.ok(elapsed < 3000, `${label}: took ${elapsed.toFixed(0)} ms`);
  if (!result.ok) {
    assert.ok(
      ['INVALID_EMAIL_MESSAGE', 'EMAIL_TOO_LARGE'].includes(result.error.reason),
      `${label}: ${result.error.reason}`,
    );
    return;
  }
  const email = result.value;
  assert.ok(email.messages.length >= 1, label);
  assert.equal(email.messages[0]?.depth, 0, label);
  for (const indicator of email.indicators) {
    assert.ok(indicator.value.length > 0 && indicator.foundIn.length > 0, `${label}: empty indicator`);
  }
  for (const attachment of email.attachments) assert.match(attachment.sha256, /^[0-9a-f]{64}$/);
}

describe('hostile input', () => {
  it('300 random and mutated messages: no throw, no hang, well-formed results', async () => {
    const random = seededRandom(20240701); // every run sees the same inputs
    for (let i = 0; i < 300; i++) {
      const source = fixtures[i % fixtures.length] as Buffer;
      await assertWellFormed(mutate(random, source), `input ${i}`);
    }
  });

  it('a 60-level message/rfc822 nesting bomb parses to the depth limit', async () => {
    const result = await parseEmail(nestingBomb(60));
    assert.ok(result.ok);
    assert.deepEqual(
      result.value.messages.map((m) => m.depth),
      [0, 1, 2, 3, 4, 5],
    );
    assert.equal(result.value.facts.depthLimitHits, 1);
  });

  it('a header block over mailparser maxHeadSize is read from its start as plain text, not refused', async () => {
    const raw = Buffer.from(`From: a@example.com\r\nX-Huge: ${'b'.repeat(2 * 1024 * 1024)}\r\n\r\nbody`);
    const result = await parseEmail(raw);
    assert.ok(result.ok, result.ok ? '' : result.error.message);
    assert.match(result.value.facts.parseLimit ?? '', /Max header size/);
    assert.equal(result.value.messages[0]?.from?.address, 'a@example.com', 'the whole header lines before it are kept');
  });

  it('many parts up to mailparser maxChildNodes, and past it', async () => {
    const parts = (n: number): Buffer =>
      Buffer.from(
        `From: a@example.com\r\nContent-Type: multipart/mixed; boundary="P"\r\n\r\n${'--P\r\nContent-Type: text/plain\r\n\r\nx\r\n'.repeat(n)}--P--\r\n`,
      );
    assert.equal((await parseEmail(parts(500))).ok, true);
    const within = await parseEmail(parts(500));
    assert.ok(within.ok && within.value.facts.parseLimit === undefined);
    const over = await parseEmail(parts(1500));
    assert.ok(over.ok, 'past the limit the message is read as plain text');
    assert.match(over.value.facts.parseLimit ?? '', /Max allowed child nodes exceeded/);
  });
});

describe('cut messages', () => {
  it('a part cut off inside its header is an attachment of unknown type, not a crash (found by fuzzing)', async () => {
    const raw = Buffer.from(
      'From: a@example.com\r\nContent-Type: multipart/mixed; boundary="M"\r\n\r\n--M\r\nContent-Type: text/plain\r\n\r\nhi\r\n--M\r\nContent-Type:',
    );
    const result = await parseEmail(raw);
    assert.ok(result.ok, result.ok ? '' : result.error.message);
    assert.equal(result.value.messages[0]?.textBody.trim(), 'hi');
  });
});

describe('header floods', () => {
  it('keeps the first 100 Received hops of a message with 5,000', async () => {
    const hops =
      'Received: from a.example.com (a.example.com [192.0.2.1]) by b.example.com; Mon, 1 Jul 2024 10:00:00 +0000\r\n'.repeat(
        5_000,
      );
    const started = performance.now();
    const result = await parseEmail(Buffer.from(`${hops}From: x@example.com\r\nSubject: s\r\n\r\nbody`), {
      maxBytes: 5 * 1024 * 1024,
    });
    assert.ok(performance.now() - started < 5000);
    assert.ok(result.ok);
    assert.equal(result.value.messages[0]?.received.length, 100);
  });
});
