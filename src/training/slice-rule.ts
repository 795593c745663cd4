/**
 * Platform slice thresholds by rule (issue 12), for the slice measurements of both the domain and the
 * URL model (scripts/{domain,url}/measure-platform-slice.ts): `supported` (supportedThresholdAtFpr: a
 * quantile needs n * fpr >= 10 names, else an upper-tail extrapolation) or `one-name` (the plain
 * quantile, thresholdAtFpr, that earlier versions used: at a small set it is its highest name or so).
 * Never below the global thresholds; a set too small for any supported threshold keeps the global ones.
 */
import { seededRandom } from '../seeded-random';
import { supportedRuleText, supportedThresholdAtFpr, thresholdAtFpr } from './threshold';

export const SLICE_RULES = ['supported', 'one-name'] as const;
export type SliceRule = (typeof SLICE_RULES)[number];
export interface SliceThresholds {
  suspicious: number;
  malicious: number;
}
export interface SlicePolicy {
  suspicious_fpr: number;
  malicious_fpr: number;
}

export function parseSliceRule(s: string | undefined): SliceRule {
  const rule = SLICE_RULES.find((r) => r === s);
  if (rule === undefined) throw new Error(`--rule ${SLICE_RULES.join('|')}, not ${s}`);
  return rule;
}

/** The rule in words (a result's `rule`, a version's `set_by`). */
export function sliceRuleText(rule: SliceRule): string {
  return rule === 'supported' ? supportedRuleText() : 'the plain quantile (thresholdAtFpr)';
}

function thresholdBy(rule: SliceRule, scores: readonly number[], fpr: number, floor: number): number {
  if (rule === 'one-name') return Math.max(floor, thresholdAtFpr(scores, fpr));
  return Math.max(floor, supportedThresholdAtFpr(scores, fpr).threshold ?? floor);
}

/** A slice's thresholds chosen on `scores` (a benign choosing set) by `rule`, never below `global`. */
export function sliceThresholds(
  rule: SliceRule,
  scores: readonly number[],
  policy: SlicePolicy,
  global: SliceThresholds,
): SliceThresholds {
  return {
    suspicious: thresholdBy(rule, scores, policy.suspicious_fpr, global.suspicious),
    malicious: thresholdBy(rule, scores, policy.malicious_fpr, global.malicious),
  };
}

/** How many names stand behind each threshold of the choosing set (n, n * fpr) and how the supported rule read it. */
export function sliceSupport(scores: readonly number[], policy: SlicePolicy) {
  const at = (fpr: number) => {
    const r = supportedThresholdAtFpr(scores, fpr);
    return {
      n: r.n,
      fpr,
      expected_names: Number(r.expected.toFixed(2)),
      supported_rule: r.rule,
      // The name the old rule's quantile sits on, counted from the top (1 = the highest; thresholdAtFpr's index).
      one_name_rule_rank: r.n - Math.min(Math.floor(r.n * (1 - fpr)), r.n - 1),
    };
  };
  return { suspicious: at(policy.suspicious_fpr), malicious: at(policy.malicious_fpr) };
}

/**
 * The choose half's scores grouped by unit (`units[i]` is the site of `choose[i]`), in first-seen order;
 * without units every score is its own unit.
 */
function groupByUnit(choose: readonly number[], units: readonly string[] | undefined): number[][] {
  if (units === undefined) return choose.map((x) => [x]);
  if (units.length !== choose.length) throw new Error(`${units.length} units for ${choose.length} scores`);
  const groups = new Map<string, number[]>();
  choose.forEach((x, i) => {
    const unit = units[i] as string;
    const group = groups.get(unit);
    if (group === undefined) groups.set(unit, [x]);
    else group.push(x);
  });
  return [...groups.values()];
}

/**
 * Each rule's thresholds on `rounds` bootstrap resamples of the choose half (seeded: the same draws on
 * every run) and with the halves swapped (the evaluate half choosing). With `units` (the site of each
 * score) a resample draws sites, each with all its scores: several URLs of one site are not independent
 * evidence, and drawing them one by one understates the spread.
 */
export function sliceStability(
  choose: readonly number[],
  evaluate: readonly number[],
  policy: SlicePolicy,
  global: SliceThresholds,
  rounds: number,
  units?: readonly string[],
) {
  const rand = seededRandom(20261207);
  const boot: Record<SliceRule, { suspicious: number[]; malicious: number[] }> = {
    supported: { suspicious: [], malicious: [] },
    'one-name': { suspicious: [], malicious: [] },
  };
  const groups = groupByUnit(choose, units);
  for (let b = 0; b < rounds; b++) {
    const sample = groups.flatMap(() => groups[Math.floor(rand() * groups.length)] as number[]);
    for (const rule of SLICE_RULES) {
      const t = sliceThresholds(rule, sample, policy, global);
      boot[rule].suspicious.push(t.suspicious);
      boot[rule].malicious.push(t.malicious);
    }
  }
  const q = (xs: number[], p: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return Number((s[Math.min(s.length - 1, Math.floor(p * s.length))] as number).toFixed(5));
  };
  const summary = (xs: number[]) => ({
    p05: q(xs, 0.05),
    p25: q(xs, 0.25),
    median: q(xs, 0.5),
    p75: q(xs, 0.75),
    p95: q(xs, 0.95),
  });
  return {
    bootstrap_rounds: rounds,
    bootstrap_unit: units === undefined ? 'score' : 'site',
    bootstrap_units: groups.length,
    bootstrap: Object.fromEntries(
      Object.entries(boot).map(([rule, v]) => [
        rule,
        { suspicious: summary(v.suspicious), malicious: summary(v.malicious) },
      ]),
    ),
    halves_swapped: {
      supported: sliceThresholds('supported', evaluate, policy, global),
      'one-name': sliceThresholds('one-name', evaluate, policy, global),
    },
    choose_half: {
      supported: sliceThresholds('supported', choose, policy, global),
      'one-name': sliceThresholds('one-name', choose, policy, global),
    },
    choose_half_top5: [...choose]
      .sort((a, b) => b - a)
      .slice(0, 5)
      .map((x) => Number(x.toFixed(5))),
  };
}
