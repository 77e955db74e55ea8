"""A target for `memlens snapshot PID`. GIVEN 12,345 LeakedThing held through
a closure, it records its own state (sys.modules, sys.path, threads, signal
handlers, open fds, number of mappings) and its truth (gc.get_objects() by
type) to argv[1], prints "ready", then idles in short sleeps — or, with
argv[2] == "churn", runs two threads that allocate and collect — until the
file argv[1] + ".done" exists. Then it records its state again to
argv[1] + ".after", with the number of objects a full collection then
finds unreachable, and exits.
"""

import gc
import json
import os
import signal
import sys
import threading
import time


def qualified_name(cls):
    module = cls.__module__
    name = cls.__qualname__
    return name if module == "builtins" else module + "." + name


class LeakedThing:
    def __init__(self, index):
        self.index = index


def build():
    things = [LeakedThing(i) for i in range(12345)]
    return lambda: things


def state():
    # Read-only anonymous mappings of 64 KiB: gdb's code buffer must be gone after.
    buffers = []
    with open("/proc/self/maps", "rb") as maps:
        for line in maps.read().split(b"\n"):
            fields = line.split()
            if len(fields) == 5 and fields[1] == b"r--p":
                start, end = (int(x, 16) for x in fields[0].split(b"-"))
                if end - start == 65536:
                    buffers.append(fields[0].decode())
    return {
        "modules": sorted(sys.modules), "path": list(sys.path), "finders": sorted(sys.path_importer_cache),
        "threads": sorted(t.name for t in threading.enumerate()),
        "handlers": [repr(signal.getsignal(s)) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGUSR1, signal.SIGUSR2)],
        "fds": sorted(os.listdir("/proc/self/fd")), "buffers": buffers, "gc": gc.isenabled(),
        "switch_interval": sys.getswitchinterval(),
    }


def churn(stop):
    while not stop.is_set():
        junk = [{"n": i, "l": [i, str(i)]} for i in range(2000)]
        cycle = []
        cycle.append(cycle)
        del junk, cycle
        gc.collect()


def main(path, mode):
    keeper = build()
    stop = threading.Event()
    workers = [threading.Thread(target=churn, args=(stop,), name="churn-%d" % i) for i in range(2)] if mode == "churn" else []
    for worker in workers:
        worker.start()
    before = state()
    objects = gc.get_objects()
    counts = {}
    for obj in objects:
        name = qualified_name(type(obj))
        counts[name] = counts.get(name, 0) + 1
    del obj
    truth = json.dumps({"objects": len(objects), "types": counts, "pid": os.getpid()}).encode()
    del objects, counts
    with open(path, "wb") as out:
        out.write(truth)
    del out, truth
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    done = path + ".done"
    while not os.path.exists(done):
        time.sleep(0.02)
    # What memlens left for the collector (before anything here allocates and
    # triggers a collection): an idle process may not collect for hours.
    garbage = gc.collect()
    after = state()
    stop.set()
    for worker in workers:
        worker.join()
    with open(path + ".after", "wb") as out:
        out.write(json.dumps({"same": before == after, "garbage": garbage, "before": before, "after": after}).encode())
    return keeper


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "idle")
