#!/usr/bin/env bash
# Attaching to a running 1 M-object Python 3.11 process, side by side:
# `memlens snapshot PID` (a full heap snapshot) and `memray attach` (starts
# tracking allocations; no heap dump), each on a fresh target.
# PyHeap (ivanyu/pyheap) is not on PyPI and is not measured.
# Usage: bench/attach/compare.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
python=${PYTHON:-$HOME/.pyenv/versions/3.11.7/bin/python3.11}
venv=bench/.venvs/memray-3.11
[ -x "$venv/bin/memray" ] || { "$python" -m venv "$venv" && "$venv/bin/pip" install -q memray; }
swift build -c release --product memlens >/dev/null
memlens=$(swift build -c release --show-bin-path)/memlens
work=$(mktemp -d)
target=""
trap '[ -n "$target" ] && kill -9 "$target" 2>/dev/null; rm -rf "$work"' EXIT
cat > "$work/target.py" <<'PY'
import time
class Record:
    def __init__(self, i): self.i = i; self.name = "x%d" % i
keep = [Record(i) for i in range(12345)]
strings = [str(i) * 3 for i in range(600000)]
pairs = [(i, [i]) for i in range(150000)]
print("ready", flush=True)
while True:
    time.sleep(0.05)
PY
start() {  # a fresh target from the venv's interpreter (so memray can import itself)
  "$venv/bin/python" "$work/target.py" > "$work/out" &
  target=$!
  until grep -q ready "$work/out" 2>/dev/null; do sleep 0.1; done
}
echo "== memlens snapshot PID (full heap snapshot)"
start
for i in $(seq 1 "$runs"); do
  "$memlens" snapshot "$target" -o "$work/s.mlh" --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("  %d objects, %.1f MiB: paused %.0f ms, %.0f ms in all" % (d["objects"], d["bytes"] / 2**20, d["pause_ms"], d["total_ms"]))'
done
kill -9 "$target"; target=""
echo "== memray attach PID -o FILE (start tracking), then memray detach"
start
for i in $(seq 1 "$runs"); do
  /usr/bin/time -f "  attach %e s" "$venv/bin/memray" attach -f -o "$work/m.bin" --method gdb "$target" > /dev/null
  /usr/bin/time -f "  detach %e s" "$venv/bin/memray" detach "$target" > /dev/null
done 2>&1
