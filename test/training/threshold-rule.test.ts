/**
 * train.py's `source-capped` threshold rule (verdict_thresholds, shared with evaluate.py): the validation ham
 * of all benign sources pooled, each source counting as at most `source_cap` rows.
 *
 * Why it exists: the hardest-source rule let one small source set the thresholds alone. For the email
 * model that was 138 validation rows of HTML templates from 2 organisations (models/email/README.md), so
 * the thresholds moved with which two organisations fell into validation and with any small change to
 * the model (0.363 / 0.788 -> 0.631 / 0.875 between two candidates), while 16 rows of hard ham, the
 * highest-scoring ham of all, were too few to count. The synthetic validation below has that shape: two
 * large easy sources, a small hard source (20 rows, 10 sites) and a small template source (140 rows)
 * whose 2 sites are drawn with replacement, as a site bootstrap draws them: calm+calm, calm+loud,
 * loud+loud. Stated tolerance: across the three draws the thresholds may move by at most 1.2 logits
 * (suspicious) and 0.5 (malicious); the hardest-source rule moves them by 2.1 and 1.6.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { pythonWith } from '../../scripts/python-env';

const TRAINING = join(__dirname, '..', '..', 'models', 'training');

const SCRIPT = `
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from train import threshold_at_fpr, verdict_thresholds, weighted_threshold_at_fpr

rng = np.random.default_rng(20261207)
sig = lambda z: 1 / (1 + np.exp(-z))

def source(name, label, sites, per_site, mean, sd):
    return [(name, label, float(sig(rng.normal(mean, sd)))) for k in range(sites) for _ in range(per_site)]

base = (source("lists", 0, 200, 5, -2.5, 1.2) + source("patches", 0, 10, 90, -4.0, 1.0)
        + source("hard-small", 0, 10, 2, 1.0, 1.5) + source("phish", 1, 300, 2, 3.0, 1.5))
site = {s: source("templates", 0, 1, 70, m, 1.0) for s, m in (("calm", -3.0), ("loud", -0.5))}
fprs = {"suspicious": 0.02, "malicious": 0.005}
rules = {"hardest-source": {"on": "hardest-source", "min_source_rows": 100},
         "source-capped": {"on": "source-capped", "min_source_rows": 100, "source_cap": 200}}
out = {"draws": {}}
for name, rule in rules.items():
    out["draws"][name] = []
    for draw in (("calm", "calm"), ("calm", "loud"), ("loud", "loud")):
        rows = base + [r for d in draw for r in site[d]]
        p = np.array([r[2] for r in rows]); y = np.array([r[1] for r in rows]); src = np.array([r[0] for r in rows])
        th, by, inputs = verdict_thresholds(rule, p, y, src, fprs)
        out["draws"][name].append({"thresholds": th, "set_by": by, "inputs": inputs})

# Equal weights are threshold_at_fpr exactly, ties included; a cap above every source's rows is the pooled rule.
s = np.round(rng.random(997), 2).astype(np.float32).astype(float)
out["equal"] = [[weighted_threshold_at_fpr(s, np.ones(len(s)), f)[0], threshold_at_fpr(s, f)] for f in (0.005, 0.02, 0.1)]
src = np.array(["a"] * 500 + ["b"] * 497); y = np.zeros(len(s), dtype=int)
out["uncapped"] = [verdict_thresholds({"on": "source-capped", "source_cap": 1e9}, s, y, src, fprs)[0],
                   verdict_thresholds({"on": "pooled"}, s, y, src, fprs)[0]]
print(json.dumps(out))
`;

interface Draw {
  thresholds: Record<string, number>;
  set_by: Record<string, string>;
  inputs: Record<string, { rows: number; row_weight: number; fpr_at_suspicious: number; fpr_at_malicious: number }>;
}
let out: {
  draws: Record<string, Draw[]>;
  equal: [number, number][];
  uncapped: [Record<string, number>, Record<string, number>];
};
before(async () => {
  const python = await pythonWith([join(TRAINING, 'requirements.txt')]);
  const { stdout } = await promisify(execFile)(python, ['-c', SCRIPT, TRAINING], { timeout: 60_000 });
  out = JSON.parse(stdout) as typeof out;
});

const logit = (p: number) => Math.log(p / (1 - p));
const spread = (draws: Draw[], verdict: string) => {
  const l = draws.map((d) => logit(d.thresholds[verdict] as number));
  return Math.max(...l) - Math.min(...l);
};

describe('source-capped thresholds', () => {
  it('move less than the tolerance when a small source is resampled by site', () => {
    const capped = out.draws['source-capped']!;
    assert.ok(spread(capped, 'suspicious') <= 1.2, `suspicious spread ${spread(capped, 'suspicious')}`);
    assert.ok(spread(capped, 'malicious') <= 0.5, `malicious spread ${spread(capped, 'malicious')}`);
  });

  it('where the hardest-source rule swings with the same resampling (what the rule replaces)', () => {
    const hardest = out.draws['hardest-source']!;
    assert.ok(spread(hardest, 'suspicious') > 1.2, `suspicious spread ${spread(hardest, 'suspicious')}`);
    assert.ok(spread(hardest, 'malicious') > 0.5, `malicious spread ${spread(hardest, 'malicious')}`);
    assert.ok(hardest.some((d) => d.set_by.malicious === 'templates'));
  });

  it('count a large source as at most the cap and record every source it read', () => {
    const inputs = out.draws['source-capped']![0]!.inputs;
    assert.deepEqual(Object.keys(inputs).sort(), ['hard-small', 'lists', 'patches', 'templates']);
    assert.equal(inputs.lists!.rows, 1000);
    assert.equal(inputs.lists!.row_weight, 0.2);
    assert.equal(inputs['hard-small']!.row_weight, 1);
    for (const s of Object.values(inputs)) assert.ok(s.fpr_at_malicious <= s.fpr_at_suspicious);
  });

  it('are threshold_at_fpr with equal weights, and the pooled rule with a cap no source reaches', () => {
    for (const [weighted, plain] of out.equal) assert.equal(weighted, plain);
    assert.deepEqual(out.uncapped[0], out.uncapped[1]);
  });
});
