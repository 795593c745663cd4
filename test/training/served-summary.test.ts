/**
 * The figures of scripts/email/eval-served.ts: what raised a legitimate message (the model alone, the
 * model with flagged indicators inside, the indicators only, the parse limit), the old rule replayed on
 * the same predictions, and detection and AUC of malicious rows against legitimate ones.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Level,
  legitimateFigures,
  maliciousFigures,
  maliciousSlices,
  raisedBy,
  type ScoredMessage,
} from '../../scripts/email/served-summary';

const flagged = [{ indicator: 'https://a.example/', kind: 'url', score: 0.99, foundIn: ['text'] }];

function row(
  label: 'benign' | 'malicious',
  modelVerdict: Level,
  combinedVerdict: Level,
  opts: Partial<ScoredMessage> = {},
): ScoredMessage {
  return {
    set: label === 'benign' ? 'ham' : 'phish',
    file: 'x.eml',
    label,
    seen: false,
    date: '',
    model: { benign: 0.1, suspicious: 0.85, malicious: 0.95 }[modelVerdict],
    served: { benign: 0.1, suspicious: 0.85, malicious: 0.95 }[combinedVerdict],
    modelVerdict,
    combinedVerdict,
    verdict: combinedVerdict,
    parseLimit: false,
    cited: [],
    mismatches: [],
    ...opts,
  };
}

describe('raisedBy', () => {
  const cases: [string, ScoredMessage, number, string][] = [
    ['the model alone', row('benign', 'suspicious', 'suspicious'), 1, 'model'],
    ['the model, with a flagged link too', row('benign', 'suspicious', 'malicious', { cited: flagged }), 1, 'both'],
    ['lifted to malicious by the link', row('benign', 'suspicious', 'malicious', { cited: flagged }), 2, 'embedded'],
    ['the link only', row('benign', 'benign', 'suspicious', { cited: flagged }), 1, 'embedded'],
    [
      'the parse limit',
      row('benign', 'benign', 'benign', { verdict: 'suspicious', parseLimit: true }),
      1,
      'parse_limit',
    ],
  ];
  for (const [name, r, level, want] of cases) it(name, () => assert.equal(raisedBy(r, level), want));
});

describe('legitimateFigures', () => {
  it('gives served, model-alone and old-rule shares and what raised each message', () => {
    const rows = [
      row('benign', 'benign', 'benign'),
      row('benign', 'benign', 'benign', { cited: flagged }),
      row('benign', 'benign', 'suspicious', { cited: flagged }),
      row('benign', 'malicious', 'malicious'),
    ];
    const f = legitimateFigures(rows);
    assert.equal(f.rows, 4);
    assert.equal(f.with_malicious_indicator_pct, 50);
    assert.deepEqual(f.with_malicious_indicator_by_kind, { url: 2 });
    assert.deepEqual(f.suspicious_or_above, {
      served_pct: 50,
      model_only_pct: 25,
      // the old rule lifted both messages with a flagged link to suspicious
      old_rule_pct: 75,
      raised: 2,
      raised_by: { model: 1, both: 0, embedded: 1, parse_limit: 0 },
    });
    assert.equal(f.malicious.served_pct, 25);
    assert.equal(f.malicious.old_rule_pct, 25);
  });
});

describe('maliciousFigures', () => {
  it('sets malicious rows against legitimate rows only', () => {
    const ham = [row('benign', 'benign', 'benign'), row('benign', 'suspicious', 'suspicious')];
    const phish = [row('malicious', 'malicious', 'malicious'), row('malicious', 'benign', 'suspicious')];
    const f = maliciousFigures(phish, ham);
    assert.equal(f.rows, 2);
    assert.equal(f.legitimate_rows, 2);
    // served: 0.95 and 0.85 against 0.1 and 0.85 -> (2 + 1.5) / 4; the model alone: 0.95 and 0.1 -> (2 + 0.5) / 4
    assert.equal(f.auc_served, 0.875);
    assert.equal(f.auc_model, 0.625);
    assert.deepEqual(f.detected_suspicious_or_above, { served_pct: 100, model_only_pct: 50, old_rule_pct: 50 });
  });

  it('slices the unseen rows against the unseen legitimate rows, and the later ones by date', () => {
    const ham = [row('benign', 'benign', 'benign'), row('benign', 'benign', 'benign', { seen: true })];
    const phish = [
      row('malicious', 'malicious', 'malicious', { date: '2024-03-01' }),
      row('malicious', 'malicious', 'malicious', { date: '2023-12-31', seen: true }),
    ];
    const s = maliciousSlices(phish, ham, '2024-01-01');
    assert.deepEqual(
      [s.all.rows, s.all.legitimate_rows, s.unseen.rows, s.unseen.legitimate_rows, s.later.rows, s.later_unseen.rows],
      [2, 2, 1, 1, 1, 1],
    );
  });
});
