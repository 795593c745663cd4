/**
 * Answer lines built as text must be the bytes the JSON.stringify writer gave (the verbatim copy in
 * helpers/output-reference.ts), for every kind of record and answer: Suricata and Zeek records with
 * and without each key, unicode and characters JSON must escape, lone surrogates, scores that round,
 * errors with and without a reason, never-alert answers, repeats.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Answer } from '../../src/watch/answer';
import { alertLine, answerLine, type Joined } from '../../src/watch/output';
import type { SensorRecord } from '../../src/watch/record';
import * as reference from './helpers/output-reference';

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', 'a.example', '"quoted"\\back\nline\u2028\u0000', '\ud800x', 'é.example'),
);
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const record: fc.Arbitrary<SensorRecord> = fc.record({
  sensor: fc.constantFrom<SensorRecord['sensor']>('suricata', 'zeek', 'plain'),
  kind: opt(text),
  ts: opt(fc.oneof(text, fc.double(), fc.integer())),
  flowId: opt(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String)),
  uid: opt(text),
  srcIp: opt(text),
  destIp: opt(text),
  observations: fc.constant([]),
});

const answer: fc.Arbitrary<Answer> = fc.record({
  indicator: text,
  type: opt(fc.oneof(fc.constantFrom('domain', 'url', 'ip', 'email_address', 'file_hash'), text)),
  verdict: opt(fc.constantFrom<'benign' | 'suspicious' | 'malicious'>('benign', 'suspicious', 'malicious')),
  score: opt(fc.oneof(fc.double(), fc.float({ min: 0, max: 1 }).map(Math.fround))),
  model: opt(text),
  reasons: fc.array(
    fc.record({
      code: fc.oneof(fc.constantFrom('NOT_GLOBALLY_ROUTABLE', 'ALLOW_LISTED', 'MODEL_SCORE'), text),
      message: text,
      weight: fc.float().map(Math.fround),
    }),
    { maxLength: 3 },
  ),
  error: opt(fc.record({ code: fc.integer(), reason: opt(text), message: text })),
});

const joined: fc.Arbitrary<Joined> = fc.record({
  record,
  line: fc.nat(),
  observation: fc.record({ field: text, value: text, type: opt(fc.constantFrom('domain' as const, 'ip' as const)) }),
  answer,
  deduplicated: fc.boolean(),
});

test('watch output: answer lines are the JSON.stringify writer bytes', () => {
  fc.assert(
    fc.property(joined, opt(text), (j, file) => {
      assert.equal(answerLine(j, file), reference.answerLine(j, file));
    }),
    { numRuns: 20_000 },
  );
});

/** A result or the error thrown: an out-of-range numeric ts throws in toISOString, in both writers. */
function outcome(f: () => string): string {
  try {
    return f();
  } catch (err) {
    return `throws ${(err as Error).message}`;
  }
}

test('watch output: EVE alert lines unchanged', () => {
  fc.assert(
    fc.property(
      // A record without ts is stamped with the time of writing: not comparable between two calls.
      joined.filter((j) => j.answer.verdict !== undefined && j.record.ts !== undefined),
      opt(text),
      (j, file) => {
        assert.equal(
          outcome(() => alertLine(j, file)),
          outcome(() => reference.alertLine(j, file)),
        );
      },
    ),
    { numRuns: 3000 },
  );
});
