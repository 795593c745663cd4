/**
 * src/training/slice-rule.ts: the slice thresholds of scripts/{domain,url}/measure-platform-slice.ts by
 * rule, at the URL slice's numbers (v4: 345 choosing URLs at 2% / 0.5% FPR, i.e. 6.9 and 1.7 URLs expected
 * above the thresholds; the old rule's malicious threshold is the 2nd highest URL). The `supported`
 * cases fail with `one-name` (the plain quantile the URL script used before).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseSliceRule,
  sliceRuleText,
  sliceStability,
  sliceSupport,
  sliceThresholds,
} from '../../src/training/slice-rule';
import { supportedThresholdAtFpr, thresholdAtFpr } from '../../src/training/threshold';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const logit = (p: number) => Math.log(p / (1 - p));
const logisticSet = (n: number) => Array.from({ length: n }, (_, i) => sigmoid(logit((i + 0.5) / n)));

const URL_POLICY = { suspicious_fpr: 0.02, malicious_fpr: 0.005 };
const LOW_GLOBAL = { suspicious: 0.5, malicious: 0.6 };
const n = 345;
const base = logisticSet(n);

/** The set with its k-th highest score (1 = the highest) moved `dz` logits up. */
function raised(scores: readonly number[], k: number, dz: number): number[] {
  const order = [...scores.keys()].sort((a, b) => (scores[b] as number) - (scores[a] as number));
  const out = [...scores];
  const i = order[k - 1] as number;
  out[i] = sigmoid(logit(out[i] as number) + dz);
  return out;
}

describe('sliceThresholds at the URL slice`s numbers', () => {
  it('the malicious threshold does not follow the 2nd highest URL (the one-name rule does)', () => {
    const moved = (rule: 'supported' | 'one-name') =>
      logit(sliceThresholds(rule, raised(base, 2, 1.5), URL_POLICY, LOW_GLOBAL).malicious) -
      logit(sliceThresholds(rule, base, URL_POLICY, LOW_GLOBAL).malicious);
    // The 2nd name 1.5 logits up passes the top one: the old rule's threshold moves to the old top name.
    assert.ok(moved('one-name') > 0.4, `one-name moved ${moved('one-name')}`);
    const bound = (1.5 / 20) * Math.log(20 / (n * 0.005)) + 1e-3;
    assert.ok(moved('supported') <= bound, `supported moved ${moved('supported')}, at most ${bound}`);
  });

  it('the suspicious threshold does not follow the 7th highest URL (the one-name rule does)', () => {
    const moved = (rule: 'supported' | 'one-name') =>
      logit(sliceThresholds(rule, raised(base, 7, 0.1), URL_POLICY, LOW_GLOBAL).suspicious) -
      logit(sliceThresholds(rule, base, URL_POLICY, LOW_GLOBAL).suspicious);
    // 0.1 logits keeps it below the 6th (0.17 above): the old rule moves by all of it.
    assert.ok(moved('one-name') > 0.099, `one-name moved ${moved('one-name')}`);
    assert.ok(
      moved('supported') <= (0.1 / 20) * Math.log(20 / (n * 0.02)) + 1e-3,
      `supported moved ${moved('supported')}`,
    );
  });

  it('supported is the tail fit for both verdicts and one-name the plain quantile', () => {
    const s = sliceThresholds('supported', base, URL_POLICY, LOW_GLOBAL);
    assert.equal(s.suspicious, supportedThresholdAtFpr(base, 0.02).threshold);
    assert.equal(s.malicious, supportedThresholdAtFpr(base, 0.005).threshold);
    const o = sliceThresholds('one-name', base, URL_POLICY, LOW_GLOBAL);
    assert.equal(o.suspicious, thresholdAtFpr(base, 0.02));
    assert.equal(o.malicious, thresholdAtFpr(base, 0.005));
    assert.notEqual(s.malicious, o.malicious);
  });

  it('never goes below the global thresholds', () => {
    const high = { suspicious: 0.999, malicious: 0.9999 };
    for (const rule of ['supported', 'one-name'] as const)
      assert.deepEqual(sliceThresholds(rule, base, URL_POLICY, high), high);
  });

  it('keeps the global thresholds for a set under 200 URLs with the supported rule (the one-name rule reads a quantile)', () => {
    const small = logisticSet(150);
    assert.deepEqual(sliceThresholds('supported', small, URL_POLICY, LOW_GLOBAL), LOW_GLOBAL);
    assert.notDeepEqual(sliceThresholds('one-name', small, URL_POLICY, LOW_GLOBAL), LOW_GLOBAL);
  });
});

