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

// Criteria v2.1 (models/training/domain-supported-threshold.md): with --sites an unseen benign list's C1 row
// counts registrable domains with a name raised, not names. One provider's customer CNAMEs under one registrable
// domain (Act-On: 1 -> 1,821 names at malicious between seeds) are one site. Fails with the name rule (v2).
describe('domain criteria v2.1 (--sites)', () => {
  // unseen benign list: [rows, names susp, names mal, sites, sites susp, sites mal]
  type Sites = [number, number, number, number, number, number];
  function writeSites(dir: string, tag: string, cname: Sites): void {
    const [n, s, m, sites, ss, sm] = cname;
    const benign = (sv: number, mv: number) => ({
      label: 'benign',
      unseen: { rows: n, served_fpr_at_suspicious: sv / n, served_fpr_at_malicious: mv / n },
      unseen_sites: { sites, served_sites_at_suspicious: ss, served_sites_at_malicious: sm },
    });
    writeFileSync(
      join(dir, `${tag}-platform-own-sources.json`),
      JSON.stringify({
        sources: {
          tranco: { label: 'benign', test_split: { hosts: 1000, at_suspicious_pct: 1, at_malicious_pct: 0.2 } },
        },
      }),
    );
    writeFileSync(join(dir, `${tag}-unseen-lists.json`), JSON.stringify({ sources: {} }));
    writeFileSync(
      join(dir, `${tag}-resolver-hosts.json`),
      JSON.stringify({ sources: { telemetry_cname: benign(s, m) } }),
    );
  }

  it('counts one provider`s thousand names as one site, reports the names beside, and still fails a rise in sites', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'criteria-v21-'));
    // Four reference draws: 100 / 110 / 105 / 95 names at malicious from 20 / 21 / 19 / 20 sites.
    writeSites(dir, 'floor', [18000, 3900, 100, 5000, 400, 20]);
    const refs: Sites[] = [
      [18000, 3900, 100, 5000, 400, 20],
      [18000, 3850, 110, 5000, 398, 21],
      [18000, 3950, 105, 5000, 402, 19],
      [18000, 3880, 95, 5000, 401, 20],
    ];
    for (const [i, r] of refs.entries()) writeSites(dir, `ref${i}`, r);
    writeSites(dir, 'provider', [18000, 3900, 1900, 5000, 400, 21]); // +1,800 names of one site
    writeSites(dir, 'spread', [18000, 3900, 110, 5000, 400, 40]); // 40 sites: a real spread of false positives
    const run = async (sites: boolean) => {
      const out = join(dir, `judged-${sites}.json`);
      const args = [join(TRAINING, 'domain-criteria-v2.py'), '--dir', dir, '--floor', 'floor'];
      for (let i = 0; i < 4; i++) args.push('--ref', `ref${i}`);
      args.push('--cand', 'provider=provider', '--cand', 'spread=spread', '--json', out);
      if (sites) args.push('--sites');
      await promisify(execFile)('python3', args, { cwd: TRAINING });
      return JSON.parse(readFileSync(out, 'utf8'));
    };
    const names = await run(false);
    assert.equal(names.c1_unseen_benign_unit, 'names');
    assert.match(names.candidates.provider.join(' '), /unseen:telemetry_cname mal/);
    const sites = await run(true);
    assert.equal(sites.c1_unseen_benign_unit, 'sites');
    assert.deepEqual(sites.candidates.provider, []);
    assert.match(sites.candidates.spread.join(' '), /unseen:telemetry_cname mal: 40/);
    assert.equal(sites.names_beside.provider['unseen:telemetry_cname'].mal, 1900);
    assert.deepEqual(sites.bounds['unseen:telemetry_cname mal'].draws, [20, 21, 19, 20]);
    // test-split rows stay in names
    assert.equal(sites.bounds['test:tranco mal'].published_v5, 2);
  });

  it('refuses a draw measured without site counts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'criteria-v21-'));
    write(dir, 'floor', {}, { psl_private: ['benign', 1700, 0, 0] });
    const args = [
      join(TRAINING, 'domain-criteria-v2.py'),
      '--dir',
      dir,
      '--floor',
      'floor',
      '--ref',
      'floor',
      '--sites',
    ];
    await assert.rejects(promisify(execFile)('python3', args, { cwd: TRAINING }), /no served site counts/);
  });
});
