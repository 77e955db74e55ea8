#!/usr/bin/env bash
# memlens frag on a live process with ~2 GiB of pymalloc arenas (issue 7's
# performance goal: ≤ 2 s in all, target stopped ≤ 500 ms), in two shapes:
# full (every string kept) and pinned (1 in 1,000 kept: every arena nearly
# empty, so every arena's live blocks are read and typed). Reference, measured
# in the same run: the target's own sys._debugmallocstats(), which walks the
# same arenas from inside (and stops the program for as long).
#
# Usage: bench/frag/run.sh [GIB] [PYTHON]     (defaults: 2, pyenv 3.11)
set -euo pipefail
cd "$(dirname "$0")/../.."
GIB=${1:-2}
PY=${2:-/root/.pyenv/versions/3.11.7/bin/python3}
swift build -c release --scratch-path .build-bench-frag --product memlens >&2
MEMLENS=.build-bench-frag/release/memlens
WORK=$(mktemp -d)
trap 'kill -9 $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

for shape in full:1 pinned:1000; do
  name=${shape%%:*}; keep=${shape##*:}
  mkfifo "$WORK/in-$name"
  "$PY" bench/frag/target.py "$GIB" "$keep" < "$WORK/in-$name" > "$WORK/out-$name" &
  exec 9> "$WORK/in-$name"
  until grep -q ready "$WORK/out-$name" 2>/dev/null; do sleep 0.2; done
  pid=$(awk '/ready/{print $2}' "$WORK/out-$name")
  best_wall=999; best_pause=999
  for run in 1 2 3; do
    start=$(date +%s.%N)
    "$MEMLENS" frag "$pid" --json > "$WORK/frag.json"
    end=$(date +%s.%N)
    wall=$(echo "$end - $start" | bc -l)
    pause=$(python3 -c "import json;print(json.load(open('$WORK/frag.json'))['pause_ms']/1000)")
    best_wall=$(python3 -c "print(min($best_wall,$wall))"); best_pause=$(python3 -c "print(min($best_pause,$pause))")
  done
  echo stats >&9
  until grep -q '^stats' "$WORK/out-$name"; do sleep 0.05; done
  reference=$(awk '/^stats/{print $2}' "$WORK/out-$name")
  python3 - "$WORK/frag.json" "$name" "$best_wall" "$best_pause" "$reference" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
name, wall, pause, ref = sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
a = doc["arenas"]
print(f"{name:6} {a['count']} arenas ({a['bytes']/2**30:.2f} GiB), {doc['pinned_arenas']} pinned, "
      f"{len(doc['pinned_objects'])} blocks typed: frag {wall:.3f} s, target stopped {pause*1000:.0f} ms; "
      f"sys._debugmallocstats() {ref:.3f} s (stop ratio memlens/reference {pause/ref:.2f})")
PY
  exec 9>&-
  wait
done
