/**
 * scripts/domain/measure-long-tail.ts on three hosts with the committed domain v3: a project site on
 * github.io that v3 calls malicious (the platform-customer false positive the card reports), a plain
 * project site it calls benign, and a host whose registrable domain a training source holds, which
 * must leave the `unseen` figures.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { promisify } from 'node:util';

const root = join(__dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'measure-long-tail-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Rates {
  rows: number;
  model_fpr_at_suspicious: number | null;
  model_fpr_at_malicious: number | null;
  served_fpr_at_malicious?: number | null;
}
let figures: Record<string, Rates | number | { host: string; served: string }[]>;

before(async () => {
  writeFileSync(join(dir, 'hosts.tsv'), 'host\nadobe-type-tools.github.io\nwww.7-zip.org\nwiki.gnome.org\n');
  writeFileSync(join(dir, 'known.txt'), 'gnome.org\n');
  writeFileSync(
    join(dir, 'one-site.tsv'),
    'host\nadobe-type-tools.github.io\nwww.adobe-type-tools.github.io\nwww.7-zip.org\n',
  );
  const source = { name: 'known', path: 'known.txt', format: 'lines', label: 'benign', license: 't', origin: 't' };
  writeFileSync(join(dir, 'sources.json'), JSON.stringify({ sources: [source] }));
  const args = ['scripts/domain/measure-long-tail.ts', '--model', 'models/domain/3', '--served'];
  const more = ['--sources', join(dir, 'sources.json'), '--data', dir, '--out', join(dir, 'out.json')];
  await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', ...args, ...more, `t=${join(dir, 'hosts.tsv')}`, `u=${join(dir, 'one-site.tsv')}`],
    {
      cwd: root,
      timeout: 120_000,
    },
  );
  const sources = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).sources;
  figures = sources.t;
  oneSite = sources.u;
});

let oneSite: Record<string, unknown>;
it('counts sites (registrable domains) beside the rows: two names of one site raised are one site', () => {
  assert.deepEqual(figures.unseen_sites, {
    sites: 2,
    model_sites_at_suspicious: 1,
    model_sites_at_malicious: 1,
    served_sites_at_suspicious: 1,
    served_sites_at_malicious: 1,
  });
  // adobe-type-tools.github.io and its www name (both malicious with v3) are one site; 7-zip.org the other.
  assert.equal((oneSite.unseen as Rates).served_fpr_at_malicious, 0.666667); // 2 names of 3
  assert.deepEqual(oneSite.unseen_sites, {
    sites: 2,
    model_sites_at_suspicious: 1,
    model_sites_at_malicious: 1,
    served_sites_at_suspicious: 1,
    served_sites_at_malicious: 1,
  });
});

it('counts a host whose registrable domain a training source holds as seen, not in the unseen figures', () => {
  assert.equal(figures.seen_in_training_sources, 1);
  assert.equal((figures.all as Rates).rows, 3);
  assert.equal((figures.unseen as Rates).rows, 2);
});

it('rates the model and the served answers, with the platform slice apart', () => {
  const unseen = figures.unseen as Rates;
  assert.equal(unseen.model_fpr_at_malicious, 0.5);
  assert.equal(unseen.served_fpr_at_malicious, 0.5);
  assert.deepEqual(figures.unseen_on_platform, {
    rows: 1,
    model_fpr_at_suspicious: 1,
    model_fpr_at_malicious: 1,
    served_fpr_at_suspicious: 1,
    served_fpr_at_malicious: 1,
  });
  assert.equal((figures.unseen_not_on_platform as Rates).model_fpr_at_suspicious, 0);
  const top = figures.unseen_highest_scores as { host: string; served: string }[];
  assert.deepEqual(
    top.map((t) => [t.host, t.served]),
    [
      ['adobe-type-tools.github.io', 'malicious'],
      ['www.7-zip.org', 'benign'],
    ],
  );
});
