#!/usr/bin/env bash
# Attaching to a running 1 M-object Python 3.11 process, side by side:
# `memlens snapshot PID` (a full heap snapshot), `memray attach` (starts
# tracking allocations; no heap dump) and PyHeap (ivanyu/pyheap: a gdb-based
# heap dumper for 3.8–3.12), each on a fresh target.
# PyHeap is not on PyPI: set PYHEAP_DUMP to pyheap_dump.py in a checkout of
# ivanyu/pyheap (its pyheap/src, run as is; its one dependency, pyelftools,
# comes from PyPI into a venv here). Without it PyHeap is skipped.
# Usage: [PYHEAP_DUMP=…/pyheap/src/pyheap_dump.py] bench/attach/compare.sh [RUNS]
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
    eval("0")  # a call into _PyEval_EvalFrameDefault, where PyHeap's gdb waits (a loop of C calls never makes one on 3.11)
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
import json, os, sys
d = json.load(sys.stdin)
print("  %d objects, %.1f MiB: paused %.0f ms, %.0f ms in all; file %.1f MiB" % (
    d["objects"], d["bytes"] / 2**20, d["pause_ms"], d["total_ms"], os.path.getsize(d["path"]) / 2**20))'
done
kill -9 "$target"; target=""
echo "== memray attach PID -o FILE (start tracking), then memray detach"
start
for i in $(seq 1 "$runs"); do
  /usr/bin/time -f "  attach %e s" "$venv/bin/memray" attach -f -o "$work/m.bin" --method gdb "$target" > /dev/null
  /usr/bin/time -f "  detach %e s" "$venv/bin/memray" detach "$target" > /dev/null
done 2>&1
kill -9 "$target"; target=""
if [ -z "${PYHEAP_DUMP:-}" ]; then
  echo "== PyHeap: skipped (set PYHEAP_DUMP to pyheap_dump.py of an ivanyu/pyheap checkout; it is not on PyPI)"
  exit 0
fi
echo "== PyHeap pyheap_dump --pid PID --file FILE (the target is stopped under gdb for the whole dump)"
pyheap_venv=bench/.venvs/pyheap-3.11
[ -x "$pyheap_venv/bin/python" ] || { "$python" -m venv "$pyheap_venv" && "$pyheap_venv/bin/pip" install -q "pyelftools==0.30"; }
for i in $(seq 1 "$runs"); do
  start
  rm -f "$work/p.pyheap"
  began=$(date +%s.%N)
  "$pyheap_venv/bin/python" "$PYHEAP_DUMP" --pid "$target" --file "$work/p.pyheap" > "$work/pyheap.log" 2>&1
  ended=$(date +%s.%N)
  tr '\r' '\n' < "$work/pyheap.log" | grep -o 'Visited [0-9]* objects. Took [0-9.]* seconds' | tail -1 | sed 's/^/  /'
  python3 -c 'import os, sys; print("  %.1f s in all; file %.1f MiB" % (float(sys.argv[2]) - float(sys.argv[1]), os.path.getsize(sys.argv[3]) / 2**20))' \
    "$began" "$ended" "$work/p.pyheap"
  kill -9 "$target"; target=""
done
