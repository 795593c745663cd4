/** EVE events -> observations: each protocol's fields, Suricata 7 and 8 DNS shapes, and bad lines. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readEveLine } from '../../src/watch/inputs/eve';
import { createLineReader } from '../../src/watch/inputs/reader';
import { isMalformed, type SensorRecord } from '../../src/watch/record';

const obs = (line: string) => (readEveLine(line) as SensorRecord).observations.map((o) => [o.field, o.value, o.type]);

test('eve: DNS v2 answers (detailed and grouped) and v3 queries', () => {
  assert.deepEqual(
    obs(
      '{"event_type":"dns","dns":{"version":2,"type":"answer","rrname":"a.example","answers":[{"rrname":"a.example","rrtype":"CNAME","rdata":"b.example"},{"rrname":"b.example","rrtype":"A","rdata":"198.51.100.7"},{"rrname":"b.example","rrtype":"TXT","rdata":"v=spf1 -all"}],"grouped":{"A":["198.51.100.7"],"AAAA":["2001:db8::1"]}}}',
    ),
    [
      ['dns.rrname', 'a.example', 'domain'],
      ['dns.answers.rdata', 'b.example', 'domain'],
      ['dns.answers.rdata', '198.51.100.7', 'ip'],
      ['dns.grouped.AAAA', '2001:db8::1', 'ip'],
    ],
  );
  assert.deepEqual(
    obs('{"event_type":"dns","dns":{"version":3,"type":"request","queries":[{"rrname":"c.example"}]}}'),
    [['dns.queries.rrname', 'c.example', 'domain']],
  );
});

test('eve: HTTP URL from hostname, Host port and path; an absolute (proxy) target is kept; referer', () => {
  assert.deepEqual(
    obs(
      '{"event_type":"http","dest_port":3128,"http":{"hostname":"h.example","http_port":8080,"url":"/x?y=1","http_refer":"https://r.example/"}}',
    ),
    [
      ['http.url', 'http://h.example:8080/x?y=1', 'url'],
      ['http.http_refer', 'https://r.example/', 'url'],
    ],
  );
  assert.deepEqual(obs('{"event_type":"http","http":{"hostname":"p.example","url":"http://p.example/a"}}'), [
    ['http.url', 'http://p.example/a', 'url'],
  ]);
});

test('eve: SMTP envelope and email headers as bare addresses, HELO as a name, once each', () => {
  assert.deepEqual(
    obs(
      '{"event_type":"smtp","smtp":{"helo":"mx.bad.example","mail_from":"<a@bad.example>","rcpt_to":["<b@corp.example>"]},"email":{"from":"\\"A\\" <a@bad.example>","to":["B <b@corp.example>","c@corp.example"]}}',
    ),
    [
      ['smtp.helo', 'mx.bad.example', 'domain'],
      ['smtp.mail_from', 'a@bad.example', 'email_address'],
      ['smtp.rcpt_to', 'b@corp.example', 'email_address'],
      ['email.to', 'c@corp.example', 'email_address'],
    ],
  );
});

test('eve: flow_id keeps all its digits', () => {
  const r = readEveLine('{"flow_id":1152921504606846977,"event_type":"flow","src_ip":"192.0.2.1"}') as SensorRecord;
  assert.equal(r.flowId, '1152921504606846977');
  assert.notEqual(String(JSON.parse('{"a":1152921504606846977}').a), r.flowId, 'a JSON number would round it');
});

test('eve: bad lines are malformed with a reason, blank lines nothing', () => {
  for (const [line, why] of [
    ['{"event_type":"dns",', /not JSON/],
    ['[1,2]', /not a JSON object/],
    ['{"timestamp":"x"}', /no event_type/],
  ] as const) {
    const r = readEveLine(line);
    assert.ok(isMalformed(r), line);
    assert.match(r.malformed, why);
  }
  assert.equal(readEveLine('   '), undefined);
});

test('auto format: EVE, Zeek JSON, Zeek TSV after its header, and plain lines', () => {
  const read = createLineReader('auto');
  assert.equal((read('{"event_type":"tls","tls":{"sni":"s.example"}}') as SensorRecord).sensor, 'suricata');
  assert.equal((read('{"uid":"C1","query":"q.example","qtype_name":"A"}') as SensorRecord).kind, 'dns');
  assert.deepEqual((read('evil.example') as SensorRecord).observations, [{ field: 'line', value: 'evil.example' }]);
  assert.equal(read('#fields\tuid\tserver_name'), undefined);
  assert.equal(read('#path\tssl'), undefined);
  assert.deepEqual((read('C2\tt.example') as SensorRecord).observations, [
    { field: 'server_name', value: 't.example', type: 'domain' },
  ]);
});

test('auto format: a JSON line after a Zeek TSV log is read as JSON, not as a TSV row', () => {
  const read = createLineReader('auto');
  read('#fields\tuid\tserver_name');
  read('#path\tssl');
  assert.equal((read('{"event_type":"tls","tls":{"sni":"s.example"}}') as SensorRecord).sensor, 'suricata');
});

test('eve: a "flow_id" inside another field is not taken for the flow id', () => {
  const r = readEveLine(
    '{"event_type":"http","http":{"url":"/x?\\"flow_id\\":7","hostname":"h.example"},"flow_id":1152921504606846977}',
  ) as SensorRecord;
  assert.equal(r.flowId, '1152921504606846977');
});
