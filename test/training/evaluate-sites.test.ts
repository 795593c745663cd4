/**
 * models/training/evaluate.py --leave-one-site-out: each site (a template organisation) of a benign source
 * left out in turn while the source's other sites stay in training, scored whole; pooled over the sites.
 * And --train-param, which overrides a training parameter for an ablation. A synthetic export whose answer
 * is known: one organisation ("odd") writes like the malicious rows, the other three like ordinary ham.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { promisify } from 'node:util';
import { pythonWith } from '../../scripts/python-env';

interface SiteFigures {
  rows: number;
  fpr_at_suspicious: number;
  fpr_at_malicious: number;
  thresholds_set_by: Record<string, string>;
}
interface Result {
  params: Record<string, unknown>;
  leave_one_site_out: Record<string, { pooled: SiteFigures & { sites: number }; sites: Record<string, SiteFigures> }>;
  summary: Record<string, unknown>;
}

const dir = mkdtempSync(join(tmpdir(), 'evaluate-sites-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let seed = 777;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());

const ORGS = ['alpha', 'beta', 'gamma', 'odd'];
const rowsOf: Record<string, number> = {};
let result: Result;
before(async () => {
  const feats: number[] = [];
  const lines = ['indicator\tlabel\tsource\tgroup\trank\tsplit\tsite\tdate'];
  const add = (name: string, label: number, site: string, mean: number, i: number) => {
    feats.push(mean + gauss(), gauss());
    const u = rnd();
    const split = u < 0.7 ? 'train' : u < 0.8 ? 'val' : 'test';
    lines.push([`${name}${i}`, label, name, '', 0, split, site, ''].join('\t'));
  };
  for (let i = 0; i < 2000; i++) add('ham', 0, `ham${i}`, -2, i);
  for (let i = 0; i < 2000; i++) add('phish', 1, `phish${i}`, 2, i);
  // Templates: the split is by site in the real export, so each organisation keeps one side.
  for (let i = 0; i < 1200; i++) {
    const org = ORGS[i % 4] as string;
    rowsOf[`template:${org}`] = (rowsOf[`template:${org}`] ?? 0) + 1;
    add('tmpl', 0, `template:${org}`, org === 'odd' ? 1.8 : -1, i);
  }
  writeFileSync(join(dir, 'features.f32'), Buffer.from(new Float32Array(feats).buffer));
  writeFileSync(join(dir, 'rows.tsv'), `${lines.join('\n')}\n`);
  const spec = {
    model: 'synthetic',
    features_version: 'synthetic/1',
    feature_names: ['f0', 'f1'],
    sources: [{ name: 'ham' }, { name: 'phish' }, { name: 'tmpl' }],
    train_params: { max_iter: 20, max_depth: 3 },
  };
  writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
  const script = join(__dirname, '..', '..', 'models', 'training', 'evaluate.py');
  const python = await pythonWith([join(__dirname, '..', '..', 'models', 'training', 'requirements.txt')]);
  const args = [
    '--export',
    dir,
    '--out',
    join(dir, 'out.json'),
    '--skip-loso',
    '--leave-one-site-out',
    'tmpl',
    '--min-threshold-rows',
    '50',
  ];
  await promisify(execFile)(python, [script, ...args, '--train-param', 'max_iter=7'], { timeout: 120_000 });
  result = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as Result;
});

it('leaves each site of the source out in turn and scores all its rows', () => {
  const r = result.leave_one_site_out.tmpl!;
  assert.deepEqual(Object.keys(r.sites).sort(), ORGS.map((o) => `template:${o}`).sort());
  for (const [site, f] of Object.entries(r.sites)) assert.equal(f.rows, rowsOf[site], site);
  assert.equal(r.pooled.rows, 1200);
  assert.equal(r.pooled.sites, 4);
});

it('an organisation unlike the others is raised when left out; the others are not', () => {
  const s = result.leave_one_site_out.tmpl!.sites;
  assert.ok(s['template:odd']!.fpr_at_malicious > 0.3, `odd ${s['template:odd']!.fpr_at_malicious}`);
  for (const o of ['alpha', 'beta', 'gamma']) assert.ok(s[`template:${o}`]!.fpr_at_malicious < 0.05, o);
  // Pooled: each row once, at the threshold of the model that never saw its organisation.
  const hits = Object.values(s).reduce((n, f) => n + Math.round(f.fpr_at_malicious * f.rows), 0);
  assert.equal(result.leave_one_site_out.tmpl!.pooled.fpr_at_malicious, Math.round((hits / 1200) * 1e6) / 1e6);
  assert.deepEqual(result.summary.left_out_sites_tmpl, result.leave_one_site_out.tmpl!.pooled);
});

it('the other organisations stay in training and may set the thresholds', () => {
  const by = result.leave_one_site_out.tmpl!.sites['template:alpha']!.thresholds_set_by;
  // With "odd" (near the malicious rows) still in training, the templates are the hardest ham source.
  assert.equal(by.malicious, 'tmpl');
});

it('--train-param overrides a training parameter of the export', () => {
  assert.equal(result.params.max_iter, 7);
});
