#!/usr/bin/env bash
# Issue 17 item 4: how the server scales with its pipeline workers. One server per worker count
# (`--workers N`, N = 1 .. max), all up at once; one load alternates between them, round after round,
# and each window reports items/s, server CPU per item (process tree) and how that CPU splits between
# the event loop (the main thread) and every other thread (the workers, V8's GC helpers, libuv), so the
# cost on a bigger machine can be projected (src/bench/README.md, "Scaling"). Medians per worker count.
#
#   npm run build
#   src/bench/scaling.sh dist "stream -batch 1000 -names unique -view full -streams 4 -window 4" 2 3
#
# Arguments: the dist dir, the load generator's arguments, the largest worker count (default: the
# core count), rounds (default 3); extra arguments go to every server. Needs Go (the load generator).
set -euo pipefail
dist=${1:?dist dir}; load=${2:?loadgen arguments}; max=${3:-$(nproc)}; rounds=${4:-3}
shift 4 || shift $#
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
(cd src/bench/loadgen && go build -buildvcs=false -o "$work/loadgen" .)
tranco=../shared/data/domains/tranco_top100k.txt
[ -f "$tranco" ] || tranco=

for n in $(seq 1 "$max"); do
  node "$dist/main.js" --listen "127.0.0.1:$((46100 + n))" --log-level info --workers "$n" "$@" > "$work/$n.log" 2>&1 &
  pids+=($!)
done
for n in $(seq 1 "$max"); do
  for _ in $(seq 1 240); do grep -q '"msg":"serving"' "$work/$n.log" && break; sleep 0.5; done
done

# Clock ticks (10 ms) of the main thread and of the whole process.
ticks() { awk '{print $14 + $15}' "/proc/$1/task/$1/stat" "/proc/$1/stat" | paste -sd' '; }
offset=0
for r in $(seq 1 "$rounds"); do
  for n in $(seq 1 "$max"); do
    pid=${pids[$((n - 1))]}
    offset=$((offset + 1))
    read -r l0 p0 <<< "$(ticks "$pid")"
    # shellcheck disable=SC2086 # the load's arguments are words
    out=$("$work/loadgen" $load -addr "127.0.0.1:$((46100 + n))" -warmup 1s -duration 4s -offset "$offset" ${tranco:+-tranco "$tranco"} 2> "$work/err" | tail -1)
    read -r l1 p1 <<< "$(ticks "$pid")"
    # The ticks span warm-up and window (5 s); the load generator counts the window's 4 s only.
    python3 -c "
import json, sys
d = json.loads(sys.argv[1]); items = d['items'] * 1.25
print($n, d['itemsPerSec'], ($p1 - $p0) * 10000 / items, ($l1 - $l0) * 10000 / items, ($p1 - $p0 - $l1 + $l0) * 10000 / items)
" "$out" >> "$work/runs" || { echo "window with --workers $n failed: $out"; cat "$work/err"; exit 1; } >&2
  done
done
python3 - "$work/runs" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
print("workers  items/s  server CPU us/item  event loop us/item  other threads us/item  (medians; windows)")
for n in sorted({int(r[0]) for r in rows}):
    mine = [[float(x) for x in r[1:]] for r in rows if int(r[0]) == n]
    med = [statistics.median(m[k] for m in mine) for k in range(4)]
    print(f"{n:7d} {med[0]:8,.0f} {med[1]:19.2f} {med[2]:19.2f} {med[3]:22.2f}   {[f'{m[0]:,.0f}' for m in mine]}")
PY
