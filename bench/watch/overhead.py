"""What `memlens watch` costs. Two figures:

1. Slowdown of the watched process: two copies of the same busy Python loop
   run side by side for --seconds, one watched (`--interval 100ms
   --census-every 5s`), one not; their throughputs are compared. Repeated
   --rounds times, the watched copy alternating between the two.
2. memlens's own CPU: watching a process holding 1 M objects (a census every
   5 s, a sample every 100 ms) for --seconds; user + system time of memlens
   divided by the wall time.

    swift build -c release && python3 bench/watch/overhead.py [.build/release/memlens] [--python python3.11]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

BUSY = """
import sys, time
end = time.monotonic() + float(sys.argv[1])
print("ready", flush=True)
n = 0
while time.monotonic() < end:
    d = {i: [i, str(i)] for i in range(200)}
    n += 1
print(n, flush=True)
"""

MILLION = """
import sys
keep = [[i] for i in range(1_000_000)]
print("ready", flush=True)
sys.stdin.read()
"""


def watch(memlens, pid, seconds, folder):
    return subprocess.Popen([memlens, "watch", str(pid), "--interval", "100ms", "--census-every", "5s",
                             "--duration", "%ds" % seconds, "-o", os.path.join(folder, "t%d.html" % pid)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def slowdown(memlens, python, seconds, rounds, folder):
    ratios = []
    for r in range(rounds):
        busy = [subprocess.Popen([python, "-c", BUSY, str(seconds)], stdout=subprocess.PIPE, text=True) for _ in range(2)]
        for b in busy:
            b.stdout.readline()
        watched = r % 2
        w = watch(memlens, busy[watched].pid, seconds + 2, folder)
        counts = [int(b.stdout.readline()) for b in busy]
        for b in busy:
            b.wait()
        w.terminate()
        w.wait()
        ratio = counts[watched] / counts[1 - watched]
        ratios.append(ratio)
        print("round %d: watched %d, unwatched %d loops (%.3f)" % (r + 1, counts[watched], counts[1 - watched], ratio))
    return ratios


def own_cpu(memlens, python, seconds, folder):
    target = subprocess.Popen([python, "-c", MILLION], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    target.stdout.readline()
    start = time.monotonic()
    w = watch(memlens, target.pid, seconds, folder)
    _, status, usage = os.wait4(w.pid, 0)
    wall = time.monotonic() - start
    target.stdin.close()
    target.wait()
    return (usage.ru_utime + usage.ru_stime) / wall, wall


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("memlens", nargs="?", default=".build/release/memlens")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        ratios = slowdown(args.memlens, args.python, args.seconds, args.rounds, folder)
        print("watched/unwatched throughput: median %.3f (min %.3f, max %.3f) → slowdown %.1f%%" % (
            statistics.median(ratios), min(ratios), max(ratios), 100 * (1 - statistics.median(ratios))))
        share, wall = own_cpu(args.memlens, args.python, args.seconds * 2, folder)
        print("memlens CPU watching 1 M objects (census every 5 s, sample every 100 ms): %.1f%% of a core over %.0f s" % (100 * share, wall))


if __name__ == "__main__":
    main()
