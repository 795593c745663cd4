/**
 * End to end, `watch --server` writes the bytes the old path gives: the reader, codec, window and
 * writer as they were before the per-record work was cut (verbatim copies in helpers/, the generated
 * protobuf decoder and answerOfPrediction), against a server whose answers depend only on the item.
 * The input mixes the bench's generated events with escapes, unicode, DNS answers, SMTP, fileinfo,
 * malformed lines and random mutations; `--recent` covers the whole file, so whether a value was
 * answered without asking depends only on whether it came before (not on timing).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { eveLine } from '../../src/bench/watch-ratio';
import { answerOfPrediction } from '../../src/cli/watch-grpc';
import { IndicatorType, ResultView } from '../../src/gen/threatpredict/v1/prediction';
import { StreamPredictResponse } from '../../src/gen/threatpredict/v1/prediction_service';
import { seededRandom } from '../../src/seeded-random';
import type { SensorRecord, WatchType } from '../../src/watch/record';
import { readEveLine as referenceRead } from './helpers/eve-reference';
import { fakePrediction, startFakeServer } from './helpers/fake-server';
import { answerLine as referenceLine } from './helpers/output-reference';
import { runWatch } from './helpers/run-watch';

const TYPES: Record<WatchType, IndicatorType> = {
  domain: IndicatorType.INDICATOR_TYPE_DOMAIN,
  url: IndicatorType.INDICATOR_TYPE_URL,
  ip: IndicatorType.INDICATOR_TYPE_IP,
  email_address: IndicatorType.INDICATOR_TYPE_EMAIL_ADDRESS,
  file_hash: IndicatorType.INDICATOR_TYPE_FILE_HASH,
};

const EXTRA = [
  '{"event_type":"dns","dns":{"rrname":"caf\\u00e9.example","rrtype":"A"},"src_ip":"10.0.0.1","dest_ip":"192.0.2.53"}',
  '{"event_type":"dns","dns":{"rrname":"é.example"},"src_ip":"2001:db8::1","flow_id":18446744073709551615}',
  '{"event_type":"http","http":{"hostname":"h.example","url":"/a\\"b\\\\c\\/d","http_port":8080},"timestamp":"t\\u0031"}',
  '{"event_type":"dns","dns":{"version":3,"type":"request","queries":[{"rrname":"c.example"}],"answers":[{"rrname":"c.example","rdata":"192.0.2.9"}]}}',
  '{"event_type":"smtp","smtp":{"helo":"mx.bad.example","mail_from":"<a@bad.example>","rcpt_to":["<b@corp.example>"]},"email":{"from":"\\"A\\" <a@bad.example>","to":["B <b@corp.example>","c@corp.example"]}}',
  '{"event_type":"fileinfo","fileinfo":{"md5":"d41d8cd98f00b204e9800998ecf8427e"},"http":{"hostname":"f.example","url":"/f"}}',
  '{"timestamp":1700000000.5,"event_type":"flow","src_ip":"192.0.2.1"}',
  '{"event_type":"tls","tls":{"sni":"😀.example"},"dest_ip":"198.51.100.4"}',
  '{"event_type":"tls","tls":{"sni":"s.example","sni":"t.example"}}',
  'plain.example',
  '',
  '[1,2]',
  '{"a":1}',
  '{"event_type":"tls"',
  '\ufeff{"event_type":"flow"}',
];

function input(): string[] {
  const r = seededRandom(5);
  const lines: string[] = [];
  const alphabet = ['"', '\\', '{', '}', ',', ':', ' ', '0', '-', 'é', '\\u00e9'];
  for (let i = 0; i < 4000; i++) {
    let s = i % 7 === 0 ? (EXTRA[i % EXTRA.length] as string) : eveLine(i * 11, r);
    if (i % 5 === 0) {
      const at = Math.floor(r() * (s.length + 1));
      s = s.slice(0, at) + (alphabet[Math.floor(r() * alphabet.length)] as string) + s.slice(at + (r() < 0.5 ? 1 : 0));
    }
    lines.push(s);
  }
  return lines;
}

let server: Awaited<ReturnType<typeof startFakeServer>>;
let dir: string;
before(async () => {
  server = await startFakeServer();
  dir = mkdtempSync(join(tmpdir(), 'watch-equal-'));
});
after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('watch --server: the same output bytes as the old reader, codec and writer', async () => {
  const lines = input();
  const file = join(dir, 'eve.json');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const run = await runWatch([
    file,
    '--server',
    server.addr,
    '--format',
    'eve',
    '--min-verdict',
    'all',
    '--recent',
    '100000',
    '--batch',
    '97',
  ]);
  assert.equal(run.code, 0, run.stderr);

  const seen = new Set<string>();
  const expected: string[] = [];
  let records = 0;
  lines.forEach((text, i) => {
    const rec = referenceRead(text);
    if (rec === undefined || 'malformed' in rec) return;
    records++;
    for (const observation of (rec as SensorRecord).observations) {
      const key = `${observation.type}\0${observation.value}`;
      const deduplicated = seen.has(key);
      seen.add(key);
      const type = observation.type === undefined ? IndicatorType.INDICATOR_TYPE_UNSPECIFIED : TYPES[observation.type];
      const wire = StreamPredictResponse.encode({
        results: [fakePrediction('0', observation.value, type, ResultView.RESULT_VIEW_FULL)],
      }).finish();
      const answer = answerOfPrediction(StreamPredictResponse.decode(wire).results[0]!);
      expected.push(
        referenceLine({ record: rec as SensorRecord, line: i + 1, observation, answer, deduplicated }, file),
      );
    }
  });
  assert.ok(records > 3000 && expected.length > 8000, `${records} records, ${expected.length} answers`);
  assert.ok(run.stderr.includes('not JSON'), 'malformed lines were in the input');
  assert.equal(run.raw.length, expected.length);
  for (let i = 0; i < expected.length; i++) assert.equal(run.raw[i], expected[i], `answer line ${i + 1}`);
});
