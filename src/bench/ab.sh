#!/usr/bin/env bash
# A/B of two builds on one load, for changes smaller than this noisy machine's run-to-run spread
# (+-15% between runs of the same build). Both servers run at once; the load alternates between
# them, A B A B ..., and the medians are compared. Only the servers' own CPU is counted.
#
#   npm run build && cp -r dist dist-b                        # the change
#   git stash && npm run build && cp -r dist dist-a && git stash pop && npm run build
#   src/bench/ab.sh dist-a dist-b "unary -batch 1 -names unique -view full -concurrency 64" 5
#   src/bench/ab.sh dist-a dist-b "stream -batch 1000 -names hot -view full -streams 4 -window 2" 4
#
# Extra arguments after the pair count go to both servers; A_ARGS and B_ARGS (words) to one each, e.g.
#   A_ARGS="--workers 1" B_ARGS="--workers 2" bench/ab.sh dist dist "stream ..." 4
# The dist copies must sit in the repository
# root (they find src/gen and models/ relative to themselves). Needs Go (the load generator).
set -euo pipefail
a=${1:?dist dir A}; b=${2:?dist dir B}; load=${3:?loadgen arguments}; pairs=${4:-5}
shift 4 || shift $#
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
work=$(mktemp -d)
trap 'kill $pa $pb 2>/dev/null || true; rm -rf "$work"' EXIT
(cd src/bench/loadgen && go build -buildvcs=false -o "$work/loadgen" .)
tranco=../shared/data/domains/tranco_top100k.txt
[ -f "$tranco" ] || tranco=

# shellcheck disable=SC2086 # A_ARGS and B_ARGS are words
node "$a/main.js" --listen 127.0.0.1:46001 --log-level info "$@" ${A_ARGS:-} > "$work/a.log" 2>&1 & pa=$!
# shellcheck disable=SC2086
node "$b/main.js" --listen 127.0.0.1:46002 --log-level info "$@" ${B_ARGS:-} > "$work/b.log" 2>&1 & pb=$!
for _ in $(seq 1 240); do
  grep -q '"msg":"serving"' "$work/a.log" && grep -q '"msg":"serving"' "$work/b.log" && break
  sleep 0.5
done

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# One 4 s window after 1 s of warm-up: items/s and server CPU us per item (clock ticks of 10 ms).
# Each window gets its own counter range ($3, -offset): the load generator's values are unique only
# for offsets below 256, and a repeated range would let the cache answer a "unique" run.
run() {
  local t0 t1 out
  t0=$(ticks "$2")
  # shellcheck disable=SC2086 # the load's arguments are words
  out=$("$work/loadgen" $load -addr "127.0.0.1:$1" -warmup 1s -duration 4s -offset "$3" ${tranco:+-tranco "$tranco"} 2> "$work/err" | tail -1)
  t1=$(ticks "$2")
  # A window that fails (the load generator stops at the first failed stream) stops the comparison
  # with its error and the servers' last log lines, rather than leaving a hole in the medians.
  if ! python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(d['itemsPerSec'], ($t1-$t0)*10000/(d['items']*1.25))" "$out" 2> /dev/null; then
    { echo "window against 127.0.0.1:$1 failed: $out"; cat "$work/err"; tail -n 5 "$work/a.log" "$work/b.log"; } >&2
    return 1
  fi
}
for i in $(seq 1 "$pairs"); do
  ra=$(run 46001 $pa $((2 * i))) || exit 1
  echo "A $ra"
  rb=$(run 46002 $pb $((2 * i + 1))) || exit 1
  echo "B $rb"
done > "$work/runs"
python3 - "$work/runs" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
for k in "AB":
    r = [(float(a), float(c)) for x, a, c in rows if x == k]
    print(k, f"items/s median {statistics.median(x[0] for x in r):,.0f}", "runs", [f"{x[0]:,.0f}" for x in r],
          f"server CPU us/item median {statistics.median(x[1] for x in r):.2f}", "runs", [f"{x[1]:.1f}" for x in r])
PY
