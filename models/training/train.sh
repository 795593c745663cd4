#!/usr/bin/env bash
# Trains one model version end to end: TypeScript feature export (the serving code), then Python
# training/evaluation/ONNX export. Usage:
#   models/training/train.sh domain 1                 # full data from ../shared/data -> models/domain/1
#   models/training/train.sh domain 1 --sample 3000   # small smoke run (CI), still the same code path
#   models/training/train.sh domain 2 --sources my-sources.json   # your own data (see domain-sources.json)
#   models/training/train.sh ip 1 --features ip/1 --sources models/training/ip-sources-v1.json  # an older features version
#   models/training/train.sh domain 3 --signing-key ~/keys/models.key   # signs what it writes (manifest.json/.sig)
# Environment: DATA=../shared/data, OUT=models (write models/<name>/<version> there), WORK=models/training/.work,
# THREATPREDICT_MODEL_SIGNING_PRIVATE_KEY (a private key file: sign, as --signing-key does).
set -euo pipefail
name=${1:?model name (domain)}; version=${2:?version number}; shift 2
sample=()
extra=()
sources=
signing_key=${THREATPREDICT_MODEL_SIGNING_PRIVATE_KEY:-}
export_extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sample) sample=(--sample "$2"); shift 2 ;;
    --sources) sources=$2; shift 2 ;;
    --features) export_extra+=(--features "$2"); shift 2 ;;
    --signing-key) signing_key=$2; shift 2 ;;
    *) extra+=("$1"); shift ;;
  esac
done
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
work=${WORK:-models/training/.work}/$name
out=${OUT:-models}/$name/$version
# A version's own sources file (e.g. email-2-sources.json, other features version) wins over the model's default.
# A version made from another's model (metadata `derived_from` "url v3": the same model.onnx with thresholds or
# rules of its own) is retrained with that version's recipe.
recipe=$version
while [ -z "$sources" ]; do
  if [ -f "models/training/$name-$recipe-sources.json" ]; then sources=models/training/$name-$recipe-sources.json; break; fi
  from=$(node -e 'const f = process.argv[1]; if (require("fs").existsSync(f)) {
    const m = /^\S+ v(\d+)\b/.exec(JSON.parse(require("fs").readFileSync(f, "utf8")).derived_from ?? "");
    if (m) console.log(m[1]); }' "models/$name/$recipe/metadata.json")
  # Only an older version can be a recipe's source (a metadata naming itself or a newer one would loop).
  if [ -z "$from" ] || [ "$from" -ge "$recipe" ]; then sources=models/training/$name-sources.json; else recipe=$from; fi
done
# A recipe whose data a script fetches from the package registries names the script (`data_prepare`) and the
# folder it leaves (`data`, linking ../shared/data beside what it made): without DATA, train.sh runs the
# script and reads that folder, so `train.sh email 4` retrains email v4 by itself.
prepare=$(node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  if (s.data_prepare) console.log(`${s.data_prepare}\t${s.data}`);' "$sources")
if [ -z "${DATA:-}" ] && [ -n "$prepare" ]; then
  WORK= bash "${prepare%%$'\t'*}" >&2   # its own default folder, which the recipe names (smoke.sh sets WORK)
  data=${prepare#*$'\t'}
else
  data=${DATA:-../shared/data}
fi
# The pinned Python packages, in a virtualenv made on first use (scripts/python-env.ts); PYTHON_TRAIN overrides.
python=${PYTHON_TRAIN:-$(npx tsx scripts/python-env.ts models/training/requirements.txt)}
# A manifest left from an earlier run would no longer match the new files: the version would be refused.
rm -f "$out/manifest.json" "$out/manifest.sig"
npx tsx "src/training/export-$name.ts" --sources "$sources" --data "$data" --out "$work" "${sample[@]}" "${export_extra[@]}"
"$python" models/training/train.py --export "$work" --out "$out" "${extra[@]}"
if [ -n "$signing_key" ]; then
  npx tsx scripts/models-sign.ts "$out" --key "$signing_key"
else
  echo "train.sh: $out is UNSIGNED; servers refuse it unless it is signed (npm run models:sign -- $out --key KEY) or started with --allow-unsigned-models true" >&2
fi
