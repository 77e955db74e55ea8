#!/usr/bin/env bash
# The unit tests under AddressSanitizer + UndefinedBehaviorSanitizer, then the
# threaded /proc readers (PipelinedRead, the smaps_rollup thread) under
# ThreadSanitizer. Exits non-zero on any failed test or sanitizer report.
#   bench/sanitizers/run.sh [asan|tsan]     (both by default)
# Swift rejects -sanitize=undefined (it traps on overflow itself), so UBSan
# instruments the C targets (-Xcc) and is linked in through clang.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
which=${1:-all}
status=0

asan=(--sanitize=address -Xcc -fsanitize=undefined -Xswiftc -Xclang-linker -Xswiftc -fsanitize=undefined --scratch-path .build-asan)
asan_suites="HeapGraphTests|ProcFSTests|SafeFilesTests|ArenaWalkTests|ArenaTableSearchTests|ArenaFuzzFindingsTests|CensusFuzzFindingsTests|DebugOffsetsTests|ForgedHeaderTests|HostileWordsTests"
# issue 23: the saturating sums and checked chunk headers (HeapGraphTests holds HugeSizesTests)
asan_suites+="|ForgedHeaderTests|HugeSizeRowsTests"
tsan=(--sanitize=thread --scratch-path .build-tsan)
tsan_suites="ProcFSTests|FootprintTests"

# Runs one sanitized test pass; counts tests and sanitizer reports in its log.
check() {
  local name=$1 log=$2
  local tests reports
  tests=$(grep -Eo 'Test run with [0-9]+ tests?' "$log" | grep -Eo '[0-9]+' | tail -1 || true)
  reports=$(grep -Ec '^(==[0-9]+==ERROR|WARNING: ThreadSanitizer|SUMMARY: (Address|Undefined|Thread)Sanitizer)|runtime error:' "$log" || true)
  echo "$name: ${tests:-0} tests, $reports sanitizer report lines (log: $log)"
  grep -E 'Test run with|✘' "$log" | tail -3 || true
}

if [[ $which == all || $which == asan ]]; then
  swift build --build-tests "${asan[@]}"
  export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 LSAN_OPTIONS=suppressions=$root/bench/sanitizers/lsan.supp
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  swift test --skip-build "${asan[@]}" --filter "$asan_suites" >.build-asan/tests.log 2>&1 || status=1
  check "ASan+UBSan" .build-asan/tests.log
fi
if [[ $which == all || $which == tsan ]]; then
  swift build --build-tests "${tsan[@]}"
  export TSAN_OPTIONS=halt_on_error=1
  swift test --skip-build "${tsan[@]}" --filter "$tsan_suites" >.build-tsan/tests.log 2>&1 || status=1
  check "TSan" .build-tsan/tests.log
fi
exit $status
