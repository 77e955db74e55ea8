#!/usr/bin/env bash
# This checkout's memlens against an earlier revision's, side by side on one
# target (a 1 M-object heap, as bench/census): `snapshot PID` (the read-only
# walk), `census PID` and `frag PID`, the two builds alternating run by run so
# that load on the machine falls on both alike. Prints per command the median
# and best wall time of each build and the ratio now/then (issue 26: within 3%).
# `frag` walks the objects for its native-memory account since issue 27; where
# the earlier build has no such walk, this build's `frag --no-objects` is what
# compares like with like, and its default `frag` is printed beside.
#
#   bench/versus/run.sh REV [RUNS]    (default RUNS 7; PYTHON=… picks the interpreter;
#                                      THEN_BIN=… an earlier memlens already built, instead of building REV)
set -euo pipefail
cd "$(dirname "$0")/../.."
rev=${1:?usage: bench/versus/run.sh REV [RUNS]}
runs=${2:-7}
. bench/census/common.sh
now=$memlens
then_bin=${THEN_BIN:-}
if [ -z "$then_bin" ]; then
  git worktree add -q --detach "$work/then" "$rev"
  trap '[ -n "$target" ] && kill -9 "$target" 2>/dev/null; git worktree remove --force "$work/then"; rm -rf "$work"' EXIT
  echo "building memlens at $(git rev-parse --short "$rev") (release)…" >&2
  (cd "$work/then" && swift build -c release --product memlens >/dev/null)
  then_bin=$work/then/.build/release/memlens
fi
cat > "$work/target.py" <<'PY'
import time
class Record:
    def __init__(self, i): self.i = i; self.name = "x%d" % i
records = [Record(i) for i in range(200000)]
pairs = [(i, [i, str(i)]) for i in range(400000)]
print("ready", flush=True)
while True:
    time.sleep(0.05)
PY
"$python" "$work/target.py" > "$work/out" &
target=$!
until grep -q ready "$work/out" 2>/dev/null; do sleep 0.1; done
echo "Python $("$python" -c 'import sys; print(sys.version.split()[0])'), pid $target; $runs runs each, alternating"

# Milliseconds of one run of memlens ($1) with the arguments after it.
timed() {
  local bin=$1; shift
  local start end
  start=$(date +%s%N)
  "$bin" "$@" > /dev/null
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}
frag_like=(frag "$target")
"$now" frag --help | grep -q -- --no-objects && frag_like=(frag "$target" --no-objects)
declare -A times
for _ in $(seq "$runs"); do
  times[snapshot_then]+=" $(timed "$then_bin" snapshot "$target" -o "$work/then.mlh")"
  times[snapshot_now]+=" $(timed "$now" snapshot "$target" -o "$work/now.mlh")"
  times[census_then]+=" $(timed "$then_bin" census "$target")"
  times[census_now]+=" $(timed "$now" census "$target")"
  times[frag_then]+=" $(timed "$then_bin" frag "$target")"
  times[frag_now]+=" $(timed "$now" "${frag_like[@]}")"
  times[frag_default]+=" $(timed "$now" frag "$target")"
done
python3 - "${times[snapshot_then]}" "${times[snapshot_now]}" "${times[census_then]}" "${times[census_now]}" \
  "${times[frag_then]}" "${times[frag_now]}" "${times[frag_default]}" "${frag_like[*]:2}" "$rev" <<'PY'
import statistics, sys
rows = [("snapshot PID", 1), ("census PID", 3), ("frag PID " + sys.argv[8], 5)]
print(f"{'command':<28}{'then median':>12}{'now median':>12}{'then best':>11}{'now best':>10}{'now/then':>10}")
for name, i in rows:
    then = [int(x) for x in sys.argv[i].split()]; now = [int(x) for x in sys.argv[i + 1].split()]
    ratio = statistics.median(now) / statistics.median(then)
    print(f"{name:<28}{statistics.median(then):>10.0f}ms{statistics.median(now):>10.0f}ms"
          f"{min(then):>9}ms{min(now):>8}ms{ratio:>10.3f}")
default = [int(x) for x in sys.argv[7].split()]
print(f"frag PID (this build's default, with the objects walk): median {statistics.median(default):.0f} ms, best {min(default)} ms")
print(f"then = {sys.argv[9]}")
PY
