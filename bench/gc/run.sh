#!/usr/bin/env bash
# The target's slowdown while `memlens gc` watches it (issue 9's goal: ≤ 5%).
# One collection-heavy process per Python; memlens watches it four times for
# 5 s with 5 s gaps. Loop throughput per CPU second in the watched
# buckets is compared with the unwatched buckets of the same process (side by
# side, same run; medians).
#   bench/gc/run.sh [python …]     (default: pyenv 3.8–3.13 that are present)
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product memlens >/dev/null
memlens=$(swift build -c release --show-bin-path)/memlens
root=${PYENV_ROOT:-$HOME/.pyenv}
pythons=("$@")
if [ ${#pythons[@]} -eq 0 ]; then
  for minor in 3.8 3.9 3.10 3.11 3.12 3.13; do
    p=$(ls -d "$root"/versions/$minor.*/bin/python$minor 2>/dev/null | sort -V | tail -1 || true)
    [ -n "$p" ] && pythons+=("$p")
  done
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf "%-8s %12s %12s %9s %12s\n" python unwatched/s watched/s slowdown "collections/window"
for python in "${pythons[@]}"; do
  out="$work/buckets.json"
  rm -f "$work/stop"
  "$python" bench/gc/workload.py "$work/stop" "$out" > "$work/ready" &
  pid=$!
  until grep -q ready "$work/ready" 2>/dev/null; do sleep 0.1; done
  for round in 1 2 3 4; do
    sleep 5
    "$memlens" gc "$pid" --duration 5s --json 2>"$work/gc.log" > "$work/gc.json" || { cat "$work/gc.log" >&2; exit 1; }
  done
  sleep 5
  touch "$work/stop"
  wait "$pid"
  python3 - "$out" "$work/gc.json" <<'PY'
import json, statistics, sys
data = json.load(open(sys.argv[1])); gc = json.load(open(sys.argv[2]))
plain = [b["rate"] for b in data["buckets"][2:] if not b["watched"] and not b["mixed"]]
watched = [b["rate"] for b in data["buckets"] if b["watched"] and not b["mixed"]]
a, b = statistics.median(plain), statistics.median(watched)
print("%-8s %12.0f %12.0f %8.1f%% %12d" % (data["python"], a, b, (a - b) / a * 100, gc["total_collections"]))
PY
done
