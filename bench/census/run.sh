#!/usr/bin/env bash
# memlens census PID on a 1 M-object heap (GC-tracked objects), side by side
# with the read-only heap snapshot (`memlens snapshot PID`, every object with its referents) of the same process in the
# same run: target pause, total time, memlens peak RSS against the bytes the
# census copied, and objects/s; then a census of a gcore core of the same
# process (time to read the core against the live census).
# Usage: bench/census/run.sh [RUNS]   (PYTHON=… to pick the interpreter;
#        SCRATCH_PATH=… for swift build's scratch folder)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
. bench/census/common.sh
cat > "$work/target.py" <<'PY'
import gc, sys, time
class Record:
    def __init__(self, i): self.i = i; self.name = "x%d" % i
records = [Record(i) for i in range(200000)]
pairs = [(i, [i, str(i)]) for i in range(400000)]
print("ready", len(gc.get_objects()), flush=True)
while True:
    time.sleep(0.05)
PY
"$python" "$work/target.py" > "$work/out" &
target=$!
until grep -q ready "$work/out" 2>/dev/null; do sleep 0.1; done
echo "Python $("$python" -c 'import sys; print(sys.version.split()[0])'), gc.get_objects(): $(cut -d' ' -f2 "$work/out") objects"
# One census of $1 (a pid or a core file), timed, with memlens's peak RSS: one line.
census() {
  start=$(date +%s%N)
  /usr/bin/time -f "%M" -o "$work/rss" "$memlens" census "$1" --json > "$work/census.json"
  end=$(date +%s%N)
  python3 - "$work/census.json" "$(( (end - start) / 1000 ))" "$(cat "$work/rss")" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); total_ms = int(sys.argv[2]) / 1000; rss = int(sys.argv[3]) * 1024
paused = "" if d.get("core_file") else "paused %.0f ms, " % d["pause_ms"]
print("  %d objects: %swalk %.0f ms, %.0f ms in all; %s %.0f MiB, peak RSS %.0f MiB (%.2fx); %.1f M objects/s (%.1f M/s walking)"
      % (d["objects"], paused, d["walk_ms"], total_ms, "read" if d.get("core_file") else "copied", d["copied_bytes"] / 2**20,
         rss / 2**20, rss / d["copied_bytes"], d["objects"] / total_ms / 1000, d["objects"] / d["walk_ms"] / 1000))
PY
}
echo "== memlens census PID"
for i in $(seq 1 "$runs"); do census "$target"; done
echo "== memlens snapshot PID (read-only, the default: every object, tracked or not, with referents)"
for i in $(seq 1 "$runs"); do
  "$memlens" snapshot "$target" -o "$work/s.mlh" --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("  %d objects: paused %.0f ms, %.0f ms in all" % (d["objects"], d["pause_ms"], d["total_ms"]))'
done
echo "== memlens census CORE (a gcore of the same process; the process keeps running)"
start=$(date +%s%N)
gcore -o "$work/core" "$target" > /dev/null 2>&1
end=$(date +%s%N)
core="$work/core.$target"
echo "  gcore: $(( (end - start) / 1000000 )) ms (the target stopped while it wrote $(( $(stat -c %s "$core") / 1048576 )) MiB)"
for i in $(seq 1 "$runs"); do census "$core"; done
