/**
 * train.py's hardest-source rule with `source_fprs` (verdict_thresholds, shared with evaluate.py): sources
 * whose name matches an entry are held to that entry's FPRs, the others to the rule's. The domain
 * resolver candidate holds the resolver-like lists to issue 12's bar (4% / 1%) and the ordinary benign
 * sources to 1% / 0.25% (models/training/domain-resolver2-sources.json).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { before, it } from 'node:test';
import { promisify } from 'node:util';
import { pythonWith } from '../../scripts/python-env';

const TRAINING = join(__dirname, '..', '..', 'models', 'training');

// 1,000 scores 0.0005 .. 0.9995 per source: the threshold at FPR f sits just above the (1 - f) quantile.
const SCRIPT = `
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from train import verdict_thresholds

grid = (np.arange(1000) + 0.5) / 1000
easy = grid * 0.5                    # an ordinary source, never above 0.5
hard = grid                          # a resolver-like list up to 0.9995
p = np.r_[easy, hard, np.full(10, 0.99)]
y = np.r_[np.zeros(2000, dtype=int), np.ones(10, dtype=int)]
src = np.array(["tranco"] * 1000 + ["resolver_cname"] * 1000 + ["phish"] * 10)
fprs = {"suspicious": 0.01, "malicious": 0.0025}
plain = {"on": "hardest-source", "min_source_rows": 100}
own = {**plain, "source_fprs": [{"match": "^resolver_", "suspicious": 0.04, "malicious": 0.01}]}
other = {**plain, "source_fprs": [{"match": "^nothing_", "suspicious": 0.04, "malicious": 0.01}]}
print(json.dumps({name: verdict_thresholds(rule, p, y, src, fprs)[:2] for name, rule in
                  (("plain", plain), ("own", own), ("other", other))}))
`;

type Result = Record<string, [Record<string, number>, Record<string, string>]>;
let out: Result;
before(async () => {
  const python = await pythonWith([join(TRAINING, 'requirements.txt')]);
  const { stdout } = await promisify(execFile)(python, ['-c', SCRIPT, TRAINING], { timeout: 60_000 });
  out = JSON.parse(stdout) as Result;
});

it('holds a matching source to its own FPRs and the others to the rule', () => {
  const [plain, plainBy] = out.plain!;
  const [own, ownBy] = out.own!;
  // Without: the hard list's 1% / 0.25% quantiles (0.99 / 0.9975) set both.
  assert.ok(Math.abs(plain.suspicious! - 0.9905) < 0.001, `${plain.suspicious}`);
  assert.ok(Math.abs(plain.malicious! - 0.9975) < 0.001, `${plain.malicious}`);
  assert.deepEqual(plainBy, { suspicious: 'resolver_cname', malicious: 'resolver_cname' });
  // With: its 4% / 1% quantiles (0.96 / 0.99), still above the easy source's.
  assert.ok(Math.abs(own.suspicious! - 0.9605) < 0.001, `${own.suspicious}`);
  assert.ok(Math.abs(own.malicious! - 0.9905) < 0.001, `${own.malicious}`);
  assert.deepEqual(ownBy, { suspicious: 'resolver_cname', malicious: 'resolver_cname' });
  // An entry no source matches changes nothing.
  assert.deepEqual(out.other, out.plain);
});
