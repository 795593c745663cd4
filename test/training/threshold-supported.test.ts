/**
 * supportedThresholdAtFpr: a slice threshold chosen on a small benign set is not decided by one name
 * (issue 12; the platform slice's malicious threshold was the 0.25% quantile of 359 Debian names, i.e.
 * its highest). Each case below fails with the old rule (thresholdAtFpr on the same set).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { platformSliceThresholds } from '../../src/training/platform-version';
import { supportedRuleText, supportedThresholdAtFpr, thresholdAtFpr } from '../../src/training/threshold';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const logit = (p: number) => Math.log(p / (1 - p));
/** n scores whose logits are the standard logistic distribution's quantiles: P(logit > z) = 1 / (1 + e^z). */
const logisticSet = (n: number) => Array.from({ length: n }, (_, i) => sigmoid(logit((i + 0.5) / n)));

describe('supportedThresholdAtFpr', () => {
  const n = 359;
  const base = logisticSet(n);

  it('does not follow the set`s highest name at 0.25% of 359 names (the old rule does)', () => {
    const higher = [...base];
    const top = higher.indexOf(Math.max(...higher));
    higher[top] = sigmoid(logit(higher[top] as number) + 3); // one name three logits higher
    const moved = (rule: (s: number[]) => number) => logit(rule(higher)) - logit(rule(base));
    const supported = (s: number[]) => supportedThresholdAtFpr(s, 0.0025).threshold as number;
    const oneName = (s: number[]) => thresholdAtFpr(s, 0.0025);
    assert.ok(moved(oneName) > 2.9, 'the old rule moves with the top name');
    // The scale is the mean of 20 excesses: one name moves it by 3/20, the threshold by that times ln(20 / 0.9).
    const bound = (3 / 20) * Math.log(20 / (n * 0.0025)) + 1e-3; // float32 steps
    assert.ok(moved(supported) <= bound, `supported rule moves ${moved(supported)} logits, at most ${bound}`);
  });

  it('extrapolates the tail to the requested quantile (logistic scores: the true 0.25% and 1% quantiles)', () => {
    for (const fpr of [0.0025, 0.01]) {
      const r = supportedThresholdAtFpr(base, fpr);
      assert.equal(r.rule, 'tail');
      const want = logit(1 - fpr);
      assert.ok(
        Math.abs(logit(r.threshold as number) - want) < 0.25,
        `${fpr}: ${logit(r.threshold as number)} vs ${want}`,
      );
    }
    // The old rule at 0.25% is the top name: ~0.8 logits above the true quantile on this set.
    assert.ok(logit(thresholdAtFpr(base, 0.0025)) - logit(1 - 0.0025) > 0.5);
  });

  it('lands nearer the true quantile than the one-name quantile across independent sets of 359 (another draw = another retrain)', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return (seed + 0.5) / 2147483648;
    };
    const want = logit(1 - 0.0025);
    const rmse = (rule: (s: number[]) => number, sets: number[][]) =>
      Math.sqrt(sets.reduce((a, s) => a + (logit(rule(s)) - want) ** 2, 0) / sets.length);
    const sets = Array.from({ length: 200 }, () => Array.from({ length: n }, () => rand()));
    const old = rmse((s) => thresholdAtFpr(s, 0.0025), sets);
    const supported = rmse((s) => supportedThresholdAtFpr(s, 0.0025).threshold as number, sets);
    assert.ok(supported < 0.7 * old, `root mean square error ${supported} vs ${old} logits`);
  });

  it('is the plain quantile when at least 10 names stand behind it', () => {
    const big = logisticSet(4000);
    const r = supportedThresholdAtFpr(big, 0.0025);
    assert.equal(r.rule, 'empirical');
    assert.equal(r.threshold, thresholdAtFpr(big, 0.0025));
  });

  it('gives none for a set under 200 names', () => {
    const r = supportedThresholdAtFpr(logisticSet(150), 0.0025);
    assert.equal(r.rule, 'none');
    assert.equal(r.threshold, undefined);
  });

  it('is written into the version`s set_by', () => {
    const meta = platformSliceThresholds({
      command: 'measure',
      model: { dir: 'm', version: 6, thresholds: { suspicious: 0.9, malicious: 0.98 } },
      policy: { suspicious_fpr: 0.01, malicious_fpr: 0.0025 },
      slice_thresholds: { suspicious: 0.99, malicious: 0.995 },
      chosen_on: 'the choose half',
      rule: supportedRuleText(),
      figures: {},
    });
    assert.match(meta.platform_customer.set_by, /n \* fpr >= 10/);
    assert.match(meta.platform_customer.set_by, /top 20 names/);
  });
});
