#!/usr/bin/env bash
# The cost of finding pymalloc's arena table without symbols (issue 19's goal:
# ≤ 50 ms on a 100 MiB process). For each Python without symbols —
# /usr/bin/python3 when present, and stripped copies (strip --strip-all of the
# binary and libpython, run with PYTHONHOME) of pyenv 3.8–3.11 — a target
# holding ~MIB MiB of small strings (bench/frag/target.py), then
# `memlens frag PID --json` 5 times: arenas.locate_ms is the time spent finding
# the table (the search, made while the target is stopped); the same on the
# unstripped interpreter is the symbol lookup, for reference.
#
# Usage: bench/frag/search.sh [MIB]     (default 100)
set -euo pipefail
cd "$(dirname "$0")/../.."
MIB=${1:-100}
swift build -c release --scratch-path .build-bench-frag --product memlens >&2
MEMLENS=.build-bench-frag/release/memlens
WORK=$(mktemp -d)
trap 'kill -9 $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

pythons=()
[ -x /usr/bin/python3 ] && pythons+=("debian:/usr/bin/python3")
for v in 3.8 3.9 3.10 3.11; do
  prefix=$(ls -d ~/.pyenv/versions/$v.*[0-9] 2>/dev/null | sort -V | tail -1) || true
  [ -n "$prefix" ] || continue
  mkdir -p "$WORK/$v"
  cp "$prefix/bin/python$v" "$prefix/lib/libpython$v.so.1.0" "$WORK/$v/"
  strip --strip-all "$WORK/$v/python$v" "$WORK/$v/libpython$v.so.1.0"
  printf '#!/bin/sh\nPYTHONHOME=%s LD_LIBRARY_PATH=%s exec %s "$@"\n' "$prefix" "$WORK/$v" "$WORK/$v/python$v" > "$WORK/$v/run"
  chmod +x "$WORK/$v/run"
  pythons+=("$v-stripped:$WORK/$v/run" "$v:$prefix/bin/python$v")
done

for entry in "${pythons[@]}"; do
  name=${entry%%:*}; py=${entry#*:}
  mkfifo "$WORK/in-$name"
  "$py" bench/frag/target.py "$(echo "$MIB / 1024" | bc -l)" 1 < "$WORK/in-$name" > "$WORK/out-$name" &
  exec 9> "$WORK/in-$name"
  until grep -q ready "$WORK/out-$name" 2>/dev/null; do sleep 0.2; done
  pid=$(awk '/ready/{print $2}' "$WORK/out-$name")
  rss=$(awk '/VmRSS/{print $2}' /proc/$pid/status)
  times=()
  for run in 1 2 3 4 5; do
    "$MEMLENS" frag "$pid" --json > "$WORK/frag.json"
    times+=("$(python3 -c "import json;d=json.load(open('$WORK/frag.json'))['arenas'];print(d['found_by'], d['count'], round(d['locate_ms'],2))")")
  done
  printf '%s\n' "${times[@]}" | python3 -c "
import sys
rows = [l.split() for l in sys.stdin if l.strip()]
ms = sorted(float(r[2]) for r in rows)
print(f'$name: RSS {$rss/1024:.0f} MiB, {rows[0][1]} arenas, table by {rows[0][0]}: locate {ms[0]:.2f}–{ms[-1]:.2f} ms (median {ms[len(ms)//2]:.2f}) over {len(ms)} runs')"
  exec 9>&-
  wait
done
