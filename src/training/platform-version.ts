/**
 * A domain or URL model version that is an earlier one plus thresholds for platform customer sites:
 * the same model.onnx, assets and golden rows (scores do not change, so the golden probabilities stay
 * true), and metadata with the next version number and `slice_thresholds.platform_customer` taken from
 * a measure-platform-slice.ts result (scripts/domain/ or scripts/url/). Written unsigned: the lead
 * signs what is published.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLATFORM_CUSTOMER } from '../indicators/domain/platform-slice';

/** What measure-platform-slice.ts writes (the parts a version records). */
export interface PlatformSliceResult {
  command: string;
  model: { dir: string; version: number; thresholds: { suspicious: number; malicious: number } };
  policy: { suspicious_fpr: number; malicious_fpr: number };
  slice_thresholds: { suspicious: number; malicious: number };
  chosen_on: string;
  /** How the quantiles were read (measure-platform-slice.ts `rule`); absent in results before the supported rule. */
  rule?: string;
  figures: Record<string, unknown>;
  stability?: Record<string, unknown>;
}

/** What the domain slice applies to (src/indicators/domain/platform-slice.ts). */
const DOMAIN_APPLIES_TO =
  'customer sites of a platform (PSL private suffix or shared hosting, not dynamic DNS) whose name has no lure evidence (brand, lookalike, phishing keyword, crypto brand or word, lure word)';

/** The `slice_thresholds` metadata entry a measure-platform-slice.ts result gives. */
export function platformSliceThresholds(r: PlatformSliceResult, appliesTo?: string) {
  return {
    [PLATFORM_CUSTOMER]: {
      suspicious: r.slice_thresholds.suspicious,
      malicious: r.slice_thresholds.malicious,
      applies_to: appliesTo ?? DOMAIN_APPLIES_TO,
      set_by: `threshold_policy FPRs (${r.policy.suspicious_fpr} / ${r.policy.malicious_fpr}) on ${r.chosen_on}: ${r.rule ?? 'the plain quantile'}; never below the global thresholds`,
      command: r.command,
      evaluation: r.figures,
      ...(r.stability === undefined ? {} : { stability: r.stability }),
    },
  };
}

export function writePlatformVersion(opts: {
  from: string;
  out: string;
  version: number;
  result: PlatformSliceResult;
  /** What the slice applies to, as the metadata says it (default: the domain slice's). */
  appliesTo?: string;
}) {
  const meta = JSON.parse(readFileSync(join(opts.from, 'metadata.json'), 'utf8'));
  const r = opts.result;
  if (r.model.version !== meta.version)
    throw new Error(`the slice was measured on version ${r.model.version}, not on ${opts.from} (${meta.version})`);
  mkdirSync(opts.out, { recursive: true });
  for (const f of ['model.onnx', 'assets.json', 'golden.json']) copyFileSync(join(opts.from, f), join(opts.out, f));
  meta.version = opts.version;
  meta.derived_from = `${meta.name} v${r.model.version}: the same model.onnx, assets and golden rows; thresholds of its own for platform customer sites`;
  meta.slice_thresholds = platformSliceThresholds(r, opts.appliesTo);
  writeFileSync(join(opts.out, 'metadata.json'), `${JSON.stringify(meta, null, 1)}\n`);
}

/**
 * A domain version that is an earlier one (same model.onnx, assets, golden rows and slice thresholds)
 * whose metadata answers hosting platforms' own names (`s3.eu-west-1.amazonaws.com`, `github.io`:
 * src/indicators/domain/platform-own.ts) benign by rule, with the model's score beside it.
 * `evaluation`: what measure-long-tail.ts measured, recorded in the metadata. Written unsigned.
 */
export function writePlatformOwnVersion(opts: {
  from: string;
  out: string;
  version: number;
  evaluation?: Record<string, unknown>;
}) {
  const meta = JSON.parse(readFileSync(join(opts.from, 'metadata.json'), 'utf8'));
  if (meta.platform_own_names !== undefined) throw new Error(`${opts.from} already answers platform own names`);
  mkdirSync(opts.out, { recursive: true });
  for (const f of ['model.onnx', 'assets.json', 'golden.json']) copyFileSync(join(opts.from, f), join(opts.out, f));
  meta.derived_from = `domain v${meta.version}: the same model.onnx, assets, golden rows and slice thresholds; platforms' own names answered benign by rule`;
  meta.version = opts.version;
  meta.platform_own_names = {
    verdict: 'benign',
    applies_to:
      "names that are a public suffix of the PSL's private section (tldts), not reached only through a wildcard rule (or themselves the base of one): the platform's own name, not a customer's site; the lookalike floor still applies",
    ...(opts.evaluation === undefined ? {} : { evaluation: opts.evaluation }),
  };
  writeFileSync(join(opts.out, 'metadata.json'), `${JSON.stringify(meta, null, 1)}\n`);
}

/**
 * A domain version with a model of its own (train.sh output) given the serving rules of an earlier
 * version re-derived for it: platform customer slice thresholds measured on this model
 * (measure-platform-slice.ts result) and, when `rulesFrom` answers platforms' own names, the same rule.
 * `evaluation`: measure-long-tail.ts figures to record (`resolver_like_evaluation`). Written unsigned.
 */
export function writeRetrainedVersion(opts: {
  model: string;
  rulesFrom: string;
  out: string;
  slice: PlatformSliceResult;
  evaluation?: Record<string, unknown>;
}) {
  const meta = JSON.parse(readFileSync(join(opts.model, 'metadata.json'), 'utf8'));
  const rules = JSON.parse(readFileSync(join(opts.rulesFrom, 'metadata.json'), 'utf8'));
  if (
    opts.slice.model.version !== meta.version ||
    opts.slice.model.thresholds.suspicious !== meta.thresholds.suspicious
  )
    throw new Error(`the slice was measured on ${opts.slice.model.dir}, not on the model in ${opts.model}`);
  mkdirSync(opts.out, { recursive: true });
  if (opts.out !== opts.model)
    for (const f of ['model.onnx', 'assets.json', 'golden.json']) copyFileSync(join(opts.model, f), join(opts.out, f));
  meta.slice_thresholds = platformSliceThresholds(opts.slice);
  if (rules.platform_own_names !== undefined) {
    const { evaluation: _measuredOnOtherModel, ...rule } = rules.platform_own_names;
    meta.platform_own_names = rule;
  }
  if (opts.evaluation !== undefined) meta.resolver_like_evaluation = opts.evaluation;
  writeFileSync(join(opts.out, 'metadata.json'), `${JSON.stringify(meta, null, 1)}\n`);
}
