"""GIVEN the foundation's LeakedThing heap (Tests/IntegrationTests/Fixtures/
leaked_thing.py: 12,345 LeakedThing reachable only through a closure), this
target records its own truth and waits on a pipe for a census from outside.

Truth, printed as one JSON line on stdout: len(gc.get_objects()), and per type
(`module.QualName` as memlens names it) the count and sum of sys.getsizeof;
then its OS threads (/proc/self/task) and sys._debugmallocstats()'s
"# arenas allocated current", taken last. Then it blocks reading stdin; EOF
ends it.
"""

import gc
import json
import os
import sys

sys.path.insert(0, os.environ["LEAKED_THING_DIR"])
from leaked_thing import build, qualified_name  # noqa: E402


def main():
    keeper = build()
    objects = gc.get_objects()
    counts, sizes = {}, {}
    for obj in objects:
        name = qualified_name(type(obj))
        counts[name] = counts.get(name, 0) + 1
        sizes[name] = sizes.get(name, 0) + sys.getsizeof(obj)
    del obj
    count = len(objects)
    del objects
    line = json.dumps({"objects": count, "counts": counts, "sizes": sizes})
    del counts, sizes
    tasks = len(os.listdir("/proc/self/task"))
    arenas = arenas_allocated()
    sys.stdout.write(line[:-1] + ', "tasks": %d, "arenas": %d}\n' % (tasks, arenas))
    sys.stdout.flush()
    del line
    sys.stdin.read(1)
    return keeper


def arenas_allocated():
    """sys._debugmallocstats() writes to fd 2: catch it through a pipe."""
    read_end, write_end = os.pipe()
    saved = os.dup(2)
    os.dup2(write_end, 2)
    try:
        sys._debugmallocstats()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(write_end)
    text = b""
    while True:
        chunk = os.read(read_end, 65536)
        if not chunk:
            break
        text += chunk
    os.close(read_end)
    for row in text.split(b"\n"):
        if row.startswith(b"# arenas allocated current"):
            return int(row.split(b"=")[-1].strip().replace(b",", b""))
    return -1


if __name__ == "__main__":
    main()
