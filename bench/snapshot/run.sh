#!/usr/bin/env bash
# memlens snapshot PID on a 1 M-object heap (Python 3.11 by default), side by
# side in one run: the read-only walk (the default), the injected agent
# (--agent), `memlens run` + kill -USR2 (the agent asks, memlens walks from
# outside; and with --agent-dump, the agent dumps in-process), and guppy3's
# in-process hpy().heap() on the same workload. The methods take turns, one
# run each per round (the `run` targets stay up between rounds), so that load
# moving on a shared machine weighs on all alike.
# Prints per run the target's pause, the total time, objects and objects/s,
# and memlens's peak RSS against the bytes it copied; then the medians of the
# read-only walk and of `run` + SIGUSR2 against guppy3's.
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
# guppy3 from PyPI, in a venv of its own.
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
guppy=0
"$venv_python" -c "import guppy" 2>/dev/null && guppy=1

# The workload under `memlens run FLAGS` in the background, as runner NAME; its child's pid in $work/NAME.child.
start_runner() {
  local name=$1; shift
  "$memlens" run -o "$work/$name" "$@" -- "$python" "$work/workload.py" > "$work/$name.out" 2> "$work/$name.err" &
  echo $! > "$work/$name.runner"
  until grep -q ready "$work/$name.out" 2>/dev/null; do sleep 0.1; done
  cut -d' ' -f1 "/proc/$!/task/$!/children" > "$work/$name.child"
}
# One SIGUSR2 to runner NAME's child, timed from the signal to memlens's line.
run_signal() {
  local name=$1 before start
  before=$(grep -c "memlens: snapshot " "$work/$name.err" || true)
  start=$(date +%s%N)
  kill -USR2 "$(cat "$work/$name.child")"
  until [[ $(grep -c "memlens: snapshot " "$work/$name.err" || true) -gt $before ]]; do sleep 0.002; done
  grep "memlens: snapshot " "$work/$name.err" | tail -1 | python3 -c '
import re, sys
line = sys.stdin.read(); ms = (int(sys.argv[1]) - int(sys.argv[2])) / 1e6
objects = int(re.search(r"objects=(\d+)", line).group(1)); seconds = float(re.search(r"seconds=([\d.]+)", line).group(1))
print("  %d objects: %.0f ms from the signal to the line (the snapshot itself %.0f ms); %.2f M objects/s" % (objects, ms, seconds * 1000, objects / ms / 1000))
' "$(date +%s%N)" "$start"
}
agent=${AGENT:-1}
if [[ $agent != 0 ]]; then
  start_runner run
  start_runner dump --agent-dump
  trap '[ -n "$target" ] && kill -9 "$target" 2>/dev/null; for r in run dump; do [ -f "$work/$r.runner" ] && kill -TERM "$(cat "$work/$r.runner")" 2>/dev/null; done; sleep 0.5; rm -rf "$work"' EXIT
fi

# The methods take turns, one run each per round, so that a machine whose load moves during the
# script weighs on them alike; each line goes to its method's section, printed at the end.
measure() {
  local name=$1; shift
  local line
  line=$("$@")
  echo "$line" >> "$work/section.$name"
  echo "$line" | grep -oE '[0-9]+ ms (in all|from the signal)' | head -1 | cut -d' ' -f1 >> "$work/ms.$name"
}
for i in $(seq 1 "$runs"); do
  echo "round $i of $runs" >&2
  measure readonly snapshot
  if [[ $agent != 0 ]]; then
    measure agent snapshot --agent
    measure run run_signal run
    measure dump run_signal dump
  fi
  if [[ $guppy == 1 ]]; then measure guppy "$venv_python" "$work/workload.py" guppy; fi
done

section() {
  [[ -f $work/section.$1 ]] || return 0
  echo "== $2"
  cat "$work/section.$1"
}
section readonly "memlens snapshot PID (read-only: stop, copy, resume, walk the copy)"
section agent "memlens snapshot PID --agent (the agent injected through gdb)"
section run "memlens run + kill -USR2 (the agent asks; memlens stops, copies and walks from outside)"
section dump "memlens run --agent-dump + kill -USR2 (the agent dumps in-process)"
section guppy "guppy3 hpy().heap() in a process with the same workload"
[[ $guppy == 1 ]] || echo "== guppy3: not installed, no comparison"
median() { sort -n "$work/ms.$1" | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
if [[ $guppy == 1 ]]; then
  echo "== medians against guppy3's heap() ($(median guppy) ms), alternating rounds"
  for m in readonly run; do
    [[ -f $work/ms.$m ]] && awk -v a="$(median $m)" -v b="$(median guppy)" -v m="$m" \
      'BEGIN {printf "  %-8s %5.0f ms: %.2f× guppy3%s\n", m, a, a / b, (a <= b ? " (≤ guppy3)" : " (slower)")}'
  done
fi
