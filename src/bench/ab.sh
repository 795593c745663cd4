#!/usr/bin/env bash
# A/B of two builds on one load, for changes smaller than this noisy machine's run-to-run spread
# (+-15% between runs of the same build). Both servers run at once; the load alternates between
# them, A B A B ..., and the medians are compared: items/s, the servers' own CPU per item (process
# tree) and the event loop's (main thread) share of it, and the load generator's p50 and p99 latency
# (per message: a call, or a stream message). The 1-minute load average is printed before and after.
#
#   npm run build && cp -r dist dist-b                        # the change
#   git stash && npm run build && cp -r dist dist-a && git stash pop && npm run build
#   src/bench/ab.sh dist-a dist-b "unary -batch 1 -names unique -view full -concurrency 64" 5
#   src/bench/ab.sh dist-a dist-b "stream -batch 1000 -names hot -view full -streams 4 -window 2" 4
#
# Extra arguments after the pair count go to both servers; A_ARGS and B_ARGS (words) to one each, e.g.
#   A_ARGS="--workers 1" B_ARGS="--workers 2" bench/ab.sh dist dist "stream ..." 4
# and A_NODE_ARGS and B_NODE_ARGS (words) to one server's node, before main.js, e.g.
#   B_NODE_ARGS="--max-semi-space-size=32" bench/ab.sh dist dist "stream ..." 4
# The dist copies must sit in the repository
# root (they find src/gen and models/ relative to themselves). Needs Go (the load generator). The
# servers listen on free ports (several comparisons may run on one machine at once).
set -euo pipefail
a=${1:?dist dir A}; b=${2:?dist dir B}; load=${3:?loadgen arguments}; pairs=${4:-5}
shift 4 || shift $#
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
work=$(mktemp -d)
pa=; pb=
trap 'kill $pa $pb 2>/dev/null || true; rm -rf "$work"' EXIT
(cd src/bench/loadgen && go build -buildvcs=false -o "$work/loadgen" .)
tranco=../shared/data/domains/tranco_top100k.txt
[ -f "$tranco" ] || tranco=

free_port() { node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })"; }
porta=$(free_port); portb=$(free_port)
# shellcheck disable=SC2086 # A_ARGS, B_ARGS and the NODE_ARGS are words
node ${A_NODE_ARGS:-} "$a/main.js" --listen "127.0.0.1:$porta" --log-level info "$@" ${A_ARGS:-} > "$work/a.log" 2>&1 & pa=$!
# shellcheck disable=SC2086
node ${B_NODE_ARGS:-} "$b/main.js" --listen "127.0.0.1:$portb" --log-level info "$@" ${B_ARGS:-} > "$work/b.log" 2>&1 & pb=$!
for _ in $(seq 1 240); do
  grep -q '"msg":"serving"' "$work/a.log" && grep -q '"msg":"serving"' "$work/b.log" && break
  sleep 0.5
done
for side in a b; do
  grep -q '"msg":"serving"' "$work/$side.log" || { echo "server $side did not start:"; tail -n 5 "$work/$side.log"; exit 1; } >&2
done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# Clock ticks (10 ms) of the main thread and of the whole process.
ticks() { awk '{print $14 + $15}' "/proc/$1/task/$1/stat" "/proc/$1/stat" | paste -sd' '; }
# One 4 s window after 1 s of warm-up: items/s, server CPU us per item (clock ticks of 10 ms), the
# event loop's part of it, p50 and p99 in ms. The ticks span warm-up and window (5 s); the load
# generator counts the window's 4 s only. Each window gets its own counter range ($3, -offset): the
# load generator's values are unique only for offsets below 256, and a repeated range would let the
# cache answer a "unique" run.
run() {
  local l0 p0 l1 p1 out
  read -r l0 p0 <<< "$(ticks "$2")"
  # shellcheck disable=SC2086 # the load's arguments are words
  out=$("$work/loadgen" $load -addr "127.0.0.1:$1" -warmup 1s -duration 4s -offset "$3" ${tranco:+-tranco "$tranco"} 2> "$work/err" | tail -1)
  read -r l1 p1 <<< "$(ticks "$2")"
  # A window that fails (the load generator stops at the first failed stream) stops the comparison
  # with its error and the servers' last log lines, rather than leaving a hole in the medians.
  if ! python3 -c "
import json, sys
d = json.loads(sys.argv[1]); items = d['items'] * 1.25
print(d['itemsPerSec'], ($p1 - $p0) * 10000 / items, ($l1 - $l0) * 10000 / items, d['p50us'] / 1000, d['p99us'] / 1000)
" "$out" 2> /dev/null; then
    { echo "window against 127.0.0.1:$1 failed: $out"; cat "$work/err"; tail -n 5 "$work/a.log" "$work/b.log"; } >&2
    return 1
  fi
}
for i in $(seq 1 "$pairs"); do
  ra=$(run "$porta" "$pa" $((2 * i))) || exit 1
  echo "A $ra"
  rb=$(run "$portb" "$pb" $((2 * i + 1))) || exit 1
  echo "B $rb"
done > "$work/runs"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work/runs" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
names = ["items/s", "server CPU us/item", "event loop us/item", "p50 ms", "p99 ms"]
for k in "AB":
    r = [[float(v) for v in row[1:]] for row in rows if row[0] == k]
    print(k, "medians:", ", ".join(f"{n} {statistics.median(x[c] for x in r):,.2f}" for c, n in enumerate(names)))
    for c, n in enumerate(names):
        print(f"  {n:20s}", [f"{x[c]:,.2f}" for x in r])
PY
