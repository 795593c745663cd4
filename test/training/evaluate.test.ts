/**
 * models/training/evaluate.py on a small synthetic export whose answers are known: one benign source
 * ("hard") overlaps the malicious scores, one ("easy") does not, one malicious source is dated.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { promisify } from 'node:util';
import { pythonWith } from '../../scripts/python-env';

interface SourceFigures {
  label: 'benign' | 'malicious';
  rows: number;
  roc_auc_vs_benign?: number;
  detection_at_malicious?: number;
  fpr_at_malicious?: number;
  fpr_at_suspicious?: number;
}
interface LongLabel {
  benign: { rows: number; fpr_at_suspicious?: number; fpr_at_malicious?: number };
  malicious: { rows: number; detection_at_suspicious?: number; detection_at_malicious?: number };
}
interface PolicyFigures {
  thresholds: Record<string, number>;
  fpr_at_suspicious?: number;
  fpr_at_malicious?: number;
  detection_at_suspicious?: number;
  detection_at_malicious?: number;
}
interface Result {
  in_distribution: {
    thresholds: Record<string, number>;
    thresholds_set_by: Record<string, string>;
    sources: Record<string, SourceFigures>;
    long_label?: LongLabel;
  };
  leave_one_source_out: Record<
    string,
    SourceFigures & {
      thresholds: Record<string, number>;
      thresholds_set_by: Record<string, string>;
      long_label?: LongLabel;
      policies?: Record<string, PolicyFigures>;
    }
  >;
  later_in_time?: { cutoff: string; assets?: string; sources: Record<string, SourceFigures> };
  summary: Record<string, number | null> & {
    long_label_left_out?: LongLabel;
    long_label_left_out_real_sources?: LongLabel;
    policies?: Record<string, Record<string, unknown>>;
  };
}

const dir = mkdtempSync(join(tmpdir(), 'evaluate-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// A seeded generator so the data (and the test's outcome) never change.
let seed = 12345;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());

let result: Result;
let longResult: Result;
let policyResult: Result;
let laterResult: Result & { later_in_time?: { assets?: string } };
let laterMismatch: string;
/** Test-split rows of the export whose site label is long (> 20 characters), by source. */
const longTestRows: Record<string, number> = {};
before(async () => {
  const sources: [string, number, number, number][] = [
    // name, label, rows, mean of feature 0
    ['easy', 0, 3000, -2],
    ['hard', 0, 3000, 0.5],
    ['phish', 1, 3000, 2],
    ['dga', 1, 3000, 3],
  ];
  const feats: number[] = [];
  const lines = ['indicator\tlabel\tsource\tgroup\trank\tsplit\tsite\tlineage\tdate'];
  for (const [name, label, rows, mean] of sources) {
    for (let i = 0; i < rows; i++) {
      feats.push(mean + gauss(), gauss());
      const u = rnd();
      const split = u < 0.7 ? 'train' : u < 0.8 ? 'val' : 'test';
      const date = name === 'phish' ? `2024-${String(1 + (i % 12)).padStart(2, '0')}-01` : '';
      // Site labels for the --long-label slice: every "hard" row long (21+), half the phishing rows long, a
      // third of the "easy" rows long and a third exactly 20 characters (not longer than 20: outside the slice).
      const long = name === 'hard' || (name === 'phish' && i % 2 === 0) || (name === 'easy' && i % 3 === 1);
      const site = long
        ? `${name}${'x'.repeat(21)}${i}.example`
        : name === 'easy' && i % 3 === 0
          ? `${name}${i}`.padEnd(20, 'y')
          : `${name}${i}`;
      if (long && split === 'test') longTestRows[name] = (longTestRows[name] ?? 0) + 1;
      lines.push([`${name}${i}.example`, label, name, '', 0, split, site, name, date].join('\t'));
    }
  }
  writeFileSync(join(dir, 'features.f32'), Buffer.from(new Float32Array(feats).buffer));
  writeFileSync(join(dir, 'rows.tsv'), `${lines.join('\n')}\n`);
  const spec = {
    model: 'synthetic',
    features_version: 'synthetic/1',
    feature_names: ['f0', 'f1'],
    // "easy" stands for a derived source (synthetic rows), which the real-sources slice leaves out.
    sources: sources.map(([name]) => ({ name, ...(name === 'easy' ? { format: 'derived' } : {}) })),
    train_params: { max_iter: 20, max_depth: 3 },
  };
  writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
  const script = join(__dirname, '..', '..', 'models', 'training', 'evaluate.py');
  // The pinned interpreter (numpy, scikit-learn), not whatever python3 is on PATH.
  const python = await pythonWith([join(__dirname, '..', '..', 'models', 'training', 'requirements.txt')]);
  await promisify(execFile)(python, [script, '--export', dir, '--out', join(dir, 'out.json')], { timeout: 120_000 });
  result = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as Result;
  const args = [
    '--export',
    dir,
    '--out',
    join(dir, 'long.json'),
    '--long-label',
    '20',
    '--sources',
    'hard',
    'phish',
    'easy',
    '--policy',
    'same=0.02,0.005',
    '--policy',
    'tight=0.002,0.0005',
  ];
  await promisify(execFile)(python, [script, ...args], { timeout: 120_000 });
  longResult = JSON.parse(readFileSync(join(dir, 'long.json'), 'utf8')) as Result;
  // The same export whose sources file names its own threshold policy: evaluate.py applies it without flags.
  const policyDir = join(dir, 'policy');
  mkdirSync(policyDir);
  for (const f of ['features.f32', 'rows.tsv']) copyFileSync(join(dir, f), join(policyDir, f));
  const policySpec = {
    ...spec,
    threshold_policy: { on: 'hardest-source', suspicious_fpr: 0.002, malicious_fpr: 0.0005 },
  };
  writeFileSync(join(policyDir, 'spec.json'), JSON.stringify(policySpec));
  await promisify(execFile)(
    python,
    [script, '--export', policyDir, '--out', join(policyDir, 'out.json'), '--sources', 'hard', '--skip-loso'],
    { timeout: 120_000 },
  );
  policyResult = JSON.parse(readFileSync(join(policyDir, 'out.json'), 'utf8')) as Result;
  // --later-in-time-export: the same rows whose features (as if from assets learned before the cut-off)
  // make the later phishing rows look like the easy benign ones; the later-in-time run must use them.
  const laterDir = join(dir, 'later');
  mkdirSync(laterDir);
  const shifted = new Float32Array(feats);
  lines.slice(1).forEach((l, i) => {
    const r = l.split('\t');
    if (r[2] === 'phish' && r[8]! >= '2024-10-01') shifted[i * 2] = -2 + gauss();
  });
  writeFileSync(join(laterDir, 'features.f32'), Buffer.from(shifted.buffer));
  for (const f of ['rows.tsv', 'spec.json']) copyFileSync(join(dir, f), join(laterDir, f));
  writeFileSync(join(laterDir, 'cutoff.json'), JSON.stringify({ cutoff: '2024-10-01' }));
  const later = [script, '--export', dir, '--skip-loso', '--later-in-time-export', laterDir];
  await promisify(execFile)(python, [...later, '--out', join(dir, 'later.json')], { timeout: 120_000 });
  laterResult = JSON.parse(readFileSync(join(dir, 'later.json'), 'utf8'));
  laterMismatch = await promisify(execFile)(python, [...later, '--time-cutoff', '2024-09-01'], {
    timeout: 120_000,
  }).then(
    () => '',
    (e: { stderr: string }) => e.stderr,
  );
});

