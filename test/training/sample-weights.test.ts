/**
 * train.py's sample_weights with `long_label_weight`: benign rows of real sources whose registrable
 * label is long weigh more; malicious rows, derived (synthetic) rows and short labels do not, and the
 * two classes still weigh the same in total.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';
import { promisify } from 'node:util';
import { pythonWith } from '../../scripts/python-env';

const TRAINING = join(__dirname, '..', '..', 'models', 'training');

const SCRIPT = `
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from train import sample_weights
spec = {"sources": [{"name": "real"}, {"name": "variants", "format": "derived"}, {"name": "phish"}],
        "long_label_weight": {"min_length_exclusive": 20, "weight": 3}}
long, short = "californiacontractorbonds.com", "example.com"
rows = [{"source": "real", "label": "0", "site": long}, {"source": "real", "label": "0", "site": short},
        {"source": "variants", "label": "0", "site": long}, {"source": "phish", "label": "1", "site": long},
        {"source": "phish", "label": "1", "site": short}, {"source": "real", "label": "0", "site": "a" * 20 + ".com"}]
y = np.array([int(r["label"]) for r in rows])
idx = np.arange(len(rows))
print(json.dumps({"weighted": sample_weights(spec, rows, y, idx).tolist(),
                  "plain": sample_weights({"sources": spec["sources"]}, rows, y, idx).tolist()}))
`;

it('weighs long benign labels of real sources more, nothing else, classes still balanced', async () => {
  const python = await pythonWith([join(TRAINING, 'requirements.txt')]);
  const { stdout } = await promisify(execFile)(python, ['-c', SCRIPT, TRAINING], { timeout: 60_000 });
  const { weighted, plain } = JSON.parse(stdout) as { weighted: number[]; plain: number[] };
  const [longReal, shortReal, longDerived, longPhish, shortPhish, twenty] = weighted as number[];
  assert.ok(Math.abs(longReal! / shortReal! - 3) < 1e-9, `long real ${longReal} vs short ${shortReal}`);
  assert.equal(longDerived, shortReal, 'a derived (synthetic) row keeps its weight');
  assert.equal(twenty, shortReal, 'exactly 20 characters is not longer than 20');
  assert.equal(longPhish, shortPhish, 'malicious rows are never weighted by length');
  const sum = (w: number[], label: number) =>
    w.filter((_, i) => (i === 3 || i === 4) === (label === 1)).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum(weighted, 0) - sum(weighted, 1)) < 1e-9, 'benign and malicious weigh the same in total');
  assert.ok(
    plain.slice(0, 3).every((w) => w === plain[1]),
    'without long_label_weight every benign row weighs the same',
  );
});
