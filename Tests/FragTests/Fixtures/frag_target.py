"""Seed 000's fragmentation example as a test target that waits for commands.

Usage: python frag_target.py SCALE KEEP_EVERY
Builds the seed's strings of growing size, keeping every other one (``l``);
then keeps ``l[::KEEP_EVERY]`` as survivors (KEEP_EVERY 0: none) and ``del``s
the rest. Prints ``ready <pid>`` and then answers one command per stdin line (polling, so
the main thread reaches safe points where memlens's agent can run):

  rss        -> ``rss <bytes>`` (from /proc/self/statm)
  stats      -> ``sys._debugmallocstats()`` to stderr, then ``stats done``
  survivors  -> ``survivors <count> <bytes> <small>`` (small: ≤ 512 B, in pymalloc)
  ids        -> ``ids <hex> <hex> …``: id() of the small survivors
  holder     -> ``holder <hex>``: id() of the list holding the survivors
  drop       -> deletes the survivors, then ``dropped``
  EOF        -> exits
"""

import os
import select
import sys


def rss_bytes():
    with open("/proc/self/statm", "rb") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def build(scale, keep_every):
    l = []
    for i in range(1, 100):
        ll = [" " * (i * 16) for j in range(int(1000000 * scale) // i)]
        ll = ll[::2]
        l.extend(ll)
    del ll
    survivors = l[::keep_every] if keep_every else []
    del l
    return survivors


def main():
    scale = float(sys.argv[1])
    keep_every = int(sys.argv[2])
    survivors = build(scale, keep_every)
    out = sys.stdout
    out.write("ready %d\n" % os.getpid())
    out.flush()
    while True:
        # Wakes every 50 ms so the interpreter reaches safe points (memlens's agent runs there).
        if not select.select([sys.stdin], [], [], 0.05)[0]:
            continue
        line = sys.stdin.readline()
        if not line:
            break
        command = line.strip()
        if command == "rss":
            out.write("rss %d\n" % rss_bytes())
        elif command == "stats":
            sys._debugmallocstats()
            sys.stderr.flush()
            out.write("stats done\n")
        elif command == "survivors":
            small = sum(1 for s in survivors if sys.getsizeof(s) <= 512)
            out.write("survivors %d %d %d\n" % (len(survivors), sum(map(sys.getsizeof, survivors)), small))
        elif command == "ids":
            out.write("ids %s\n" % " ".join("%x" % id(s) for s in survivors if sys.getsizeof(s) <= 512))
        elif command == "holder":
            out.write("holder %x\n" % id(survivors))
        elif command == "drop":
            del survivors[:]
            out.write("dropped\n")
        out.flush()


if __name__ == "__main__":
    main()
