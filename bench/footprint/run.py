"""Times `memlens footprint` against the kernel's own cost (`cat smaps`) and
`smem` on one 60,000-mapping target, in the same run; prints ratios and
memlens's peak RSS (ru_maxrss of the child).

    swift build -c release && python3 bench/footprint/run.py [.build/release/memlens] [--runs 7]
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(argv, runs):
    """Median wall seconds and max peak RSS (bytes) over `runs` runs of argv."""
    times, peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        times.append(time.perf_counter() - start)
        peaks.append(usage.ru_maxrss * 1024)
        if status != 0:
            sys.exit("failed: %s (status %d)" % (" ".join(argv), status))
    return statistics.median(times), max(peaks)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("memlens", nargs="?", default=os.path.join(HERE, "../../.build/release/memlens"))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--mappings", type=int, default=60000)
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()

    target = subprocess.Popen([args.python, os.path.join(HERE, "many_mappings.py"), str(args.mappings)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        pid = int(target.stdout.readline())
        with open("/proc/%d/maps" % pid) as maps:
            count = sum(1 for _ in maps)
        print("target pid %d: %d mappings" % (pid, count))
        rows = []
        cat, _ = timed(["sh", "-c", "cat /proc/%d/smaps > /dev/null" % pid], args.runs)
        rows.append(("cat /proc/PID/smaps > /dev/null", cat, None))
        ours, peak = timed([args.memlens, "footprint", str(pid)], args.runs)
        rows.append(("memlens footprint PID", ours, peak))
        ours_json, peak_json = timed([args.memlens, "footprint", str(pid), "--json"], args.runs)
        rows.append(("memlens footprint PID --json", ours_json, peak_json))
        library, peak_library = timed([args.memlens, "footprint", str(pid), "--by", "library"], args.runs)
        rows.append(("memlens footprint PID --by library", library, peak_library))
        smem = None
        if shutil.which("smem"):
            smem, _ = timed(["smem", "-P", "many_mappings"], max(1, args.runs // 2))
            rows.append(("smem -P many_mappings", smem, None))
        for name, seconds, row_peak in rows:
            print("%-40s %8.1f ms%s" % (name, seconds * 1000, "" if row_peak is None else "   peak RSS %.1f MiB" % (row_peak / 2**20)))
        print("memlens / cat smaps: %.2fx (goal <= 1.3x)" % (ours / cat))
        if smem:
            print("smem / memlens: %.1fx faster (goal >= 8x)" % (smem / ours))
        print("memlens peak RSS: %.1f MiB (goal <= 30 MiB)" % (max(peak, peak_json, peak_library) / 2**20))
    finally:
        target.stdin.close()
        target.wait()

    # --totals on a normal process: this script's own interpreter.
    totals, _ = timed([args.memlens, "footprint", str(os.getpid()), "--totals"], args.runs)
    start = time.perf_counter()
    for _ in range(100):
        with open("/proc/%d/smaps_rollup" % os.getpid(), "rb") as f:
            f.read()
    rollup = (time.perf_counter() - start) / 100
    print("memlens footprint --totals (normal process, incl. exec): %.1f ms; the smaps_rollup read alone: %.2f ms (goal <= 5 ms)"
          % (totals * 1000, rollup * 1000))


if __name__ == "__main__":
    main()
