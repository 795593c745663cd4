/**
 * models/training/ip-variants.py computes candidate IP columns itself (from rows.tsv) and must hold them to
 * the exporter's rules, or its honest figures are not honest: a training row's counts leave out its own
 * fold exactly as export-ip.ts does (the same fold for the same address), and rows that are not counted
 * (a left-out source, other splits) never enter the counts.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { before, it } from 'node:test';
import { promisify } from 'node:util';
import { pythonWith } from '../../scripts/python-env';
import { foldOf } from '../../src/training/split';

const script = join(__dirname, '..', '..', 'models', 'training', 'ip-variants.py');
let python: string;

/** Runs `code` with ip-variants.py imported as `v` (its folder on the path, as when it runs) and parses its printed JSON. */
async function withModule(code: string): Promise<unknown> {
  const prelude = [
    'import importlib.util, json, sys',
    `sys.path.insert(0, ${JSON.stringify(join(script, '..'))})`,
    `spec = importlib.util.spec_from_file_location("v", ${JSON.stringify(script)})`,
    'v = importlib.util.module_from_spec(spec); spec.loader.exec_module(v)',
  ].join('\n');
  const { stdout } = await promisify(execFile)(python, ['-c', `${prelude}\n${code}`]);
  return JSON.parse(stdout);
}

before(async () => {
  python = await pythonWith([join(__dirname, '..', '..', 'models', 'training', 'requirements.txt')]);
});

it('puts an address in the same out-of-fold fold as the exporter', async () => {
  const addresses = ['1.2.3.4', '8.8.8.8', '203.0.113.9', '2001:db8::1', '45.33.32.156', '13.32.0.1', '100.24.7.3'];
  const folds = (await withModule(`print(json.dumps([v.fold(a) for a in ${JSON.stringify(addresses)}]))`)) as number[];
  assert.deepEqual(
    folds,
    addresses.map((a) => foldOf(a, 5)),
  );
  assert.ok(new Set(folds).size > 1, 'the addresses should not all share one fold, or the check proves little');
});

it('counts only the counted rows, and a training row never its own fold', async () => {
  // AS 64500: one counted malicious training row (a), a benign test row (b) in its /24, and a malicious row of
  // a left-out source (c) that must not count. The shrunk ASN log-odds is 0 (the prior) when nothing counts.
  const rows = [
    { indicator: '198.51.100.1', label: '1', context: { asn: 64500 } },
    { indicator: '198.51.100.2', label: '0', context: { asn: 64500 } },
    { indicator: '198.51.100.3', label: '1', context: { asn: 64500 } },
    // Benign rows elsewhere, so the class balance is defined.
    { indicator: '192.0.2.1', label: '0', context: { asn: 64501 } },
  ].map((r) => ({ ...r, context: JSON.stringify({ as_organization: '', country_code: '', ...r.context }) }));
  const code = `
import numpy as np
rows = ${JSON.stringify(rows)}
y = np.array([int(r["label"]) for r in rows])
counted = np.array([True, False, False, True])
cols = v.shrink_columns(rows, y, counted)
print(json.dumps(cols[:, 0].round(6).tolist()))`;
  const asnColumn = (await withModule(code)) as number[];
  assert.equal(asnColumn[0], 0, 'the counted training row sees its own label through its ASN');
  // One counted malicious, no benign in the ASN, balance 1/1, prior 0.5 of strength 5: ln(3.5 / 2.5).
  const expected = Math.log(3.5 / 2.5);
  assert.ok(
    Math.abs((asnColumn[1] as number) - expected) < 1e-6,
    `a row outside the counts sees the counted row, and only it: ${asnColumn[1]} vs ${expected}`,
  );
  assert.equal(asnColumn[2], asnColumn[1], 'the left-out row sees the same counts (it is not in them)');
});