it('sets thresholds on the benign source with the most false positives, not on the pooled benign rows', () => {
  assert.equal(result.in_distribution.thresholds_set_by.malicious, 'hard');
  assert.equal(result.in_distribution.thresholds_set_by.suspicious, 'hard');
  // Hence the hard source stays near its target on test, and the easy one far below it.
  const hard = result.in_distribution.sources.hard!;
  assert.ok(hard.fpr_at_malicious! < 0.02, `hard FPR ${hard.fpr_at_malicious}`);
  assert.equal(result.in_distribution.sources.easy!.fpr_at_malicious, 0);
});

it('leaves each source out in turn and never lets a left-out benign source choose its own threshold', () => {
  assert.deepEqual(Object.keys(result.leave_one_source_out).sort(), ['dga', 'easy', 'hard', 'phish']);
  assert.equal(result.leave_one_source_out.hard!.thresholds_set_by.malicious, 'easy');
  // Trained and thresholded without the hard source, it is flagged far more than the target.
  assert.ok(result.leave_one_source_out.hard!.fpr_at_malicious! > 0.05);
});

it('never mixes labels: malicious sources get AUC and detection, benign sources false-positive rates', () => {
  for (const f of Object.values(result.leave_one_source_out)) {
    if (f.label === 'malicious') {
      assert.equal(typeof f.roc_auc_vs_benign, 'number');
      assert.equal(f.fpr_at_malicious, undefined);
    } else {
      assert.equal(typeof f.fpr_at_suspicious, 'number');
      assert.equal(f.roc_auc_vs_benign, undefined);
    }
  }
  assert.ok(result.summary.macro_roc_auc_left_out_malicious_sources! > 0.8);
});

