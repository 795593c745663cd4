#!/usr/bin/env bash
# The IP model's out-of-source evaluation (models/training/evaluate.py), with the exports it needs because
# the features carry reputation counts learned from the training rows:
#   - the main export (network split), for the in-distribution figures per source;
#   - one export per source whose counts were built WITHOUT that source (--assets-without), so leaving a
#     source out of the model also leaves it out of the counts;
#   - a time-split export (C2 first seen before 2024-10-01 train, Q4 2024 validation, 2025 and ipsum test;
#     benign split by address, counts from the train split only): reported as later_in_time.
# Thresholds come from the hardest benign source (the one that needs the highest threshold). The result goes into
# models/ip/<version>/metadata.json as out_of_source_evaluation; the served model is untouched.
#   models/training/ip-evaluate.sh 2 [--max-iter 100]
# A features version without a published model (a candidate) is evaluated the same way, its result kept in
# the work folder (and copied to RESULT if set) instead of a metadata.json:
#   FEATURES=ip/3 RESULT=models/training/results/ip-3-candidate.json models/training/ip-evaluate.sh 3 --max-iter 50
set -euo pipefail
version=${1:?model version whose metadata receives the result}; shift
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
data=${DATA:-../shared/data}
work=${WORK:-models/training/.work}/ip-eval
sources=${SOURCES:-models/training/ip-sources.json}
meta="${OUT:-models}/ip/$version/metadata.json"
if [ -n "${FEATURES:-}" ]; then
  features=$FEATURES
  [ -f "$meta" ] || meta=
else
  features=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['features_version'])" "$meta")
fi
export_ip() { npx tsx src/training/export-ip.ts --sources "$sources" --data "$data" --features "$features" "$@"; }
export_ip --out "$work/main"
loso=()
for s in $(python3 -c "import json,sys; print(' '.join(s['name'] for s in json.load(open(sys.argv[1]))['sources']))" "$sources"); do
  export_ip --out "$work/without-$s" --assets-without "$s"
  loso+=(--loso-export "$s=$work/without-$s")
done
export_ip --out "$work/time" --split time --benign-split address
python=${PYTHON_TRAIN:-$(npx tsx scripts/python-env.ts models/training/requirements.txt)}
"$python" models/training/evaluate.py --export "$work/main" "${loso[@]}" --later-export "$work/time" \
  --out "$work/out-of-source.json" ${meta:+--metadata "$meta"} "$@"
if [ -n "${RESULT:-}" ]; then mkdir -p "$(dirname "$RESULT")"; cp "$work/out-of-source.json" "$RESULT"; fi
[ -n "$meta" ] || exit 0
# What the version serves with beyond the model and its counts: the rule data and the enrichment, with licences.
python3 - "$meta" src/indicators/ip/data/known-services.json <<'PY'
import json, sys
meta_path, known_path = sys.argv[1], sys.argv[2]
meta, known = json.load(open(meta_path)), json.load(open(known_path))
meta["rules_and_enrichment"] = {
    "known_services": {
        "file": "src/indicators/ip/data/known-services.json",
        "source": known["repository"], "license": known["license"],
        "answer": "verdict benign, no score, reason KNOWN_SERVICE naming the service",
        "services": [{k: s[k] for k in ("id", "name", "kind", "path", "commit")} | {"ranges": len(s["ipv4"]) + len(s["ipv6"])}
                     for s in known["services"]],
    },
    "hosting_ranges": {"file": "src/indicators/ip/data/hosting-ranges.json", "source": "lord-alfred/ipranges", "license": "CC0 1.0"},
    "geo_asn": {"source": "DB-IP City Lite, RouteViews + NRO + DB-IP ASN Lite via @ip-location-db", "license": "CC BY 4.0"},
}
open(meta_path, "w").write(json.dumps(meta, indent=2) + "\n")
PY
