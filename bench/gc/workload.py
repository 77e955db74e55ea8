"""A collection-heavy loop for bench/gc/run.sh: builds containers and
reference cycles until the file STOP exists, counting loop iterations per CPU second
(process time, so other processes on the machine matter less) in 0.25 s
buckets; each bucket notes whether memlens's gc watcher was in gc.callbacks
at both its ends. Writes JSON buckets to OUT at the end."""

import gc
import json
import os
import sys
import time

stop, out = sys.argv[1], sys.argv[2]


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
while not os.path.exists(stop):
    began, cpu, was = time.perf_counter(), time.process_time(), watched()
    count = 0
    while time.perf_counter() - began < 0.25:
        for _ in range(50):
            work()
        count += 50
    now = watched()
    buckets.append({"rate": count / (time.process_time() - cpu), "watched": was and now, "mixed": was != now})
with open(out, "w") as f:
    json.dump({"buckets": buckets, "python": sys.version.split()[0]}, f)
