"""Benchmark target for ``memlens frag``: about GIB GiB of pymalloc arenas.

Usage: python target.py GIB KEEP_EVERY
Allocates small strings (160-byte blocks) until the arenas hold GIB GiB, then
keeps one in KEEP_EVERY (1: keep all, a full heap; 1000: nearly every arena
pinned by a few strings). Prints ``ready PID``, then answers on stdin:
``stats`` -> ``stats SECONDS`` (time of ``sys._debugmallocstats()``, output
to /dev/null), EOF -> exit. Polls, so it reaches safe points.
"""

import os
import select
import sys
import time


def main():
    gib = float(sys.argv[1])
    keep_every = int(sys.argv[2])
    count = int(gib * 2**30 / 160)
    strings = ["%0100d" % i for i in range(count)]
    kept = strings[::keep_every] if keep_every > 1 else strings
    del strings
    sys.stdout.write("ready %d\n" % os.getpid())
    sys.stdout.flush()
    while True:
        if not select.select([sys.stdin], [], [], 0.05)[0]:
            continue
        line = sys.stdin.readline()
        if not line:
            break
        if line.strip() == "stats":
            saved = os.dup(2)
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 2)
            start = time.perf_counter()
            sys._debugmallocstats()
            seconds = time.perf_counter() - start
            os.dup2(saved, 2)
            os.close(null)
            os.close(saved)
            sys.stdout.write("stats %.4f\n" % seconds)
            sys.stdout.flush()
    return kept


if __name__ == "__main__":
    main()
