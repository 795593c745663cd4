/**
 * The figures scripts/email/eval-served.ts reports, from one row per scored message. Pure functions,
 * so a replay of the same predictions under another rule of combination (rows read back from its
 * `--messages` file with `served` recomputed) gives figures that compare line by line.
 *
 * Labels are never mixed in one figure: legitimate rows give shares raised, malicious rows detection,
 * and an AUC always sets one malicious set against legitimate rows.
 */
import { rocAuc } from '../../src/training/roc-auc';

export type Level = 'benign' | 'suspicious' | 'malicious';

/** One scored message: the message model's score and the served one (with its embedded indicators). */
export interface ScoredMessage {
  set: string;
  file: string;
  label: 'benign' | 'malicious';
  /** In the sample and the train or validation split of the source the version was trained on. */
  seen: boolean;
  /** The message's Date, YYYY-MM-DD, or ''. */
  date: string;
  model: number;
  served: number;
  modelVerdict: Level;
  /** The verdict read off `served`, before the parse-limit rule. */
  combinedVerdict: Level;
  /** What PredictEmails answered. */
  verdict: Level;
  parseLimit: boolean;
  /** The indicators inside its own model calls malicious, with where they sit (the rule's input). */
  cited: { indicator: string; kind: string; score: number; foundIn: string[] }[];
  /** Targets of links whose visible text names another site. */
  mismatches: string[];
}

const RANK: Record<Level, number> = { benign: 0, suspicious: 1, malicious: 2 };
const pct = (k: number, n: number) => (n === 0 ? null : Number(((100 * k) / n).toFixed(2)));
const round = (x: number | null) => (x === null ? null : Number(x.toFixed(4)));

/** The rule before issue 13's fix: any malicious indicator inside lifted the message to SUSPICIOUS. */
function oldRule(s: ScoredMessage): number {
  return Math.max(RANK[s.modelVerdict], s.cited.length > 0 || s.parseLimit ? 1 : 0);
}

/** What raised a message to `level`: the model alone, the model with malicious indicators inside too, the indicators, the parse limit. */
export function raisedBy(s: ScoredMessage, level: number): 'model' | 'both' | 'embedded' | 'parse_limit' {
  if (RANK[s.modelVerdict] >= level) return s.cited.length > 0 ? 'both' : 'model';
  return RANK[s.combinedVerdict] >= level ? 'embedded' : 'parse_limit';
}

/** Legitimate rows: shares at suspicious or above and at malicious, served, model alone and old rule, and what raised them. */
export function legitimateFigures(rows: readonly ScoredMessage[]) {
  const at = (level: number) => {
    const raised = rows.filter((r) => RANK[r.verdict] >= level);
    const by = { model: 0, both: 0, embedded: 0, parse_limit: 0 };
    for (const r of raised) by[raisedBy(r, level)]++;
    return {
      served_pct: pct(raised.length, rows.length),
      model_only_pct: pct(rows.filter((r) => RANK[r.modelVerdict] >= level).length, rows.length),
      old_rule_pct: pct(rows.filter((r) => oldRule(r) >= level).length, rows.length),
      raised: raised.length,
      raised_by: by,
    };
  };
  return {
    rows: rows.length,
    with_malicious_indicator_pct: pct(rows.filter((r) => r.cited.length > 0).length, rows.length),
    // Which indicator model flags something inside legitimate mail (url, domain, email_address, ip): messages per kind.
    with_malicious_indicator_by_kind: Object.fromEntries(
      [...new Set(rows.flatMap((r) => r.cited.map((c) => c.kind)))]
        .sort()
        .map((k) => [k, rows.filter((r) => r.cited.some((c) => c.kind === k)).length]),
    ),
    suspicious_or_above: at(1),
    malicious: at(2),
  };
}

/** Malicious rows: ROC AUC of the served and the model's score against legitimate rows, and detection at each verdict. */
export function maliciousFigures(rows: readonly ScoredMessage[], legitimate: readonly ScoredMessage[]) {
  const auc = (key: 'served' | 'model') =>
    round(
      rocAuc(
        rows.map((r) => r[key]),
        legitimate.map((r) => r[key]),
      ),
    );
  const detected = (level: number, verdict: (r: ScoredMessage) => number) =>
    pct(rows.filter((r) => verdict(r) >= level).length, rows.length);
  return {
    rows: rows.length,
    legitimate_rows: legitimate.length,
    auc_served: auc('served'),
    auc_model: auc('model'),
    detected_suspicious_or_above: {
      served_pct: detected(1, (r) => RANK[r.verdict]),
      model_only_pct: detected(1, (r) => RANK[r.modelVerdict]),
      old_rule_pct: detected(1, oldRule),
    },
    detected_malicious: {
      served_pct: detected(2, (r) => RANK[r.verdict]),
      model_only_pct: detected(2, (r) => RANK[r.modelVerdict]),
      old_rule_pct: detected(2, oldRule),
    },
  };
}

/**
 * Per malicious set: all its rows against all legitimate rows, its unseen rows against the unseen
 * legitimate rows, and the same for its rows dated on or after `cutoff` (later in time).
 */
export function maliciousSlices(rows: readonly ScoredMessage[], legitimate: readonly ScoredMessage[], cutoff: string) {
  const unseenLegitimate = legitimate.filter((r) => !r.seen);
  const later = rows.filter((r) => r.date >= cutoff);
  return {
    all: maliciousFigures(rows, legitimate),
    unseen: maliciousFigures(
      rows.filter((r) => !r.seen),
      unseenLegitimate,
    ),
    later: maliciousFigures(later, legitimate),
    later_unseen: maliciousFigures(
      later.filter((r) => !r.seen),
      unseenLegitimate,
    ),
  };
}

/** Mean of the sets' AUCs that exist (a set with no row in a slice has none). */
export function macro(aucs: readonly (number | null)[]): number | null {
  const xs = aucs.filter((x): x is number => x !== null);
  return xs.length === 0 ? null : round(xs.reduce((a, b) => a + b, 0) / xs.length);
}
