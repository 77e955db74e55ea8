"""Seed 000's fragmentation example, scaled: strings of growing size, keep every
other one, then ``del`` them. RSS stays high after ``del`` because the
survivors of each step pinned memory the next step could not reuse.

Usage: python fragmentation.py [SCALE]   (SCALE 1.0 ≈ the article's 800 MB)
Sends itself SIGUSR2 at the peak and after ``del`` (memlens run turns each
into a snapshot), and prints RSS at each stage on stderr.
"""

import os
import signal
import sys


def rss_mib():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main(scale):
    kept = []
    for i in range(1, 100):
        step = [" " * (i * 16) for _ in range(int(1000000 * scale) // i)]
        step = step[::2]
        kept.extend(step)
    del step
    stored = sum(map(len, kept))
    sys.stderr.write("peak: %d strings, %.1f MiB of characters, RSS %.1f MiB\n"
                     % (len(kept), stored / 2**20, rss_mib()))
    os.kill(os.getpid(), signal.SIGUSR2)
    del kept
    sys.stderr.write("after del: RSS %.1f MiB\n" % rss_mib())
    os.kill(os.getpid(), signal.SIGUSR2)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 0.05)
