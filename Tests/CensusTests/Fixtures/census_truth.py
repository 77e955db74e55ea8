"""GIVEN the foundation's LeakedThing heap (Tests/IntegrationTests/Fixtures/
leaked_thing.py: 12,345 LeakedThing reachable only through a closure), this
target records its own truth and waits on a pipe for a census from outside.

Truth, printed as one JSON line on stdout: len(gc.get_objects()), and per type
(`module.QualName` as memlens names it) the count and sum of sys.getsizeof.
Then it blocks reading stdin; EOF ends it.
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
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
    del line
    sys.stdin.read(1)
    return keeper


if __name__ == "__main__":
    main()
