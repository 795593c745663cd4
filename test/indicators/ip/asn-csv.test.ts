import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadAsnCsv, parseAsnCsv } from '../../../src/indicators/ip/asn-csv';

const fixtures = path.resolve(__dirname, '../../fixtures/geo');
const v4 = (text: string) => Uint8Array.from(text.split('.').map(Number));

describe('ip-location-db ASN CSV', () => {
  it('reads dotted IPv4 rows, quoted organisations and a stray overlap', async () => {
    const { version, table } = await loadAsnCsv(path.join(fixtures, 'asn-ipv4.csv'));
    assert.equal(version, 4);
    assert.deepEqual(table.find(v4('1.0.0.77')), { asn: 64496, organization: 'Example, Inc.' });
    assert.deepEqual(table.find(v4('1.0.7.255')), { asn: 64497, organization: 'LLC "QUOTED"' });
    assert.deepEqual(table.find(v4('8.8.8.8')), { asn: 64498, organization: 'Plain Org' });
    assert.equal(table.find(v4('1.0.1.0')), undefined);
    // The first-listed row keeps the overlap; the later one starts after it.
    assert.equal(table.find(v4('215.0.255.255'))?.asn, 64500);
    assert.equal(table.find(v4('215.1.0.0'))?.asn, 64501);
    assert.equal(table.trimmed, 1);
  });

  it('reads numeric IPv4 rows', async () => {
    const { version, table } = await loadAsnCsv(path.join(fixtures, 'asn-ipv4-num.csv'));
    assert.equal(version, 4);
    assert.equal(table.find(v4('1.0.0.0'))?.asn, 64496);
    assert.equal(table.find(v4('8.8.8.255'))?.organization, 'Plain Org');
  });

  it('reads IPv6 rows, as text or as numbers when the file name says ipv6', async () => {
    const text = await loadAsnCsv(path.join(fixtures, 'asn-ipv6.csv'));
    const numeric = parseAsnCsv(
      '42540766411282592856903984951653826560,42540766490510755371168322545197776895,64499,Documentation Networks\n',
      'asn-ipv6-num.csv',
    );
    const inside = Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, ...new Array(9).fill(0), 1]);
    for (const { version, table } of [text, numeric]) {
      assert.equal(version, 6);
      assert.deepEqual(table.find(inside), { asn: 64499, organization: 'Documentation Networks' });
    }
    assert.equal(text.table.find(Uint8Array.from([0x2a, 0x00, 0x14, 0x50, ...new Array(12).fill(7)]))?.asn, 64502);
  });

  it('reads each bundled table as numbers and as text alike (the numeric files are the ones the server reads)', async () => {
    const dir = path.dirname(require.resolve('@ip-location-db/asn/package.json'));
    for (const v of ['ipv4', 'ipv6']) {
      const numeric = (await loadAsnCsv(path.join(dir, `asn-${v}-num.csv`))).table.parts;
      const text = (await loadAsnCsv(path.join(dir, `asn-${v}.csv`))).table.parts;
      assert.ok(numeric.valueIndex.length > 50_000, `${v}: ${numeric.valueIndex.length} ranges`);
      for (const part of ['starts', 'ends', 'valueIndex'] as const)
        assert.ok(
          Buffer.from(numeric[part].buffer, numeric[part].byteOffset, numeric[part].byteLength).equals(
            Buffer.from(text[part].buffer, text[part].byteOffset, text[part].byteLength),
          ),
          `${v} ${part}`,
        );
      assert.deepEqual(numeric.values, text.values);
      assert.equal(numeric.trimmed, text.trimmed);
    }
  });

  it('refuses a numeric IPv6 bound past 128 bits, or with a byte that is not a digit', () => {
    const max = (2n ** 128n - 1n).toString();
    const ok = parseAsnCsv(`${max},${max},64496,Top\n`, 'asn-ipv6-num.csv');
    assert.equal(ok.table.find(new Uint8Array(16).fill(255))?.asn, 64496);
    assert.throws(
      () => parseAsnCsv(`0,${2n ** 128n},64496,Over\n`, 'asn-ipv6-num.csv'),
      /asn-ipv6-num\.csv:1: bad IPv6 bound/,
    );
    assert.throws(() => parseAsnCsv('0,12a4,64496,Letter\n', 'asn-ipv6-num.csv'), /:1: bad IPv6 bound/);
  });

  it('names the file and line of a malformed row', () => {
    assert.throws(
      () => parseAsnCsv('1.0.0.0,1.0.0.255,64496,A\n1.0.1.0,1.0.1.x,1,B\n', 'bad.csv'),
      /bad\.csv:2: bad IPv4 bound/,
    );
    assert.throws(() => parseAsnCsv('1.0.0.0,1.0.0.255,AS1,A\n', 'bad.csv'), /bad\.csv:1: bad AS number/);
    assert.throws(() => parseAsnCsv('garbage\n', 'bad.csv'), /bad\.csv:1: expected start,end,asn,organization/);
  });
});
