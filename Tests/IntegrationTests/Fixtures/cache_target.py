"""GIVEN a module-level `cache` dict that alone owns a list of 10,000 distinct
strings, the target writes to argv[1] the address of `cache` and the bytes it
keeps alive (its own getsizeof, the list's, every string's), then snapshots
itself with SIGUSR2."""

import json
import os
import signal
import sys

cache = {"items": ["item-%d-%s" % (i, "x" * (i % 7)) for i in range(10000)]}
truth = sys.getsizeof(cache) + sys.getsizeof(cache["items"]) + sum(map(sys.getsizeof, cache["items"]))
with open(sys.argv[1], "wb") as out:
    out.write(json.dumps({"address": "0x%x" % id(cache), "retained": truth}).encode())
del out
os.kill(os.getpid(), signal.SIGUSR2)
