"""A target for `memlens gc PID` and `memlens alloc PID`, which keeps its own
truth. Usage: observe_target.py STATE MODE; prints "ready", then works in short
steps until STATE + ".done" exists, then writes STATE + ".after" (JSON: its
truth and whether its state is as before) and exits.

MODE
  cycles   500 reference cycles of CycleThing per second; weakref finalizers
           count those freed by the collections memlens's watcher saw begin
           (the target's own gc callback, first in gc.callbacks, asks the
           watcher when each collection ends: memlens's code may run inside
           the target's callback, so the watcher's presence at the start is
           not the window).
  alloc    appends 1 MiB per second to a list at the line marked ALLOC-LINE;
           counts the bytes appended while tracemalloc is tracing.
  oldgen   holds 2,000,000 long-lived objects; on STATE + ".freeze" it calls
           gc.freeze() and times a full collection itself, writing the time
           before and after to STATE + ".frozen".
"""

import atexit  # noqa: F401  (weakref.finalize imports it on first use: before the state is taken)
import gc
import json
import os
import sys
import threading
import time
import tracemalloc
import weakref


class CycleThing:
    def __init__(self):
        self.me = self


def state():
    return {
        "callbacks": len(gc.callbacks), "debug": gc.get_debug(), "garbage": len(gc.garbage),
        "thresholds": list(gc.get_threshold()), "tracing": tracemalloc.is_tracing(),
        "modules": sorted(sys.modules), "path": list(sys.path), "finders": sorted(sys.path_importer_cache),
        "threads": sorted(t.name for t in threading.enumerate()), "gc": gc.isenabled(),
    }


class Truth:
    def __init__(self):
        self.freed = 0
        self.freed_before = 0
        self.freed_watched = 0
        self.traced_bytes = 0

    def on_gc(self, phase, info):
        if phase == "start":
            self.freed_before = self.freed
            return
        for callback in gc.callbacks:
            if type(callback).__name__ == "_GCWatch" and callback.in_collection:
                self.freed_watched += self.freed - self.freed_before

    def finalized(self):
        self.freed += 1


def timed_full_collection():
    began = time.perf_counter()
    gc.collect()
    return time.perf_counter() - began


def main(path, mode):
    truth = Truth()
    gc.callbacks.append(truth.on_gc)
    kept = []
    long_lived = [[] for _ in range(2_000_000)] if mode == "oldgen" else None
    gc.collect()
    before = state()
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    done, freeze = path + ".done", path + ".freeze"
    step = 0
    while not os.path.exists(done):
        step += 1
        if mode == "cycles":
            for _ in range(50):
                thing = CycleThing()
                weakref.finalize(thing, truth.finalized)
                del thing
        elif mode == "alloc":
            block = bytearray(1 << 17)  # ALLOC-LINE
            kept.append(block)
            if tracemalloc.is_tracing():
                truth.traced_bytes += sys.getsizeof(block)
            del block
        elif mode == "oldgen" and os.path.exists(freeze) and not os.path.exists(path + ".frozen"):
            unfrozen = timed_full_collection()
            gc.freeze()
            frozen = timed_full_collection()
            with open(path + ".frozen.partial", "w") as out:
                out.write(json.dumps({"before_ms": unfrozen * 1000, "after_ms": frozen * 1000}))
            os.rename(path + ".frozen.partial", path + ".frozen")
        time.sleep(0.1 if mode != "alloc" else 0.125)
    if mode == "oldgen":
        gc.unfreeze()
    gc.callbacks.remove(truth.on_gc)
    gc.collect()
    after = state()
    before["callbacks"] -= 1
    with open(path + ".after", "w") as out:
        out.write(json.dumps({"same": before == after, "before": before, "after": after,
                              "freed": truth.freed, "freed_watched": truth.freed_watched,
                              "traced_bytes": truth.traced_bytes}))
    return long_lived


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
