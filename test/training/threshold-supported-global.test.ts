/**
 * train.py's `supported` option of the hardest-source threshold rule (issue 12,
 * models/training/domain-supported-threshold.md): each benign source's threshold by the platform-slice
 * rule (src/training/threshold.ts supportedThresholdAtFpr) instead of the plain quantile. The domain model's
 * global malicious threshold was the 0.25% quantile of 1,314 pdd validation names, i.e. their 4th highest:
 * it moved 0.9904 -> 0.9921 across seeds of one recipe. The synthetic validation below has that shape (an easy
 * source of 6,000 names, the hard one of 1,314); each case fails with the old rule (the same call without
 * `supported`).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { pythonWith } from '../../scripts/python-env';
import { supportedThresholdAtFpr } from '../../src/training/threshold';

const TRAINING = join(__dirname, '..', '..', 'models', 'training');

const SCRIPT = `
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from train import supported_threshold_at_fpr, verdict_thresholds, threshold_rule, resolve_threshold_policy

sig = lambda z: 1 / (1 + np.exp(-z))
fprs = {"suspicious": 0.01, "malicious": 0.0025}
old = {"on": "hardest-source", "min_source_rows": 200}
new = {**old, "supported": True}

def validation(rng, hard_top_shift=0.0):
    easy = sig(rng.logistic(-3.0, 1.0, 6000))
    z = np.sort(rng.logistic(-1.0, 1.0, 1314))
    z[-4:] += hard_top_shift  # the source's 4 highest names only (what another seed moves)
    hard = sig(z)
    p = np.r_[easy, hard, sig(rng.logistic(3.0, 1.0, 2000))]
    y = np.r_[np.zeros(6000 + 1314, dtype=int), np.ones(2000, dtype=int)]
    src = np.array(["easy"] * 6000 + ["pdd"] * 1314 + ["phish"] * 2000)
    return p, y, src

out = {}
# 1. two validation draws that differ only in the hard source's top 4 names (+1.5 logits)
rng = np.random.default_rng(20261208)
base = validation(np.random.default_rng(1))
shifted = validation(np.random.default_rng(1), 1.5)
out["shift"] = {name: [verdict_thresholds(rule, *d, fprs)[:2] for d in (base, shifted)] for name, rule in (("old", old), ("new", new))}
# 2. another seed: the same validation names, each name's logit jittered (sd 0.3) as a retrain moves it; 200 draws
lg = lambda t: float(np.log(t / (1 - t)))
p0, y0, src0 = validation(np.random.default_rng(2))
jit = {"old": [], "new": []}
for _ in range(200):
    p = sig(np.log(p0 / (1 - p0)) + rng.normal(0, 0.3, len(p0)))
    for name, rule in (("old", old), ("new", new)):
        jit[name].append(lg(verdict_thresholds(rule, p, y0, src0, fprs)[0]["malicious"]))
out["jitter_sd"] = {k: float(np.std(v)) for k, v in jit.items()}
# 3. 200 independent validation draws (other names): error against the true 0.25% quantile of pdd
want = -1.0 + np.log((1 - 0.0025) / 0.0025)
errs = {"old": [], "new": []}
for _ in range(200):
    d = validation(rng)
    for name, rule in (("old", old), ("new", new)):
        errs[name].append(lg(verdict_thresholds(rule, *d, fprs)[0]["malicious"]) - want)
out["rmse"] = {k: float(np.sqrt(np.mean(np.square(v)))) for k, v in errs.items()}
# 4. the Python copy against the TypeScript rule: the same scores, read back by the test
sets = [[float(x) for x in sig(np.random.default_rng(s).logistic(m, 1.0, n))] for s, m, n in ((3, -1.0, 1314), (4, 0.0, 359), (5, -2.0, 4000), (6, 1.0, 150))]
out["parity"] = [{"scores": s, "fpr": f, "py": list(supported_threshold_at_fpr(np.array(s), f))} for s in sets for f in (0.0025, 0.01)]
# 5. the policy: a sources file's threshold_policy.supported reaches the rule train.py and evaluate.py read
class A: pass
a = A(); a.thresholds_on = a.suspicious_fpr = a.malicious_fpr = a.min_threshold_rows = None
resolve_threshold_policy(a, {"threshold_policy": {"on": "hardest-source", "suspicious_fpr": 0.01, "malicious_fpr": 0.0025, "supported": True}})
out["rule"] = threshold_rule(a)
print(json.dumps(out))
`;

type Set = [Record<string, number>, Record<string, string>];
let out: {
  shift: Record<'old' | 'new', [Set, Set]>;
  rmse: Record<'old' | 'new', number>;
  jitter_sd: Record<'old' | 'new', number>;
  parity: { scores: number[]; fpr: number; py: [number | null, string] }[];
  rule: Record<string, unknown>;
};
before(async () => {
  const python = await pythonWith([join(TRAINING, 'requirements.txt')]);
  const { stdout } = await promisify(execFile)(python, ['-c', SCRIPT, TRAINING], {
    timeout: 120_000,
    maxBuffer: 64 << 20,
  });
  out = JSON.parse(stdout) as typeof out;
});

const logit = (p: number) => Math.log(p / (1 - p));
const moved = (s: [Set, Set], v: string) => logit(s[1][0][v] as number) - logit(s[0][0][v] as number);

describe('hardest-source thresholds with supported', () => {
  it('do not follow the hard source`s 4 highest names at 0.25% of 1,314 (the old rule does)', () => {
    assert.equal(out.shift.old[0][1].malicious, 'pdd');
    assert.equal(out.shift.new[0][1].malicious, 'pdd');
    assert.ok(moved(out.shift.old, 'malicious') > 1.4, `old rule moves ${moved(out.shift.old, 'malicious')} logits`);
    // 4 of the 20 tail names 1.5 logits higher: the scale by 4 * 1.5 / 20, the threshold by that x ln(20 / 3.285)
    const bound = ((4 * 1.5) / 20) * Math.log(20 / (1314 * 0.0025)) + 1e-3;
    assert.ok(
      moved(out.shift.new, 'malicious') <= bound,
      `supported moves ${moved(out.shift.new, 'malicious')}, bound ${bound}`,
    );
  });

  it('move less than the 4th-name quantile when a retrain jitters every name (sd 0.3 logits, 200 draws)', () => {
    // Measured 0.10 vs 0.13 on this draw (0.05 vs 0.11 at jitter 0.1): steadier, not steady; tolerance 0.85x.
    assert.ok(out.jitter_sd.new < 0.85 * out.jitter_sd.old, `sd ${out.jitter_sd.new} vs ${out.jitter_sd.old} logits`);
  });

  it('land nearer the true 0.25% quantile across 200 draws of other names, but only a little (0.47 vs 0.52 logits)', () => {
    // Extrapolating 20 names to 3.3 carries its own noise: the gain against sampling is small, stated, not hidden.
    assert.ok(out.rmse.new < out.rmse.old, `root mean square error ${out.rmse.new} vs ${out.rmse.old} logits`);
  });

  it('keep the plain quantile where 10 names stand behind it (suspicious: 1% of 1,314 and of 6,000)', () => {
    assert.deepEqual(out.shift.new[0][0].suspicious, out.shift.old[0][0].suspicious);
  });

  it('are supportedThresholdAtFpr of src/training/threshold.ts (the Python copy, on the same scores)', () => {
    for (const { scores, fpr, py } of out.parity) {
      const ts = supportedThresholdAtFpr(scores, fpr);
      assert.equal(py[1], ts.rule, `${scores.length} at ${fpr}`);
      assert.equal(py[0], ts.threshold ?? null, `${scores.length} at ${fpr}: ${py[0]} vs ${ts.threshold}`);
    }
    assert.deepEqual(
      out.parity.map((p) => p.py[1]),
      ['tail', 'empirical', 'tail', 'tail', 'empirical', 'empirical', 'none', 'none'],
    );
  });

  it('are asked for by the sources file`s threshold_policy', () => {
    assert.equal(out.rule.supported, true);
    assert.equal(out.rule.on, 'hardest-source');
  });
});
