"""GIVEN a heap of ~200,000 objects, WHEN memlens.dump runs twice (the first
warms up imports and caches), THEN print as JSON what gc.get_objects() and RSS
were before and after the second dump, for the test to compare."""

import gc
import json
import os
import sys


def rss():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class Node:
    def __init__(self, i):
        self.i = i
        self.name = "node-%d" % i


heap = [Node(i) for i in range(50000)]
table = {i: str(i) for i in range(50000)}

import memlens  # noqa: E402  (on PYTHONPATH from the test)

memlens.dump(sys.argv[1] + ".warmup")
objects_before = len(gc.get_objects())
rss_before = rss()
result = memlens.dump(sys.argv[1])
rss_after = rss()
objects_after = len(gc.get_objects())
print(json.dumps({
    "objects_before": objects_before, "objects_after": objects_after,
    "rss_before": rss_before, "rss_after": rss_after, "dumped": result["objects"],
}))