it('scores later dated rows with a model trained on earlier ones, and only dated malicious sources', () => {
  const lt = result.later_in_time!;
  assert.equal(lt.cutoff, '2024-10-01');
  assert.ok(lt.sources.phish !== undefined && lt.sources.dga === undefined);
  assert.ok(lt.sources.phish.rows < 1000, 'only the test split from the cut-off on');
});

it('--later-in-time-export scores the later rows with the features of that export, at its cut-off', () => {
  const lt = laterResult.later_in_time!;
  assert.equal(lt.cutoff, '2024-10-01');
  assert.match(lt.assets!, /before the cut-off only/);
  assert.match(result.later_in_time!.assets!, /later rows included/);
  // The later phishing rows now look benign: ranked far below what the main export's features give.
  assert.ok(result.later_in_time!.sources.phish!.roc_auc_vs_benign! > 0.9);
  assert.ok(lt.sources.phish!.roc_auc_vs_benign! < 0.7, `AUC ${lt.sources.phish!.roc_auc_vs_benign}`);
  // In distribution (not the later run) the main export's features stay.
  assert.equal(
    laterResult.in_distribution.sources.phish!.roc_auc_vs_benign,
    result.in_distribution.sources.phish!.roc_auc_vs_benign,
  );
  assert.match(laterMismatch, /differs from .*cut-off 2024-10-01/);
});

it('--long-label N reports benign false positives and malicious detection of names whose registrable label is longer than N', () => {
  // Without the option, no slice.
  assert.equal(result.in_distribution.long_label, undefined);
  const id = longResult.in_distribution.long_label!;
  // Exactly the long test rows: the 20-character "easy" labels are not longer than 20.
  assert.equal(id.benign.rows, longTestRows.hard! + longTestRows.easy!);
  assert.equal(id.malicious.rows, longTestRows.phish);
  assert.equal(typeof id.benign.fpr_at_suspicious, 'number');
  assert.equal(typeof id.malicious.detection_at_malicious, 'number');
  // Left out: the slice of the left-out source, scored by the model trained without it, at its thresholds.
  const hard = longResult.leave_one_source_out.hard!;
  assert.equal(hard.long_label!.benign.rows, longTestRows.hard);
  assert.equal(hard.long_label!.benign.fpr_at_suspicious, hard.fpr_at_suspicious);
  assert.equal(hard.long_label!.benign.fpr_at_malicious, hard.fpr_at_malicious);
  assert.ok(hard.long_label!.benign.fpr_at_malicious! > 0.05, 'the hard source left out is flagged');
  // Pooled over the left-out sources (here hard and phish), labels never mixed.
  const pooled = longResult.summary.long_label_left_out!;
  assert.equal(pooled.benign.rows, longTestRows.hard! + longTestRows.easy!);
  // Without the derived source ("easy"), the real-sources slice is the hard source's.
  const real = longResult.summary.long_label_left_out_real_sources!;
  assert.equal(real.benign.rows, longTestRows.hard);
  assert.equal(real.benign.fpr_at_malicious, hard.fpr_at_malicious);
  assert.equal(pooled.malicious.rows, longTestRows.phish);
  const phish = longResult.leave_one_source_out.phish!.long_label!;
  assert.equal(phish.benign.rows, 0);
  assert.equal(pooled.malicious.detection_at_suspicious, phish.malicious.detection_at_suspicious);
  assert.equal(typeof pooled.malicious.detection_at_suspicious, 'number');
  assert.equal(Object.keys(longResult.leave_one_source_out).sort().join(), 'easy,hard,phish');
  assert.equal(longResult.leave_one_source_out.easy!.long_label!.benign.rows, longTestRows.easy);
});

