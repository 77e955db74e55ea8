"""GIVEN a heap with exactly 12,345 LeakedThing reachable only through a
closure, this target records its own truth (gc.get_objects() count, per-type
counts, sum of sys.getsizeof over them) to argv[1], then snapshots itself with
SIGUSR2 (memlens run's agent handles it) and exits.

With argv[2] == "wait", it instead blocks reading stdin after writing the
truth, so a test can signal it from outside. With argv[2] == "growth", it also
snapshots itself once before building the LeakedThings (the "before the
leak" snapshot).
"""

import gc
import json
import os
import signal
import sys
from memlens.snapshot import qualified_name


class LeakedThing:
    def __init__(self, index):
        self.index = index
        self.payload = [index, str(index)]


def build():
    things = [LeakedThing(i) for i in range(12345)]

    def holder():
        return things

    return holder


def main(truth_path, mode):
    if mode == "growth":
        os.kill(os.getpid(), signal.SIGUSR2)   # before the leak
    keeper = build()
    objects = gc.get_objects()
    # A plain loop: Counter(...) would fill ABC caches (new weakrefs and sets)
    # after the truth was taken.
    counts, sizes = {}, {}
    for obj in objects:
        name = qualified_name(type(obj))
        counts[name] = counts.get(name, 0) + 1
        sizes[name] = sizes.get(name, 0) + sys.getsizeof(obj)
    del obj
    count = len(objects)
    del objects
    text = json.dumps({"objects": count, "types": counts, "sizes": sizes})
    del counts, sizes
    # Binary: opening a text file looks up the locale's codec, which can grow
    # the codec cache (a dict) after the truth was taken.
    with open(truth_path, "wb") as out:
        out.write(text.encode())
    del out, text
    if mode == "wait":
        sys.stdin.read(1)
    else:
        os.kill(os.getpid(), signal.SIGUSR2)
    return keeper


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "signal")
