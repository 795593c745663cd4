/** The metadata.json written by models/training/train.py beside each model.onnx, validated on load. */
import type { Verdict } from '../indicators/types';

const VERDICTS: readonly unknown[] = ['benign', 'suspicious', 'malicious'] satisfies Verdict[];

export interface TrainingSourceMeta {
  name: string;
  license: string;
  label: string;
  rows: number;
  origin: string;
}

export interface ModelMetadata {
  name: string;
  version: number;
  features_version: string;
  feature_names: string[];
  input: { name: string; shape: [null, number]; dtype: 'float32' };
  output: { name: string; positive_class_index: number };
  algorithm: string;
  thresholds: { suspicious: number; malicious: number };
  /**
   * Thresholds of their own for slices of the input that the global ones misjudge, by slice key (the
   * pipeline's `thresholdSlice` says which slice an item is in; e.g. domain `platform_customer`).
   */
  slice_thresholds?: Record<string, { suspicious: number; malicious: number }>;
  /**
   * The verdict for a hosting platform's own names (domain: a private PSL suffix such as
   * `s3.eu-west-1.amazonaws.com`, src/indicators/domain/platform-own.ts), answered by a rule with the
   * model's score beside it; versions without it score those names like any other.
   */
  platform_own_names?: { verdict: Verdict };
  training_data: TrainingSourceMeta[];
  metrics: Record<string, number | null>;
  sha256: string;
  trained_at: string;
}

function need(cond: boolean, what: string): void {
  if (!cond) throw new Error(`metadata.json: ${what}`);
}

/** Parses and checks the fields the server relies on; throws with the first problem found. */
export function parseMetadata(json: string): ModelMetadata {
  const m = JSON.parse(json) as ModelMetadata;
  need(typeof m === 'object' && m !== null, 'not a JSON object');
  need(typeof m.name === 'string' && m.name !== '', 'name missing');
  need(Number.isInteger(m.version) && m.version > 0, 'version must be a positive integer');
  need(typeof m.features_version === 'string', 'features_version missing');
  need(Array.isArray(m.feature_names) && m.feature_names.length > 0, 'feature_names missing');
  need(typeof m.input?.name === 'string', 'input.name missing');
  need(typeof m.output?.name === 'string', 'output.name missing');
  const t = m.thresholds;
  need(
    typeof t?.suspicious === 'number' && typeof t.malicious === 'number' && t.suspicious <= t.malicious,
    'thresholds must have suspicious <= malicious',
  );
  for (const [slice, st] of Object.entries(m.slice_thresholds ?? {}))
    need(
      typeof st?.suspicious === 'number' && typeof st.malicious === 'number' && st.suspicious <= st.malicious,
      `slice_thresholds.${slice} must have suspicious <= malicious`,
    );
  need(
    m.platform_own_names === undefined || VERDICTS.includes(m.platform_own_names?.verdict),
    'platform_own_names.verdict must be benign, suspicious or malicious',
  );
  need(typeof m.sha256 === 'string' && /^[0-9a-f]{64}$/.test(m.sha256), 'sha256 missing');
  need(Array.isArray(m.training_data), 'training_data missing');
  return m;
}
