#!/usr/bin/env bash
# Soak test for `memlens snapshot PID` (issue 6): N consecutive snapshots of a
# Python 3.11 target that allocates and collects in two threads. Reports
# target crashes, unreadable snapshots, the target's own before/after check
# (modules, sys.path, threads, handlers, fds, gdb buffers), and timings.
# Usage: bench/attach/soak.sh [N] [PYTHON]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-100}
python=${2:-$HOME/.pyenv/versions/3.11.7/bin/python3.11}
swift build -c release --product memlens >/dev/null
memlens=$(swift build -c release --show-bin-path)/memlens
work=$(mktemp -d)
trap 'kill -9 "$target" 2>/dev/null || true; rm -rf "$work"' EXIT
"$python" Tests/IntegrationTests/Fixtures/attach_target.py "$work/truth.json" churn > "$work/out" &
target=$!
while ! grep -q ready "$work/out" 2>/dev/null; do sleep 0.1; done
fds_before=$(ls /proc/$target/fd | wc -l)
bad=0
: > "$work/times"
for i in $(seq 1 "$n"); do
  kill -0 "$target" || { echo "target died before snapshot $i"; exit 1; }
  if ! "$memlens" snapshot "$target" -o "$work/s.mlh" --json > "$work/last.json" 2> "$work/err"; then
    bad=$((bad + 1)); echo "snapshot $i failed: $(cat "$work/err")"; continue
  fi
  "$memlens" summary "$work/s.mlh" --json > /dev/null || { bad=$((bad + 1)); echo "snapshot $i unreadable"; }
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["pause_ms"], d["total_ms"])' "$work/last.json" >> "$work/times"
done
fds_after=$(ls /proc/$target/fd | wc -l)
touch "$work/truth.json.done"
wait "$target"; status=$?
python3 - "$work/truth.json.after" "$work/times" "$n" "$bad" "$fds_before" "$fds_after" "$status" <<'PY'
import json, sys, statistics
after = json.load(open(sys.argv[1]))
times = [tuple(map(float, l.split())) for l in open(sys.argv[2]) if l.strip()]
pauses = sorted(t[0] for t in times); totals = sorted(t[1] for t in times)
print(f"{sys.argv[3]} snapshots: {sys.argv[4]} failed or unreadable; target exit status {sys.argv[7]}; "
      f"fds {sys.argv[5]} -> {sys.argv[6]}; target's own before/after check: {'same' if after['same'] else 'DIFFERENT'}")
if times:
    print(f"pause ms: median {statistics.median(pauses):.0f}, max {pauses[-1]:.0f}; "
          f"total ms: median {statistics.median(totals):.0f}, max {totals[-1]:.0f}")
PY
