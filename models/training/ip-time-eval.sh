#!/usr/bin/env bash
# The IP model's second evaluation: train on the past, test on the future. Trains a throw-away model on
# C2-Tracker addresses first seen before 2024-10-01 (thresholds from Q4 2024), tests on 2025 C2 addresses
# and on ipsum (a 2026 snapshot); benign rows keep the /24 split (they are undated). The metrics are
# merged into models/ip/<version>/metadata.json as `time_split_evaluation`; the served model is untouched.
#   models/training/ip-time-eval.sh 1
# This is ip/1's evaluation (its sources file and features); ip/2 and later: models/training/ip-evaluate.sh.
set -euo pipefail
version=${1:?model version whose metadata receives the result}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
data=${DATA:-../shared/data}
work=${WORK:-models/training/.work}/ip-time
python=${PYTHON_TRAIN:-$(npx tsx scripts/python-env.ts models/training/requirements.txt)}
npx tsx src/training/export-ip.ts --sources models/training/ip-sources-v1.json --features ip/1 --data "$data" --out "$work" --split time
"$python" models/training/train.py --export "$work" --out "$work/model/1" --auc-by-group
python3 - "$work/model/1/metadata.json" "${OUT:-models}/ip/$version/metadata.json" <<'EOF'
import json, sys
evaluation, target = json.load(open(sys.argv[1])), sys.argv[2]
meta = json.load(open(target))
meta["time_split_evaluation"] = {
    "split": "malicious: C2-Tracker first_seen < 2024-10-01 train, 2024-10-01..2024-12-31 validation (thresholds), "
             ">= 2025-01-01 test, ipsum (2026-08 snapshot) test; benign: hash of /24 as in the main split",
    "rows": evaluation["rows"],
    "thresholds": evaluation["thresholds"],
    "metrics": evaluation["metrics"],
}
open(target, "w").write(json.dumps(meta, indent=2) + "\n")
print(json.dumps(meta["time_split_evaluation"], indent=1))
EOF
