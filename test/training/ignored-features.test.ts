/**
 * train.py's `ignored_features` (a sources file's list, carried into the export's spec): the trees are fitted with
 * those columns zeroed, so the model's output does not depend on them, while the golden rows keep the values the
 * server computes (the load-time golden check compares them). Email v5 drops `lookalike_domains` this way
 * (models/email/README.md, "Version 5"). A toy export: `leak` separates the classes exactly, `signal`
 * overlaps; with `leak` ignored, rewriting it in every golden row leaves every probability as it was, and without
 * the list the same rewrite moves them (so the check can fail).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { promisify } from 'node:util';
import { pythonWith } from '../../scripts/python-env';

const TRAINING = join(__dirname, '..', '..', 'models', 'training');

const SCRIPT = `
import json, sys, subprocess, os
import numpy as np
import onnxruntime as ort
training, tmp, ignore = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
rng = np.random.default_rng(7)
n = 1200
y = (np.arange(n) % 2).astype(int)
signal = (y + rng.normal(0, 1.2, n)).astype(np.float32)        # overlaps between the classes
leak = (y * 5 + rng.integers(0, 2, n)).astype(np.float32)       # separates them exactly
X = np.c_[signal, leak].astype(np.float32)
exp = os.path.join(tmp, "export"); os.makedirs(exp, exist_ok=True)
X.tofile(os.path.join(exp, "features.f32"))
split = np.array(["train", "val", "test", "train", "train"])[np.arange(n) % 5]
with open(os.path.join(exp, "rows.tsv"), "w") as f:
    f.write("indicator\\tlabel\\tsource\\tgroup\\trank\\tsplit\\tsite\\tdate\\n")
    for i in range(n):
        f.write(f"row{i}\\t{y[i]}\\t{'bad' if y[i] else 'good'}\\t\\t0\\t{split[i]}\\ts{i}\\t\\n")
spec = {"model": "toy", "features_version": "toy/1", "feature_names": ["signal", "leak"],
        "sources": [{"name": "good", "label": "benign", "license": "-", "origin": "-"},
                    {"name": "bad", "label": "malicious", "license": "-", "origin": "-"}]}
if ignore: spec["ignored_features"] = ["leak"]
json.dump(spec, open(os.path.join(exp, "spec.json"), "w"))
out = os.path.join(tmp, "model", "1")
subprocess.run([sys.executable, os.path.join(training, "train.py"), "--export", exp, "--out", out, "--max-iter", "30"],
               check=True, stdout=subprocess.DEVNULL)
meta = json.load(open(os.path.join(out, "metadata.json")))
golden = json.load(open(os.path.join(out, "golden.json")))["rows"]
sess = ort.InferenceSession(os.path.join(out, "model.onnx"))
G = np.array([r["features"] for r in golden], dtype=np.float32)
flipped = G.copy(); flipped[:, 1] = 5 - flipped[:, 1]
prob = lambda A: sess.run(None, {sess.get_inputs()[0].name: A})[1][:, 1].tolist()
print(json.dumps({"ignored": meta.get("ignored_features"), "golden_leak": G[:, 1].tolist(),
                  "golden_p": [r["probability"] for r in golden], "p": prob(G), "p_flipped": prob(flipped)}))
`;

interface Out {
  ignored: { names: string[] } | null;
  golden_leak: number[];
  golden_p: number[];
  p: number[];
  p_flipped: number[];
}

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function trainToy(ignore: boolean): Promise<Out> {
  const python = await pythonWith([join(TRAINING, 'requirements.txt')]);
  const dir = mkdtempSync(join(tmpdir(), 'ignored-features-'));
  dirs.push(dir);
  const { stdout } = await promisify(execFile)(python, ['-c', SCRIPT, TRAINING, dir, ignore ? '1' : '0'], {
    timeout: 120_000,
  });
  return JSON.parse(stdout) as Out;
}

const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))));

it('fits without an ignored column, records it, and keeps its real values in the golden rows', async () => {
  const out = await trainToy(true);
  assert.deepEqual(out.ignored?.names, ['leak']);
  assert.ok(
    out.golden_leak.some((v) => v !== 0),
    'golden rows hold the values the server computes, not the zeroed ones',
  );
  assert.ok(maxDiff(out.p, out.golden_p) < 1e-5, 'the ONNX model gives the golden probabilities');
  assert.equal(maxDiff(out.p, out.p_flipped), 0, 'rewriting the ignored column changes no probability');
});

it('without the list the same column decides (the check above can fail)', async () => {
  const out = await trainToy(false);
  assert.equal(out.ignored, null);
  assert.ok(
    maxDiff(out.p, out.p_flipped) > 0.5,
    `rewriting leak moved probabilities by ${maxDiff(out.p, out.p_flipped)}`,
  );
});
