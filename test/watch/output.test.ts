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
  // The codec's answers say their reasons are plain {code, message, weight} objects (written directly).
  plainReasons: fc.boolean(),
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

/** A result or the error thrown: an out-of-range numeric ts throws in the old writer's toISOString. */
function outcome(f: () => string): string {
  try {
    return f();
  } catch (err) {
    return `throws ${(err as Error).message}`;
  }
}

test('watch output: an EVE alert for a record whose numeric ts is no date is stamped with the time of writing, not thrown', () => {
  const j: Joined = {
    record: { sensor: 'zeek', ts: 1e20, uid: 'C1', observations: [] },
    line: 7,
    observation: { field: 'query', value: 'bad.example', type: 'domain' },
    answer: {
      indicator: 'bad.example',
      type: 'domain',
      verdict: 'malicious',
      score: 0.99,
      model: 'domain/2',
      reasons: [],
      error: undefined,
    },
    deduplicated: false,
  };
  for (const ts of [1e20, -1e20, Number.NaN, Number.POSITIVE_INFINITY]) {
    const before = Date.now();
    const o = JSON.parse(alertLine({ ...j, record: { ...j.record, ts } }, 'conn.log')) as { timestamp: string };
    const at = Date.parse(o.timestamp.replace('+0000', 'Z'));
    assert.ok(at >= before - 1 && at <= Date.now() + 1, `ts ${ts} -> ${o.timestamp}`);
  }
  // An ordinary numeric ts keeps its own time.
  const o = JSON.parse(alertLine({ ...j, record: { ...j.record, ts: 1700000000.5 } }, undefined)) as {
    timestamp: string;
  };
  assert.equal(o.timestamp, '2023-11-14T22:13:20.500+0000');
});

test('watch output: EVE alert lines unchanged', () => {
  fc.assert(
    fc.property(
      // A record without ts is stamped with the time of writing: not comparable between two calls.
      joined.filter((j) => j.answer.verdict !== undefined && j.record.ts !== undefined),
      opt(text),
      (j, file) => {
        const expected = outcome(() => reference.alertLine(j, file));
        // Where the old writer threw on a ts that is no date, the new one stamps the time of writing (test above).
        if (expected.startsWith('throws ')) assert.doesNotThrow(() => JSON.parse(alertLine(j, file)));
        else assert.equal(alertLine(j, file), expected);
      },
    ),
    { numRuns: 3000 },
  );
});
