#!/usr/bin/env bash
# memlens snapshot PID on a 1 M-object heap (Python 3.11 by default), side by
# side in one run: the read-only walk (the default), the injected agent
# (--agent), `memlens run` + kill -USR2 (the agent asks, memlens walks from
# outside; and with --agent-dump, the agent dumps in-process), and guppy3's
# in-process hpy().heap() on the same workload.
# Prints per run the target's pause, the total time, objects and objects/s,
# and memlens's peak RSS against the bytes it copied.
#
#   bench/snapshot/run.sh [RUNS]     (PYTHON=… picks the interpreter, scripts/sid/python3.14 Debian's 3.14;
#                                     SCRATCH_PATH=… swift's scratch folder; AGENT=0 leaves out --agent and run)
#
# guppy3 is installed from PyPI into bench/.venvs/pyX.Y (never into the pyenv
# interpreter itself); if it cannot be, its line says why.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
. bench/census/common.sh
minor=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
cat > "$work/workload.py" <<'PY'
import gc, sys, time
class Record:
    def __init__(self, i): self.i = i; self.name = "x%d" % i
records = [Record(i) for i in range(100000)]
pairs = [(i, [i, str(i)]) for i in range(150000)]
if sys.argv[1:] == ["guppy"]:
    from guppy import hpy
    h = hpy()
    start = time.perf_counter()
    heap = h.heap()
    seconds = time.perf_counter() - start
    print("  %d objects: %.0f ms in all (in-process, the process busy throughout); %.2f M objects/s"
          % (heap.count, seconds * 1000, heap.count / seconds / 1e6))
    sys.exit(0)
print("ready", len(gc.get_objects()), flush=True)
while True:
    time.sleep(0.05)
PY
"$python" "$work/workload.py" > "$work/out" &
target=$!
until grep -q ready "$work/out" 2>/dev/null; do sleep 0.1; done
echo "Python $("$python" -c 'import sys; print(sys.version.split()[0])'), gc.get_objects(): $(cut -d' ' -f2 "$work/out") objects"

# One snapshot with the given flags, timed with memlens's peak RSS: one line.
snapshot() {
  /usr/bin/time -f "%M" -o "$work/rss" "$memlens" snapshot "$target" -o "$work/s.mlh" --json "$@" > "$work/line.json"
  python3 - "$work/line.json" "$(cat "$work/rss")" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); rss = int(sys.argv[2]) * 1024
line = "  %d objects: paused %.0f ms, %.0f ms in all; %.2f M objects/s" % (d["objects"], d["pause_ms"], d["total_ms"], d["objects"] / d["total_ms"] / 1000)
if d.get("walk_ms") is not None:
    walk_write = d["walk_ms"] + d["write_ms"]
    line += " (walk, writing as it goes, %.0f ms, + finishing the file %.0f ms: %.2f M/s); %d edges; copied %.0f MiB, peak RSS %.0f MiB = copied + %.0f B/object; file %.1f MiB" % (
        d["walk_ms"], d["write_ms"], d["objects"] / walk_write / 1000, d["edges"], d["copied_bytes"] / 2**20, rss / 2**20,
        (rss - d["copied_bytes"]) / d["objects"], d["bytes"] / 2**20)
else:
    line += "; peak RSS %.0f MiB" % (rss / 2**20)
print(line)
PY
}
echo "== memlens snapshot PID (read-only: stop, copy, resume, walk the copy)"
for i in $(seq 1 "$runs"); do snapshot; done
# The workload under `memlens run FLAGS`: each SIGUSR2 to it timed from the signal to memlens's line.
run_signal() {
  "$memlens" run -o "$work/run" "$@" -- "$python" "$work/workload.py" > "$work/run.out" 2> "$work/run.err" &
  local runner=$! child
  until grep -q ready "$work/run.out" 2>/dev/null; do sleep 0.1; done
  child=$(cat /proc/$runner/task/$runner/children | cut -d' ' -f1)
  for i in $(seq 1 "$runs"); do
    local before start
    before=$(grep -c "memlens: snapshot " "$work/run.err" || true)
    start=$(date +%s%N)
    kill -USR2 "$child"
    until [[ $(grep -c "memlens: snapshot " "$work/run.err" || true) -gt $before ]]; do sleep 0.005; done
    grep "memlens: snapshot " "$work/run.err" | tail -1 | python3 -c '
import re, sys
line = sys.stdin.read(); ms = (int(sys.argv[1]) - int(sys.argv[2])) / 1e6
objects = int(re.search(r"objects=(\d+)", line).group(1)); seconds = float(re.search(r"seconds=([\d.]+)", line).group(1))
print("  %d objects: %.0f ms from the signal to the line (the snapshot itself %.0f ms); %.2f M objects/s" % (objects, ms, seconds * 1000, objects / ms / 1000))
' "$(date +%s%N)" "$start"
  done
  kill -TERM "$runner"; wait "$runner" 2>/dev/null || true
}
if [[ ${AGENT:-1} != 0 ]]; then
  echo "== memlens snapshot PID --agent (the agent injected through gdb)"
  for i in $(seq 1 "$runs"); do snapshot --agent; done
  echo "== memlens run + kill -USR2 (the agent asks; memlens stops, copies and walks from outside)"
  run_signal
  echo "== memlens run --agent-dump + kill -USR2 (the agent dumps in-process)"
  run_signal --agent-dump
fi
echo "== guppy3 hpy().heap() in a process with the same workload"
venv=bench/.venvs/py$minor
venv_python=$venv/bin/python
if [[ $python == */scripts/sid/python* ]]; then
  # Debian's 3.14/3.15: the venv is made in the sid root; bin/python-sid runs its python there.
  venv_python=$venv/bin/python-sid
  unset PIP_FIND_LINKS
fi
if [[ ! -x $venv/bin/python && ! -L $venv/bin/python ]]; then "$python" -m venv "$venv" > "$work/venv.log" 2>&1 || true; fi
if [[ $venv_python == *-sid && ! -e $venv_python ]]; then ln -s "$(cd "$(dirname "$python")" && pwd)/python" "$venv_python"; fi
if ! "$venv_python" -c "import guppy" 2>/dev/null; then
  "$venv_python" -m pip install --disable-pip-version-check -q guppy3 > "$work/pip.log" 2>&1 || echo "  pip install guppy3 failed: $(tail -2 "$work/pip.log" | tr '\n' ' ')"
fi
if "$venv_python" -c "import guppy" 2>/dev/null; then
  for i in $(seq 1 "$runs"); do "$venv_python" "$work/workload.py" guppy; done
fi
