#!/usr/bin/env bash
# CI smoke test of the training pipeline for every model: the newest committed version of each (domain,
# url, ip, email) is retrained with the same code path as a real retrain (TypeScript export -> Python
# training -> ONNX -> signed manifest), on a 2,000-row sample per source, into a temporary folder so
# that the committed models are never touched (email's recipes since v4 fetch their registry mail into
# models/training/.work/registry-ham first, as train.sh does). Checks each version's files and metadata, then that the server's own
# loader accepts all four (signature, checksum, golden outputs) and scores one indicator of each type
# with them. A few minutes on an idle 2-core machine.
#   models/training/smoke.sh            # DATA=../shared/data by default
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Signed with a key made for the run: the pipeline must write a manifest that the server's check accepts.
npx tsx scripts/models-sign.ts --keygen "$tmp/signing" > /dev/null

newest() { ls "models/$1" | grep -E '^[0-9]+$' | sort -n | tail -1; }
# The virtualenv train.sh uses, made here once: the runs below go two at a time, and two first uses of
# scripts/python-env.ts at once would both build it.
PYTHON_TRAIN=$(npx tsx scripts/python-env.ts models/training/requirements.txt)
export PYTHON_TRAIN

# One model: retrain its newest version on the sample, check its files and metadata, verify its signature.
smoke_one() {
  local name=$1 version
  version=$(newest "$name")
  OUT="$tmp/models" WORK="$tmp/work" models/training/train.sh "$name" "$version" --sample 2000 \
    --signing-key "$tmp/signing.key" > "$tmp/train-$name.log" 2>&1 || {
    cat "$tmp/train-$name.log"
    echo "smoke: training $name $version failed" >&2
    return 1
  }
  # Each step says how it failed: `set -e` does not reach inside a function called with `||` (below).
  python3 - "$tmp/models/$name/$version" "models/$name/$version" <<'PY' || return 1
import hashlib, json, sys
from pathlib import Path
out, committed = Path(sys.argv[1]), Path(sys.argv[2])
for f in ("model.onnx", "metadata.json", "golden.json", "assets.json"):
    assert (out / f).is_file(), f"missing {f}"
m = json.loads((out / "metadata.json").read_text())
c = json.loads((committed / "metadata.json").read_text())
required = ["name", "version", "features_version", "feature_names", "input", "output", "thresholds", "metrics",
            "training_data", "sha256", "rows", "sample_cap"]
missing = [k for k in required if k not in m]
assert not missing, f"metadata.json lacks {missing}"
assert (m["name"], m["version"], m["sample_cap"]) == (c["name"], c["version"], 2000), (m["name"], m["version"], m["sample_cap"])
# The retrain must compute the committed version's features, in its order, or the pipeline has drifted from it.
assert m["features_version"] == c["features_version"], (m["features_version"], c["features_version"])
assert m["feature_names"] == c["feature_names"], "feature names differ from the committed version's"
assert m["sha256"] == hashlib.sha256((out / "model.onnx").read_bytes()).hexdigest(), "sha256 does not match model.onnx"
assert m["input"]["shape"][1] == len(m["feature_names"]), "input width differs from the feature list"
assert 0 < m["thresholds"]["suspicious"] <= m["thresholds"]["malicious"] < 1, m["thresholds"]
assert m["metrics"]["roc_auc"] > 0.8, f"smoke model AUC {m['metrics']['roc_auc']} is implausibly low"
# Every per-source figure of the committed card is computed again (a source that drops out of the export shows here).
lost = [k for k in c["metrics"] if k.startswith(("roc_auc_", "fpr_at_malicious_")) and m["metrics"].get(k) is None]
assert not lost, f"metrics of the committed version missing from the retrain: {lost}"
assert all(s.get("license") for s in m["training_data"]), "every source needs a licence"
g = json.loads((out / "golden.json").read_text())
assert g["features_version"] == m["features_version"] and len(g["rows"]) > 0
assert (out / "manifest.json").is_file() and (out / "manifest.sig").is_file(), "train.sh did not sign the version"
print(f"smoke: {m['name']} {m['version']} ok: {len(g['rows'])} golden rows, test AUC {m['metrics']['roc_auc']:.3f} "
      f"on a {m['sample_cap']}-row sample per source")
PY
  npx tsx scripts/models-sign.ts --verify "$tmp/models/$name/$version" --public "$tmp/signing.pub" || return 1
}

# Email (its registry mail fetched and rendered first: ~70 of the ~130 s on this 2-core VM) runs beside
# the other three, which run one after another; each one's output is shown whole, in this order.
(smoke_one email > "$tmp/smoke-email.out" 2>&1) &
email=$!
status=0
for name in domain url ip; do
  smoke_one "$name" > "$tmp/smoke-$name.out" 2>&1 || status=1
  cat "$tmp/smoke-$name.out"
  [ "$status" -eq 0 ] || break
done
wait "$email" || status=1
cat "$tmp/smoke-email.out"
[ "$status" -eq 0 ] || exit 1

# The server's loader on the retrained repository, trusting only the run's key: every model must load
# (signature, checksum, golden outputs) and serve, then score one indicator of each type but email (a
# message type the command line does not take; its model's load is what the list checks). The IP is a
# public hosting address: a reserved one (TEST-NET) is answered by a rule, without the model.
THREATPREDICT_MODELS="$tmp/models" THREATPREDICT_MODEL_SIGNING_KEY="$tmp/signing.pub" node -e '
  const { createApp } = require("./dist/app");
  const { loadConfig } = require("./dist/config");
  const pino = require("pino");
  createApp(loadConfig([], process.env), pino({ level: "warn" })).then(async (app) => {
    const serving = app.repository.list().map((m) => `${m.name}@${m.serving?.version ?? "none"}`);
    await app.close();
    console.log(serving.join(" "));
  });
' > "$tmp/serving.txt"
for name in domain url ip email; do
  grep -qw "$name@$(newest "$name")" "$tmp/serving.txt" || {
    echo "smoke: the server did not serve the retrained $name $(newest "$name"): $(cat "$tmp/serving.txt")" >&2
    exit 1
  }
done
THREATPREDICT_MODELS="$tmp/models" THREATPREDICT_MODEL_SIGNING_KEY="$tmp/signing.pub" THREATPREDICT_LOG_LEVEL=warn \
  node bin/threatpredict.js predict example.com 45.77.10.10 > "$tmp/answers.jsonl"
THREATPREDICT_MODELS="$tmp/models" THREATPREDICT_MODEL_SIGNING_KEY="$tmp/signing.pub" THREATPREDICT_LOG_LEVEL=warn \
  node bin/threatpredict.js predict --type url 'http://example.com/login' >> "$tmp/answers.jsonl"
python3 - "$tmp/answers.jsonl" "$tmp/models" <<'PY'
import json, sys
from pathlib import Path
answers = [json.loads(l) for l in Path(sys.argv[1]).read_text().splitlines() if l.strip()]
types = {a["type"]: a for a in answers}
for t, name in (("INDICATOR_TYPE_DOMAIN", "domain"), ("INDICATOR_TYPE_IP", "ip"), ("INDICATOR_TYPE_URL", "url")):
    a = types.get(t)
    assert a is not None and "error" not in a, f"no score for {t}: {a}"
    want = max(int(p.name) for p in (Path(sys.argv[2]) / name).iterdir())
    assert a["model"] == {"name": name, "version": want}, (t, a["model"], want)
    assert 0 <= a["score"] <= 1
print(f"smoke: the server's loader accepted the retrained models and scored {len(answers)} indicators with them")
PY
