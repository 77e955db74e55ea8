#!/usr/bin/env bash
# N consecutive censuses of a churning target (two threads allocating cycles
# and collecting nonstop, 5,000 objects that never change): every census must
# succeed, find the 5,000, and leave the target running (not stopped).
# Usage: bench/census/soak.sh [N]   (PYTHON=…, SCRATCH_PATH=…)
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-200}
. bench/census/common.sh
mkfifo "$work/in"
"$python" Tests/CensusTests/Fixtures/churn_target.py < "$work/in" > "$work/out" &
target=$!
exec 3> "$work/in"
until grep -q ready "$work/out" 2>/dev/null; do sleep 0.1; done
failures=0
for i in $(seq 1 "$n"); do
  if ! "$memlens" census "$target" --json > "$work/c.json" 2> "$work/err"; then
    failures=$((failures + 1)); echo "census $i failed: $(cat "$work/err")"
  fi
  state=$(sed 's/.*) //' /proc/$target/stat | cut -c1)
  [ "$state" = t ] || [ "$state" = T ] && { echo "census $i left the target stopped"; failures=$((failures + 1)); }
  python3 - "$work/c.json" >> "$work/rows" <<'PY' || true
import json, sys
d = json.load(open(sys.argv[1]))
stable = next((t["count"] for t in d["types"] if t["type"] == "__main__.Stable"), 0)
print(d["attempts"], "%.2f" % d["pause_ms"], stable)
PY
done
python3 - "$work/rows" "$n" "$failures" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
pauses = sorted(float(r[1]) for r in rows)
bad = sum(1 for r in rows if r[2] != "5000")
print("%s censuses: %s failed, %d retried (collector running or a list mid-update), %d saw other than 5,000 Stable; pause median %.1f ms, max %.1f ms"
      % (sys.argv[2], sys.argv[3], sum(1 for r in rows if r[0] != "1"), bad, pauses[len(pauses) // 2], pauses[-1]))
PY