describe('sliceSupport, sliceStability, parseSliceRule', () => {
  it('says how many URLs stand behind each threshold', () => {
    const s = sliceSupport(base, URL_POLICY);
    assert.deepEqual(
      [s.suspicious.n, s.suspicious.expected_names, s.suspicious.supported_rule, s.suspicious.one_name_rule_rank],
      [345, 6.9, 'tail', 7],
    );
    assert.deepEqual(
      [s.malicious.expected_names, s.malicious.supported_rule, s.malicious.one_name_rule_rank],
      [1.73, 'tail', 2],
    );
  });

  it('bootstraps reproducibly, the supported malicious threshold tighter than the one-name one on a smooth set', () => {
    const a = sliceStability(base, logisticSet(340), URL_POLICY, LOW_GLOBAL, 200);
    const b = sliceStability(base, logisticSet(340), URL_POLICY, LOW_GLOBAL, 200);
    assert.deepEqual(a, b);
    const boot = a.bootstrap as Record<string, { malicious: { p25: number; p75: number } }>;
    const iqr = (r: string) => logit(boot[r]!.malicious.p75) - logit(boot[r]!.malicious.p25);
    assert.ok(iqr('supported') < iqr('one-name'), `IQR ${iqr('supported')} vs ${iqr('one-name')} logits`);
    assert.deepEqual(
      a.halves_swapped.supported,
      sliceThresholds('supported', logisticSet(340), URL_POLICY, LOW_GLOBAL),
    );
  });

  it('draws whole sites when given the site of each score, so repeated URLs of one site do not narrow the spread', () => {
    const perScore = sliceStability(base, logisticSet(340), URL_POLICY, LOW_GLOBAL, 200);
    const ownUnits = sliceStability(
      base,
      logisticSet(340),
      URL_POLICY,
      LOW_GLOBAL,
      200,
      base.map((_, i) => `site${i}`),
    );
    assert.deepEqual(ownUnits.bootstrap, perScore.bootstrap, 'one score per site draws as before');
    assert.equal(ownUnits.bootstrap_unit, 'site');
    // 100 sites of 10 URLs each, every URL of a site scoring alike: 1,000 scores, but 100 pieces of
    // evidence. Drawn score by score, the 0.5% threshold (5 URLs) looks ~3x steadier than it is.
    const sites = logisticSet(100);
    const scores = sites.flatMap((x) => Array.from({ length: 10 }, () => x));
    const units = sites.flatMap((_, i) => Array.from({ length: 10 }, () => `site${i}`));
    const spread = (r: ReturnType<typeof sliceStability>) => {
      const boot = r.bootstrap as Record<string, { malicious: { p05: number; p95: number } }>;
      return logit(boot.supported!.malicious.p95) - logit(boot.supported!.malicious.p05);
    };
    const byScore = sliceStability(scores, scores, URL_POLICY, LOW_GLOBAL, 400);
    const bySite = sliceStability(scores, scores, URL_POLICY, LOW_GLOBAL, 400, units);
    assert.equal(bySite.bootstrap_units, 100);
    assert.ok(spread(bySite) > 2 * spread(byScore), `site ${spread(bySite)} vs score ${spread(byScore)} logits`);
    assert.throws(() => sliceStability(scores, scores, URL_POLICY, LOW_GLOBAL, 10, units.slice(1)), /units for/);
  });

  it('accepts only the two rules and names them', () => {
    assert.equal(parseSliceRule('supported'), 'supported');
    assert.equal(parseSliceRule('one-name'), 'one-name');
    assert.throws(() => parseSliceRule('quantile'));
    assert.throws(() => parseSliceRule(undefined));
    assert.match(sliceRuleText('supported'), /n \* fpr >= 10/);
  });
});
