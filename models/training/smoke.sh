#!/usr/bin/env bash
# CI smoke test of the domain training pipeline: the same code path as a real retrain (TypeScript
# export -> Python training -> ONNX), on a 2,000-row sample per source, into a temporary folder so
# that models/ is never touched. Checks that a loadable model version comes out. About a minute.
#   models/training/smoke.sh            # DATA=../shared/data by default
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Signed with a key made for the run: the pipeline must write a manifest that the server's check accepts.
npx tsx scripts/models-sign.ts --keygen "$tmp/signing" > /dev/null
OUT="$tmp/models" WORK="$tmp/work" models/training/train.sh domain 1 --sample 2000 --signing-key "$tmp/signing.key" > "$tmp/train.log" 2>&1 || {
  cat "$tmp/train.log"
  echo "smoke: training failed" >&2
  exit 1
}
python3 - "$tmp/models/domain/1" <<'PY'
import hashlib, json, sys
from pathlib import Path
out = Path(sys.argv[1])
for f in ("model.onnx", "metadata.json", "golden.json", "assets.json"):
    assert (out / f).is_file(), f"missing {f}"
m = json.loads((out / "metadata.json").read_text())
required = ["name", "version", "features_version", "feature_names", "input", "output", "thresholds", "metrics",
            "training_data", "sha256", "rows", "sample_cap"]
missing = [k for k in required if k not in m]
assert not missing, f"metadata.json lacks {missing}"
assert m["name"] == "domain" and m["version"] == 1 and m["sample_cap"] == 2000, (m["name"], m["version"], m["sample_cap"])
assert m["sha256"] == hashlib.sha256((out / "model.onnx").read_bytes()).hexdigest(), "sha256 does not match model.onnx"
assert m["input"]["shape"][1] == len(m["feature_names"]), "input width differs from the feature list"
assert 0 < m["thresholds"]["suspicious"] <= m["thresholds"]["malicious"] < 1, m["thresholds"]
for k in ("roc_auc", "roc_auc_andrewaeva_dga", "roc_auc_openphish_hosts", "fpr_top10k_at_malicious"):
    assert m["metrics"].get(k) is not None, f"metric {k} missing"
assert m["metrics"]["roc_auc"] > 0.8, f"smoke model AUC {m['metrics']['roc_auc']} is implausibly low"
assert all(s.get("license") for s in m["training_data"]), "every source needs a licence"
g = json.loads((out / "golden.json").read_text())
assert g["features_version"] == m["features_version"] and len(g["rows"]) > 0
assert (out / "manifest.json").is_file() and (out / "manifest.sig").is_file(), "train.sh did not sign the version"
print(f"smoke: ok: {len(g['rows'])} golden rows, test AUC {m['metrics']['roc_auc']:.3f} on a {m['sample_cap']}-row sample per source")
PY
npx tsx scripts/models-sign.ts --verify "$tmp/models/domain/1" --public "$tmp/signing.pub"
