#!/usr/bin/env bash
# Load + dominators + retained sizes on a generated heap (issue 8's goal:
# 10,000,000 objects and 30,000,000 edges in ≤ 10 s and ≤ 2 GiB peak RSS).
# Usage: bench/graph/run.sh [OBJECTS] [EDGES] [python|random]   (see GenerateHeap/main.swift)
set -euo pipefail
cd "$(dirname "$0")/../.."
objects=${1:-10000000}
edges=${2:-$((objects * 3))}
model=${3:-python}
swift build -c release --product memlens >/dev/null
swift build -c release --product GenerateHeap >/dev/null
bin=$(swift build -c release --show-bin-path)
file=${TMPDIR:-/tmp}/memlens-bench-graph-$objects-$edges-$model.mlh
[ -f "$file" ] || "$bin/GenerateHeap" "$file" "$objects" "$edges" "$model"
echo "snapshot: $file ($(du -h "$file" | cut -f1))"
for run in 1 2 3; do
  /usr/bin/time -f "run $run: %e s wall, %U s user, %M KiB peak RSS" "$bin/memlens" retained "$file" --top 5 >/dev/null
done 2>&1
echo "goal: ≤ 10 s and ≤ 2,097,152 KiB"
