/**
 * The EVE reader's scan must give exactly what the JSON.parse reader gave before it (the verbatim copy
 * in helpers/eve-reference.ts): on the bench's generated events, on hand-written edge cases (escapes,
 * unicode, whitespace, repeated keys, odd flow ids and timestamps, DNS answers, SMTP, fileinfo), on
 * every prefix of real lines, on random mutations of them, and on random JSON objects. It also checks
 * the scan really answers for ordinary lines, so the comparison is not all fallback.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { eveLine } from '../../src/bench/watch-ratio';
import { seededRandom } from '../../src/seeded-random';
import { readEveBytes, readEveLine } from '../../src/watch/inputs/eve';
import { scanEve } from '../../src/watch/inputs/eve-scan';
import { readEveLine as reference } from './helpers/eve-reference';

function same(line: string): void {
  assert.deepEqual(readEveLine(line), reference(line), line);
}

const r = seededRandom(7);
const generated = Array.from({ length: 3000 }, (_, i) => eveLine(i * 37, r));

const EDGE = [
  '{"event_type":"dns","dns":{"rrname":"caf\\u00e9.example","rrtype":"A"},"src_ip":"10.0.0.1","dest_ip":"192.0.2.53"}',
  '{"event_type":"dns","dns":{"rrname":"é.example"},"src_ip":"2001:db8::1"}',
  '{"event_type":"dns","dns":{"rrname":"😀.example"}}',
  '{"event_type":"http","http":{"hostname":"h.example","url":"/a\\"b\\\\c\\/d\\n","http_port":8080}}',
  '{"event_type":"http","http":{"hostname":"h.example","url":"x","http_port":"8080"}}',
  '{"event_type":"http","http":{"hostname":"h.example","url":"/x","http_port":-0}}',
  '{"event_type":"http","http":{"hostname":"h.example","url":"/x","http_port":8.0e1}}',
  '{"event_type":"http","http":{"hostname":"2001:db8::5","url":"/"}}',
  '{"event_type":"http","http":{"url":"HTTP://proxy.example/p","http_refer":"HTTPS://r.example/"}}',
  '{"event_type":"http","http":{"hostname":"","url":""}}',
  '{"event_type":"http","http":[]}',
  '{"event_type":"tls","tls":{"sni":"s.example","sni":"t.example"}}',
  '{"event_type":"tls","event_type":"dns","tls":{"sni":"s.example"}}',
  '{"event_type":"tls","tls":{"sni":""},"src_ip":"","dest_ip":null}',
  ' {"event_type":"tls","tls":{"sni":"s.example"}} ',
  '{ "event_type" : "tls" , "tls" : { "sni" : "s.example" } }\t',
  '{"event_type":"tls","tls":{"sni":"s.example"}}x',
  '{"event_type":"tls","tls":{"sni":"s.example"},}',
  '{"event_type":"tls","tls":{"sni":"s.\texample"}}',
  '{"event_type":"tls","tls":{"sni":"s.example\\x"}}',
  '{"event_type":"tls","tls":{"sni":"s.example\\u12"}}',
  '{"event_\\u0074ype":"tls","tls":{"sni":"s.example"}}',
  '{"event_type":"","tls":{"sni":"s.example"}}',
  '{"event_type":5}',
  '{"timestamp":1700000000.5,"event_type":"flow","src_ip":"192.0.2.1"}',
  '{"timestamp":["x"],"event_type":"flow","src_ip":"192.0.2.1"}',
  '{"timestamp":"","event_type":"flow"}',
  '{"timestamp":"2024-03-01T10:00:00\\u002e000000+0000","event_type":"flow"}',
  '{"flow_id":-5,"event_type":"flow"}',
  '{"flow_id":1.5e3,"event_type":"flow"}',
  '{"flow_id":"123","event_type":"flow"}',
  '{"flow_id":01,"event_type":"flow"}',
  '{"flow_id":1.,"event_type":"flow"}',
  '{"flow_id":1e,"event_type":"flow"}',
  '{"flow_id":-,"event_type":"flow"}',
  '{"alert":{"flow_id":1},"flow_id":2,"event_type":"alert"}',
  '{"x\\"flow_id":3,"flow_id":4,"event_type":"alert"}',
  '{"flow_id":18446744073709551615,"event_type":"flow","src_ip":"198.51.100.1","dest_ip":"198.51.100.1"}',
  '{"event_type":"flow","a":true,"b":false,"c":null,"d":[1,[2,{"e":"f"}]],"g":{},"h":[]}',
  '{"event_type":"flow","a":tru}',
  '{"event_type":"flow","a":nul}',
  '{"event_type":"flow","a":[1 2]}',
  '{"event_type":"flow","a":{"b" 1}}',
  '{"event_type":"flow","a":{1:2}}',
  `{"event_type":"flow","deep":${'['.repeat(80)}${']'.repeat(80)}}`,
  `{"event_type":"flow","deep":${'['.repeat(30)}${']'.repeat(30)}}`,
  '{"event_type":"dns","dns":{"version":2,"type":"answer","rrname":"a.example","answers":[{"rrname":"a.example","rrtype":"CNAME","rdata":"b.example"},{"rrname":"b.example","rrtype":"A","rdata":"198.51.100.7"}],"grouped":{"A":["198.51.100.7"],"AAAA":["2001:db8::1"]}}}',
  '{"event_type":"dns","dns":{"version":3,"type":"request","queries":[{"rrname":"c.example"}],"answers":[{"rrname":"c.example","rdata":"192.0.2.9"}]}}',
  '{"event_type":"dns","dns":{"rrname":"a.example","rrname":"b.example"}}',
  '{"event_type":"fileinfo","fileinfo":{"md5":"d41d8cd98f00b204e9800998ecf8427e","sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},"http":{"hostname":"f.example","url":"/f"}}',
  '{"event_type":"smtp","smtp":{"helo":"mx.bad.example","mail_from":"<a@bad.example>","rcpt_to":["<b@corp.example>"]},"email":{"from":"\\"A\\" <a@bad.example>","to":["B <b@corp.example>","c@corp.example"]}}',
  '{"event_type":"smtp","email":{"cc":"x@y.example"}}',
  '{"event_type":"flow","__proto__":{"x":1},"src_ip":"192.0.2.1"}',
  '\ufeff{"event_type":"flow"}',
  '{"event_type":"flow"',
  '{}',
  '{"a":1}',
  '[1,2]',
  '',
  '   ',
  '{"event_type":"dns","dns":{"rrname":"a\u2028b.example"}}',
  '{"event_type":"dns","dns":{"rrname":"\ud800.example"}}',
];

test('eve scan: generated bench events read as before, and by the scan', () => {
  let scanned = 0;
  for (const line of generated) {
    same(line);
    if (scanEve(line) !== null) scanned++;
  }
  assert.equal(scanned, generated.length, 'every ordinary event is read by the scan, not by JSON.parse');
});

test('eve scan: escapes, unicode, whitespace, repeated keys, odd numbers, nested shapes, bad JSON', () => {
  for (const line of EDGE) same(line);
  assert.ok(scanEve(EDGE[0] as string) !== null, 'an escaped value is still read by the scan');
  assert.ok(scanEve(EDGE[1] as string) !== null);
});

test('eve scan: every prefix of real lines (truncated writes)', () => {
  for (const line of [...generated.slice(0, 12), ...EDGE.slice(0, 10), EDGE[46] as string, EDGE[49] as string])
    for (let i = 0; i <= line.length; i++) same(line.slice(0, i));
});

test('eve scan: random mutations of real lines', () => {
  const base = [...generated.slice(0, 40), ...EDGE];
  const alphabet = [
    '"',
    '\\',
    '{',
    '}',
    '[',
    ']',
    ',',
    ':',
    ' ',
    '0',
    '-',
    'e',
    '.',
    'u',
    'a',
    '\t',
    '\n',
    '\u0001',
    'é',
    '😀',
  ];
  fc.assert(
    fc.property(
      fc.constantFrom(...base),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), fc.constantFrom(...alphabet)), {
        minLength: 1,
        maxLength: 3,
      }),
      (line, edits) => {
        let s = line;
        for (const [at, op, ch] of edits) {
          const i = s.length === 0 ? 0 : at % s.length;
          s =
            op === 'insert'
              ? s.slice(0, i) + ch + s.slice(i)
              : s.slice(0, i) + (op === 'replace' ? ch : '') + s.slice(i + 1);
        }
        same(s);
      },
    ),
    { numRuns: 20_000 },
  );
});

test('eve scan: random JSON objects with the fields EVE events carry', () => {
  const scalar = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  );
  const strOr = fc.oneof(fc.string(), fc.constantFrom('a.example', '192.0.2.1', '', 'é.example'), scalar);
  const event = fc.record(
    {
      timestamp: strOr,
      flow_id: fc.oneof(
        fc.bigInt({ min: 0n, max: 2n ** 64n }).map((b) => ({ raw: b.toString() })),
        scalar,
      ),
      event_type: fc.oneof(fc.constantFrom('dns', 'http', 'tls', 'flow'), strOr),
      src_ip: strOr,
      dest_ip: strOr,
      dns: fc.oneof(fc.record({ rrname: strOr, rrtype: fc.string() }, { requiredKeys: [] }), scalar),
      http: fc.oneof(
        fc.record(
          { hostname: strOr, url: strOr, http_port: fc.oneof(fc.integer(), strOr), http_refer: strOr },
          { requiredKeys: [] },
        ),
        scalar,
      ),
      tls: fc.oneof(fc.record({ sni: strOr, version: fc.string() }, { requiredKeys: [] }), scalar),
      extra: fc.jsonValue(),
    },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(event, fc.boolean(), (e, spaced) => {
      // flow_id as raw digits (a 64-bit id), the rest as JSON.stringify writes it.
      const json = JSON.stringify(
        e,
        (_k, v) => (v !== null && typeof v === 'object' && 'raw' in v ? `@@${v.raw}@@` : v),
        spaced ? 1 : 0,
      );
      same(json.replace(/"@@(\d+)@@"/g, '$1'));
    }),
    { numRuns: 5000 },
  );
});

test('eve scan: lines read from the bytes of a whole chunk, neighbours and all, as from their text', () => {
  // The reader scans a line in place, in the chunk it was read in: the scan must stop at the line's
  // end even where the next line's bytes follow (every prefix of each line, too).
  const lines = [...generated.slice(0, 200), ...EDGE.filter((l) => !/\p{Cs}/u.test(l))];
  const chunk = Buffer.from(`${lines.join('\n')}\n`);
  let from = 0;
  let scanned = 0;
  for (const line of lines) {
    const to = from + Buffer.byteLength(line);
    const r = readEveBytes(chunk, from, to);
    if (r !== null) scanned++;
    assert.deepEqual(r ?? reference(line), reference(line), line);
    for (let cut = from; cut < to; cut += 7) {
      const prefix = chunk.toString('utf8', from, cut);
      assert.deepEqual(readEveBytes(chunk, from, cut) ?? reference(prefix), reference(prefix), prefix);
    }
    from = to + 1;
  }
  assert.ok(scanned >= 200, `the generated lines are read from the bytes (${scanned} were)`);
});
