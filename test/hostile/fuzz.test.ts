/**
 * Property-based fuzzing (fast-check) of everything that reads untrusted bytes: the domain, URL and IP
 * parsers, the MIME parser and the request decoders. Each property must hold for every input: no
 * throw, an answer within a time bound (a hang fails), an error from the catalogue when the input is
 * refused, and the parsers' own invariants (a normalised value parses to itself). The seeds are the
 * cases the probe of issue 15 found. Runs are time-boxed: the whole file takes well under a minute.
 * A failure prints the shrunk counterexample and the seed to replay it (fc.assert's report).
 *
 * CI runs a fixed seed, so a red run is reproducible and no commit turns it red by chance; to search
 * further, `npm run fuzz` runs 20 times as many inputs from a new seed (FUZZ_SEED=random, FUZZ_SCALE).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ERROR_CATALOGUE } from '../../src/errors';
import { PredictionServiceService } from '../../src/gen/threatpredict/v1/prediction_service';
import { parseDomain } from '../../src/indicators/domain/parse';
import { parseEmail } from '../../src/indicators/email/parse-email';
import { parseIp } from '../../src/indicators/ip/parse';
import { canonicalizeUrl } from '../../src/indicators/url/canonicalize';
import { BATCH_REQUEST_FIELDS, MalformedRequest, withCheckedRequests } from '../../src/server/malformed';
import { withRawBatchRequests } from '../../src/server/raw-batch';

const SEED = process.env.FUZZ_SEED === 'random' ? Date.now() : Number(process.env.FUZZ_SEED ?? 20261206);
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const runs = (n: number) => ({ seed: SEED, numRuns: Math.ceil(n * SCALE) });

/** Slowest a single parse of a short value may take before it counts as a hang. */
const HANG_MS = 1000;

function timed<T>(f: () => T): T {
  const started = performance.now();
  const out = f();
  const ms = performance.now() - started;
  assert.ok(ms < HANG_MS, `took ${ms.toFixed(0)} ms`);
  return out;
}

const refusedWell = (r: { ok: boolean; error?: { reason: string } }) =>
  r.ok || (r.error !== undefined && r.error.reason in ERROR_CATALOGUE);

/** Strings as sensors and attackers send them: printable, full Unicode, and indicator-shaped. */
const text = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 120 }),
  fc.string({ unit: fc.constantFrom(...'abcxyz019.-_:/[]%@?#0x'.split('')), maxLength: 80 }),
  fc.domain(),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.ipV4(),
  fc.ipV6(),
  fc.ipV4Extended(),
);

const SEEDS = [
  '017.0.0.1',
  'http://017.0.0.1/',
  'http://localhost/',
  '???',
  'hello world',
  `${'a'.repeat(64)}.com`,
  'a.'.repeat(130),
  'xn--.com',
  'http://[::1]:99999/',
  '0x7f.1',
  '1.2.3.4:443',
  'hxxp://evil[.]com',
];

describe('fuzz: parsers never throw, hang or refuse outside the catalogue', () => {
  it('parseDomain, and a normalised name parses to itself', () => {
    fc.assert(
      fc.property(text, (s) => {
        const r = timed(() => parseDomain(s));
        assert.ok(refusedWell(r));
        if (r.ok) {
          const again = parseDomain(r.value.ascii);
          assert.ok(again.ok && again.value.ascii === r.value.ascii, `${r.value.ascii} re-parses to itself`);
        }
      }),
      { ...runs(3000), examples: SEEDS.map((s) => [s]) },
    );
  });

  it('canonicalizeUrl, and a canonical URL canonicalises to itself', () => {
    fc.assert(
      fc.property(text, (s) => {
        const r = timed(() => canonicalizeUrl(s));
        assert.ok(refusedWell(r));
        if (r.ok) {
          const again = canonicalizeUrl(r.value.url);
          assert.ok(again.ok && again.value.url === r.value.url, `${r.value.url} is a fixed point`);
        }
      }),
      { ...runs(3000), examples: SEEDS.map((s) => [s]) },
    );
  });

  it('parseIp, and a normalised address parses to itself', () => {
    fc.assert(
      fc.property(text, (s) => {
        const r = timed(() => parseIp(s));
        assert.ok(refusedWell(r));
        if (r.ok) {
          const shown = r.value.prefixLength > 0 ? `${r.value.address}/${r.value.prefixLength}` : r.value.address;
          const again = parseIp(shown);
          assert.ok(again.ok && again.value.address === r.value.address, `${shown} re-parses to itself`);
        }
      }),
      { ...runs(3000), examples: SEEDS.map((s) => [s]) },
    );
  });
});

describe('fuzz: request decoders', () => {
  const service = withCheckedRequests(
    withRawBatchRequests(PredictionServiceService, ['predictDomains', 'streamPredictDomains']),
    Object.fromEntries(Object.keys(PredictionServiceService).map((n) => [n, BATCH_REQUEST_FIELDS])),
  );
  const decoders = Object.values(service).map((m) => m.requestDeserialize);
  const valid = Buffer.from([0x0a, 0x10, 0x0a, 0x01, 0x31, 0x12, 0x0b, ...Buffer.from('example.org'), 0x10, 0x02]);

  it('decode any bytes to a request or a MalformedRequest, never a throw', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 512 }),
      // Valid requests with bytes flipped, cut or appended: closer to the decoders' edge cases.
      fc
        .tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(valid.length))
        .map(([at, b, cut]) => {
          const m = Buffer.from(valid);
          m[at] = b;
          return m.subarray(0, Math.max(cut, at + 1));
        }),
    );
    fc.assert(
      fc.property(bytes, (b) => {
        for (const decode of decoders) {
          const req = timed(() => decode(Buffer.from(b))) as { items?: unknown[] } | MalformedRequest;
          assert.ok(req instanceof MalformedRequest || Array.isArray(req.items));
        }
      }),
      runs(2000),
    );
  });
});

describe('fuzz: MIME parser', () => {
  const fixtures = ['html-phish.eml', 'attachments.eml', 'nested.eml', 'alternative.eml'].map((f) =>
    readFileSync(join(__dirname, '../fixtures/email', f)),
  );
  const MIME_BITS = [
    '\r\n',
    '\r\n\r\n',
    '--',
    'Content-Type: multipart/mixed; boundary="x"\r\n',
    '=?utf-8?b?',
    '<a href="',
  ];

  it('parses mutated real messages to a result or a catalogued error, in bounded time', async () => {
    const mutated = fc
      .tuple(
        fc.nat(fixtures.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...MIME_BITS), fc.string({ maxLength: 20 }))), {
          maxLength: 8,
        }),
        fc.option(fc.nat()),
      )
      .map(([f, edits, cut]) => {
        let m = fixtures[f]!.toString('latin1');
        for (const [at, insert] of edits) {
          const i = at % (m.length + 1);
          m = m.slice(0, i) + insert + m.slice(i);
        }
        if (cut !== null) m = m.slice(0, cut % (m.length + 1));
        return Buffer.from(m, 'latin1');
      });
    await fc.assert(
      fc.asyncProperty(mutated, async (raw) => {
        const started = performance.now();
        const r = await parseEmail(raw);
        assert.ok(performance.now() - started < 5000, 'a parse of a small message ends within 5 s');
        assert.ok(refusedWell(r));
        if (r.ok) assert.ok(r.value.messages.length >= 1 && r.value.indicators.length <= 2000);
      }),
      runs(150),
    );
  });
});
