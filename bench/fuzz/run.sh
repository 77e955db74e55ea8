#!/usr/bin/env bash
# Builds one libFuzzer target (release, -sanitize=fuzzer + address) and runs it
# for SECONDS over seeds made from real files (seeds.py), single process.
#   bench/fuzz/run.sh TARGET SECONDS     TARGET: mlh meliae elf core proc census arena walk frag reports
# Crashes land in bench/fuzz/artifacts/TARGET/, the grown corpus in
# bench/fuzz/corpus/TARGET/, the log in bench/fuzz/logs/TARGET.log (all git-ignored).
set -euo pipefail
target=${1:?usage: run.sh TARGET SECONDS}
seconds=${2:?usage: run.sh TARGET SECONDS}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
case $target in
  mlh) product=FuzzMLH ;; meliae) product=FuzzMeliae ;; elf) product=FuzzELF ;; core) product=FuzzCore ;;
  proc) product=FuzzProc ;; census) product=FuzzCensus ;; arena) product=FuzzArena ;;
  walk) product=FuzzWalk ;; frag) product=FuzzFrag ;; reports) product=FuzzReports ;;
  *) echo "error: unknown target $target (mlh meliae elf core proc census arena walk frag reports)" >&2; exit 64 ;;
esac

if [[ $target == mlh || $target == meliae ]]; then
  (cd "$root" && swift build --product memlens >&2 && swift build --product GenerateHeap >&2)
  bin=$(cd "$root" && swift build --show-bin-path)
  python3 "$here/seeds.py" "$bin/memlens" "$bin/GenerateHeap" "$target"
else
  python3 "$here/seeds.py" - - "$target"
fi

# --sanitize links libFuzzer's main; the -X flags instrument the memlens package too
# (--sanitize alone instruments only this package's targets). -enable-testing: the
# targets reach internal parsers with @testable import, in release.
flags=(--package-path "$here" -c release --sanitize=fuzzer --sanitize=address
  -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address -Xswiftc -enable-testing)
# (the memlens package's plugin tool EmbedAgentTool fails to build with these flags; nothing here needs it)
swift build "${flags[@]}" --product "$product" 2>&1 | grep -E "^/.*error:|Compiling Fuzz|complete" | grep -v EmbedAgentTool >&2 || true
fuzzer="$(swift build "${flags[@]}" --show-bin-path)/$product"

mkdir -p "$here/corpus/$target" "$here/artifacts/$target" "$here/logs"
log="$here/logs/$target.log"
status=0
export SWIFT_BACKTRACE=enable=no  # a Swift trap shows as libFuzzer's "deadly signal" with a symbolized stack
# Snapshots of a whole interpreter are ~1 MB: capped at 64 KiB (their first
# sections) so mutations run fast; agent.mlh and small.mlh are whole files.
limit=()
[[ $target == mlh || $target == meliae ]] && limit=(-max_len=65536)
"$fuzzer" "$here/corpus/$target" "$here/seeds/$target" "${limit[@]}" -max_total_time="$seconds" -timeout=10 \
  -artifact_prefix="$here/artifacts/$target/" -print_final_stats=1 >"$log" 2>&1 || status=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
last=$(grep -E '^#[0-9]+' "$log" | tail -1)
cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")

echo "$target: ${seconds}s, ${execs:-?} executions, cov ${cov:-?}, ft ${ft:-?}, exit $status"
grep -E '^==[0-9]+==ERROR|^SUMMARY|Fatal error|deadly signal|^artifact_prefix|Test unit written' "$log" || true
exit $status
