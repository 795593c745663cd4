/**
 * models/training/domain-criteria-v2.py (models/training/domain-criteria-v2.md): C1 / C2 bounds from reference
 * draws of v5's recipe, mean + k sd (k = t(0.975, n - 1) sqrt(1 + 1/n), 3.558 for four draws), never narrower
 * than the old allowance anchored at published v5 (C1 v5 + max(1, ceil(sqrt(v5))) names, C2 v5 - 1.0 point).
 * Synthetic served files in the layout scripts/domain/served-slice-rule.sh writes; the candidates sit just
 * inside and just outside each bound, so a wrong k, a missing floor or a flipped direction fails.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const TRAINING = join(__dirname, '..', '..', 'models', 'training');

// name -> [label, rows, at suspicious, at malicious] (benign: names; malicious: rows detected)
type Draw = Record<string, [string, number, number, number]>;

function write(dir: string, tag: string, test: Draw, unseen: Draw): void {
  const own: Record<string, unknown> = {};
  for (const [name, [label, n, s, m]] of Object.entries(test)) {
    own[name] = { label, test_split: { hosts: n, at_suspicious_pct: (100 * s) / n, at_malicious_pct: (100 * m) / n } };
  }
  const lists: Record<string, unknown> = {};
  for (const [name, [label, n, s, m]] of Object.entries(unseen)) {
    const kind = label === 'benign' ? 'fpr' : 'detection';
    lists[name] = {
      label,
      unseen: { rows: n, [`served_${kind}_at_suspicious`]: s / n, [`served_${kind}_at_malicious`]: m / n },
    };
  }
  writeFileSync(join(dir, `${tag}-platform-own-sources.json`), JSON.stringify({ sources: own }));
  writeFileSync(join(dir, `${tag}-unseen-lists.json`), JSON.stringify({ sources: lists }));
  writeFileSync(join(dir, `${tag}-resolver-hosts.json`), JSON.stringify({ sources: {} }));
}

// One benign row that moves across seeds (10, 12, 14, 16 names at suspicious: mean 13, sd 2.582, bound 22.19;
// old allowance 10 + 4 = 14), one that never moves (0 names: only the floor, 1 name), a gated detection row
// (OpenPhish 50.0 / 49.0 / 51.0 / 50.0% of 1,000: bound 47.095, old 49.0) and a malicious row no criterion gates.
const ref = (uni: number, op: number): Draw => ({
  university_domains: ['benign', 2000, uni, 0],
  openphish_hosts: ['malicious', 1000, op, 300],
  url_hosts_pdd_phishing: ['malicious', 1000, 100, 50],
});

describe('domain criteria v2', () => {
  it('widens by the seed spread, keeps the old allowance as a floor, and fails what lies beyond', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'criteria-v2-'));
    const unseen: Draw = { psl_private: ['benign', 1700, 0, 0] };
    write(dir, 'floor', ref(10, 500), unseen);
    const draws = [
      [10, 500],
      [12, 490],
      [14, 510],
      [16, 500],
    ];
    for (const [i, [u, o]] of draws.entries()) write(dir, `ref${i}`, ref(u, o), unseen);
    write(
      dir,
      'inside',
      { ...ref(22, 472), url_hosts_pdd_phishing: ['malicious', 1000, 0, 0] },
      { psl_private: ['benign', 1700, 1, 1] },
    );
    write(dir, 'uni', ref(23, 500), unseen);
    write(dir, 'op', ref(10, 470), unseen);
    write(dir, 'psl', ref(10, 500), { psl_private: ['benign', 1700, 2, 0] });
    const out = join(dir, 'judged.json');
    const args = [join(TRAINING, 'domain-criteria-v2.py'), '--dir', dir, '--floor', 'floor'];
    for (let i = 0; i < 4; i++) args.push('--ref', `ref${i}`);
    for (const c of ['inside', 'uni', 'op', 'psl']) args.push('--cand', `${c}=${c}`);
    await promisify(execFile)('python3', [...args, '--json', out], { cwd: TRAINING });
    const j = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(j.k, 3.558);
    assert.equal(j.bounds['test:university_domains susp'].v2_limit, 22.19);
    assert.equal(j.bounds['test:university_domains susp'].old_limit, 14);
    assert.equal(j.bounds['unseen:psl_private susp'].v2_limit, 1);
    assert.equal(j.bounds['test:openphish_hosts susp'].v2_limit, 47.09);
    assert.equal(j.bounds['test:openphish_hosts mal'].v2_limit, 29);
    assert.ok(!('test:url_hosts_pdd_phishing susp' in j.bounds));
    assert.deepEqual(j.candidates.inside, []);
    assert.deepEqual(
      j.candidates.uni.map((f: string) => f.split(':').slice(0, 2).join(':')),
      ['test:university_domains susp'],
    );
    assert.deepEqual(
      j.candidates.op.map((f: string) => f.split(':').slice(0, 2).join(':')),
      ['test:openphish_hosts susp'],
    );
    assert.deepEqual(
      j.candidates.psl.map((f: string) => f.split(':').slice(0, 2).join(':')),
      ['unseen:psl_private susp'],
    );
  });
});
