#!/usr/bin/env bash
# What an object array of 10 M elements adds to the read-only walk: memlens
# snapshot PID of a process holding 1,000 distinct str, then of one holding them
# in np.array(words * 10_000, dtype=object) as well. Prints both times and the
# difference (issue 27: at most 1 s).
#
#   bench/snapshot/numpy.sh [RUNS]     (PYTHON=… picks the interpreter; SCRATCH_PATH=… swift's scratch folder;
#                                       SHOW_JSON=1 prints each snapshot's --json line too)
#
# numpy is installed from PyPI into bench/.venvs/numpy-pyX.Y.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
. bench/census/common.sh
minor=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
venv=bench/.venvs/numpy-py$minor
[ -x "$venv/bin/python" ] || { "$python" -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check numpy; }
cat > "$work/target.py" <<'PY'
import sys, time
import numpy as np
words = [f"word {i}" for i in range(1000)]
array = np.array(words * 10_000, dtype=object) if sys.argv[1:] == ["array"] else None
print("ready", flush=True)
while True:
    time.sleep(0.05)
PY
# The best of $runs snapshots' total milliseconds, for a target started with "$@".
best_ms() {
  "$venv/bin/python" "$work/target.py" "$@" > "$work/out" &
  target=$!
  until grep -q ready "$work/out" 2>/dev/null; do sleep 0.1; done
  for _ in $(seq "$runs"); do
    "$memlens" snapshot "$target" -o "$work/s.mlh" --json | tee -a "$work/log" | python3 -c 'import json, sys; print(json.load(sys.stdin)["total_ms"])'
  done | sort -n | head -1
  kill -9 "$target"; wait "$target" 2>/dev/null || true
  target=""
}
without=$(best_ms)
with=$(best_ms array)
[ -n "${SHOW_JSON:-}" ] && cat "$work/log" >&2
echo "Python $("$venv/bin/python" -c 'import sys, numpy; print(sys.version.split()[0], "numpy", numpy.__version__)'):" \
  "without the array ${without} ms, with an object array of 10,000,000 elements ${with} ms:" \
  "$(python3 -c "print('%.0f' % ($with - $without))") ms added (best of $runs)"
