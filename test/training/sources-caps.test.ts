/**
 * src/training/sources.ts per-key caps: `max_rows_per_registrable_domain` (one company's hosts) and
 * `max_rows_per_column` (one provider's rows, e.g. an analytics vendor's CNAMEs), seeded and independent
 * of the file's order, applied before max_rows.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { readSource, type SourceSpec } from '../../src/training/sources';

const dir = mkdtempSync(join(tmpdir(), 'sources-caps-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const header = 'host\tprovider\tpart';
// 12 hosts of one company (acton-like), 3 of another under the same vendor, 4 of a second vendor.
const rows = [
  ...Array.from({ length: 12 }, (_, i) => `a${1000 + i}.actonservice.com\tacton\ttrain`),
  'smetrics.nespresso.com\tadobe\ttrain',
  'sstats.nespresso.com\tadobe\ttrain',
  'metrics.example.co.uk\tadobe\ttrain',
  'aacjdq.pontoslivelo.com.br\tcriteo\ttrain',
  'xyzzy.shop.de\tcriteo\ttrain',
  'q1.shop.de\tcriteo\ttrain',
  'held.shop.fr\tcriteo\theld_out',
];

function write(name: string, lines: string[]): string {
  const p = join(dir, name);
  writeFileSync(p, `${[header, ...lines].join('\n')}\n`);
  return p;
}

const spec = (path: string, extra: Partial<SourceSpec>): SourceSpec => ({
  name: 'resolver_test',
  path,
  path_from: 'cwd',
  format: 'tsv',
  column: 'host',
  where: { part: 'train' },
  label: 'benign',
  license: 'test data',
  origin: 'made by the test',
  ...extra,
});

it('keeps at most N rows per registrable domain, the same rows whatever the file order', () => {
  const a = readSource(spec(write('a.tsv', rows), { max_rows_per_registrable_domain: 2 }), dir).map((r) => r.value);
  const b = readSource(spec(write('b.tsv', [...rows].reverse()), { max_rows_per_registrable_domain: 2 }), dir).map(
    (r) => r.value,
  );
  const per = (hosts: string[], d: string) => hosts.filter((h) => h.endsWith(`.${d}`)).length;
  assert.equal(per(a, 'actonservice.com'), 2);
  assert.equal(per(a, 'nespresso.com'), 2);
  assert.equal(per(a, 'shop.de'), 2);
  assert.equal(per(a, 'example.co.uk'), 1);
  assert.equal(a.length, 8); // 2 + 2 + 1 + 1 (pontoslivelo) + 2; the held-out row is never read
  assert.deepEqual([...a].sort(), [...b].sort());
});

it('keeps at most N rows per value of a column, after the registrable-domain cap', () => {
  const p = write('c.tsv', rows);
  const byVendor = (s: SourceSpec) =>
    readSource(s, dir).reduce((m, r) => {
      const v = r.value.includes('actonservice') ? 'acton' : /nespresso|example/.test(r.value) ? 'adobe' : 'criteo';
      m.set(v, (m.get(v) ?? 0) + 1);
      return m;
    }, new Map<string, number>());
  const onlyColumn = byVendor(spec(p, { max_rows_per_column: { column: 'provider', max: 2 } }));
  assert.deepEqual(Object.fromEntries(onlyColumn), { acton: 2, adobe: 2, criteo: 2 });
  // Registrable-domain cap 1 first: acton 1, adobe 2 (nespresso 1 + example 1), criteo 2 (of 2 domains).
  const both = byVendor(
    spec(p, { max_rows_per_registrable_domain: 1, max_rows_per_column: { column: 'provider', max: 2 } }),
  );
  assert.deepEqual(Object.fromEntries(both), { acton: 1, adobe: 2, criteo: 2 });
  assert.throws(() => readSource(spec(p, { max_rows_per_column: { column: 'vendor', max: 2 } }), dir), /cap column/);
});
