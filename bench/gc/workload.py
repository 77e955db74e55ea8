"""A collection-heavy loop for bench/gc/run.sh: builds containers and
reference cycles for SECONDS seconds, counting loop iterations in 0.25 s
buckets; each bucket notes whether memlens's gc watcher was in gc.callbacks
at both its ends. Writes JSON buckets to OUT at the end."""

import gc
import json
import sys
import time

seconds, out = float(sys.argv[1]), sys.argv[2]


class Node:
    def __init__(self, parent):
        self.parent = parent
        self.children = []
        if parent is not None:
            parent.children.append(self)


def watched():
    return any(type(cb).__name__ == "_GCWatch" for cb in gc.callbacks)


def work():
    root = Node(None)
    for i in range(20):
        Node(root)
    return [{"k": i, "v": [i, i + 1]} for i in range(20)]


buckets = []
print("ready", flush=True)
end = time.perf_counter() + seconds
while time.perf_counter() < end:
    began, was = time.perf_counter(), watched()
    count = 0
    while time.perf_counter() - began < 0.25:
        for _ in range(50):
            work()
        count += 50
    buckets.append({"rate": count / (time.perf_counter() - began), "watched": was and watched(), "mixed": was != watched()})
with open(out, "w") as f:
    json.dump({"buckets": buckets, "python": sys.version.split()[0]}, f)
