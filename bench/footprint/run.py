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


def run_once(argv):
    """Wall seconds and peak RSS (bytes) of one run of argv."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        sys.exit("failed: %s (status %d)" % (" ".join(argv), status))
    return seconds, usage.ru_maxrss * 1024


def timed(argv, runs):
    """Median wall seconds and max peak RSS (bytes) over `runs` runs of argv."""
    results = [run_once(argv) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def interleaved(commands, runs):
    """Median seconds and max peak RSS per command, the commands taking turns
    in each of `runs` rounds, so that load from elsewhere on the machine
    falls on all of them alike. A command given with a stride runs only
    every stride-th round (smem is slow)."""
    results = {name: [] for name, _, _ in commands}
    for round_ in range(runs):
        for name, argv, stride in commands:
            if round_ % stride == 0:
                results[name].append(run_once(argv))
    return {name: (statistics.median(r[0] for r in rows), max(r[1] for r in rows)) for name, rows in results.items()}


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
        commands = [
            ("cat /proc/PID/smaps > /dev/null", ["sh", "-c", "cat /proc/%d/smaps > /dev/null" % pid], 1),
            ("memlens footprint PID", [args.memlens, "footprint", str(pid)], 1),
            ("memlens footprint PID --json", [args.memlens, "footprint", str(pid), "--json"], 1),
            ("memlens footprint PID --by library", [args.memlens, "footprint", str(pid), "--by", "library"], 1),
        ]
        if shutil.which("smem"):
            commands.append(("smem -P many_mappings", ["smem", "-P", "many_mappings"], 2))
        measured = interleaved(commands, args.runs)
        rows = [(name, seconds, None if name.startswith(("cat", "smem")) else peak) for name, (seconds, peak) in measured.items()]
        cat = measured["cat /proc/PID/smaps > /dev/null"][0]
        ours, peak = measured["memlens footprint PID"]
        peak = max(measured[name][1] for name, _, _ in commands if name.startswith("memlens"))
        smem = measured.get("smem -P many_mappings", (None, None))[0]
        for name, seconds, row_peak in rows:
            print("%-40s %8.1f ms%s" % (name, seconds * 1000, "" if row_peak is None else "   peak RSS %.1f MiB" % (row_peak / 2**20)))
        print("memlens / cat smaps: %.2fx (goal <= 1.3x)" % (ours / cat))
        if smem:
            print("smem / memlens: %.1fx faster (goal >= 8x)" % (smem / ours))
        print("memlens peak RSS: %.1f MiB (goal <= 30 MiB)" % (peak / 2**20))
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
