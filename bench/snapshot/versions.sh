#!/usr/bin/env bash
# The read-only snapshot of the same 1 M-object heap (bench/snapshot/run.sh's
# workload) on CPython 3.13 (pyenv) and Debian's 3.14 and 3.15 (the sid root),
# in one run, with guppy3's in-process heap() beside each where it installs.
# Prints run.sh's lines, then each version's median pause and total time as a
# ratio to 3.13's (issue: within 1.2×).
#
#   bench/snapshot/versions.sh [RUNS]      (as root: the sid interpreters need chroot)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
root=$(scripts/sid-root)
export MEMLENS_SID_ROOT=$root
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pythons=("${PYTHON313:-$HOME/.pyenv/versions/3.13.0/bin/python3.13}" "$PWD/scripts/sid/python3.14" "$PWD/scripts/sid/python3.15")
for python in "${pythons[@]}"; do
  PYTHON=$python AGENT=0 bench/snapshot/run.sh "$runs" | tee "$out/$(basename "$python")"
done
python3 - "$out" <<'PY'
import os, re, statistics, sys
medians = {}
for name in ("python3.13", "python3.14", "python3.15"):
    text = open(os.path.join(sys.argv[1], name)).read()
    runs = re.findall(r"paused (\d+) ms, (\d+) ms in all", text)
    if runs:
        medians[name] = (statistics.median(int(p) for p, _ in runs), statistics.median(int(t) for _, t in runs))
base = medians.get("python3.13")
for name, (pause, total) in medians.items():
    ratio = "" if not base else ": %.2f× 3.13's pause, %.2f× its total" % (pause / base[0], total / base[1])
    print("%s median: paused %d ms, %d ms in all%s" % (name, pause, total, ratio))
PY