it('--policy measures other per-source FPR targets on the same throw-away models, thresholds only', () => {
  const hard = longResult.leave_one_source_out.hard!;
  const same = hard.policies!.same!;
  // The policy equal to the primary one reproduces its thresholds and figures exactly (same models).
  assert.deepEqual(same.thresholds, hard.thresholds);
  assert.equal(same.fpr_at_suspicious, hard.fpr_at_suspicious);
  assert.equal(same.fpr_at_malicious, hard.fpr_at_malicious);
  // A tighter target raises both thresholds, so the left-out hard source is flagged less and phishing detected less.
  const tight = hard.policies!.tight!;
  assert.ok(tight.thresholds.suspicious! > same.thresholds.suspicious!);
  assert.ok(tight.thresholds.malicious! > same.thresholds.malicious!);
  assert.ok(
    tight.fpr_at_suspicious! < same.fpr_at_suspicious!,
    `${tight.fpr_at_suspicious} < ${same.fpr_at_suspicious}`,
  );
  const phish = longResult.leave_one_source_out.phish!.policies!;
  assert.ok(phish.tight!.detection_at_suspicious! < phish.same!.detection_at_suspicious!);
  // Summarised per policy: the left-out real benign source over the targets is named.
  const summary = longResult.summary.policies!;
  assert.deepEqual(summary.same!.left_out_real_benign_sources_over_target_at_suspicious, ['hard']);
  assert.equal(summary.same!.max_fpr_at_suspicious_left_out_real_benign_source, hard.fpr_at_suspicious);
});

it("applies the sources file's threshold_policy when no FPR is given on the command line", () => {
  const tight = longResult.in_distribution as unknown as { policies: Record<string, { thresholds: unknown }> };
  assert.deepEqual(policyResult.in_distribution.thresholds, tight.policies.tight!.thresholds);
  assert.notDeepEqual(policyResult.in_distribution.thresholds, longResult.in_distribution.thresholds);
});

it('--auc-benign-except also scores each malicious source against the benign pool without the named sources', async () => {
  const script = join(__dirname, '..', '..', 'models', 'training', 'evaluate.py');
  const python = await pythonWith([join(__dirname, '..', '..', 'models', 'training', 'requirements.txt')]);
  const out = join(dir, 'except.json');
  const args = [script, '--export', dir, '--skip-loso', '--auc-benign-except', 'hard', '--out', out];
  await promisify(execFile)(python, args, { timeout: 120_000 });
  const sources = (JSON.parse(readFileSync(out, 'utf8')) as Result).in_distribution.sources as Record<
    string,
    SourceFigures & { roc_auc_vs_benign_except?: number }
  >;
  // Without the overlapping "hard" rows only the "easy" ones are left: phishing separates from them almost
  // perfectly, while the AUC against the whole pool keeps the overlap.
  const phish = sources.phish!;
  assert.ok(phish.roc_auc_vs_benign_except! > 0.99, `except ${phish.roc_auc_vs_benign_except}`);
  assert.ok(phish.roc_auc_vs_benign! < phish.roc_auc_vs_benign_except! - 0.02, `pool ${phish.roc_auc_vs_benign}`);
  assert.equal(sources.easy!.roc_auc_vs_benign_except, undefined);
});
