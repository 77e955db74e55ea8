"""Grows in 5 ms bursts in two functions, alternating: grow_a keeps bytes
objects, grow_b keeps bytearrays, each at a steady pace through its burst
(1 MiB a burst, in objects of 256 KiB: each its own mapping, so the
process's memory grows by what it keeps, not into memory freed before). Writes its own truth as JSON to TRUTH.json: the
bytes each function kept (sys.getsizeof of what it appended) and the
bursts run.

    python bursts.py TRUTH.json [GO_FILE] [BURSTS]

With GO_FILE it waits for that file first (so a watcher given the pid can start).
"""
import json
import os
import sys
import time

BURST_SECONDS = 0.005
BURST_BYTES = 1024 * 1024
OBJECT_BYTES = 256 * 1024


# Each function paces itself inline: a helper would be the innermost frame that grew.
def grow_a(kept):
    start = time.perf_counter()
    added = 0
    while True:
        elapsed = time.perf_counter() - start
        if elapsed >= BURST_SECONDS:
            return added
        if added < BURST_BYTES * elapsed / BURST_SECONDS:
            item = b"a" * OBJECT_BYTES
            kept.append(item)
            added += sys.getsizeof(item)


def grow_b(kept):
    start = time.perf_counter()
    added = 0
    while True:
        elapsed = time.perf_counter() - start
        if elapsed >= BURST_SECONDS:
            return added
        if added < BURST_BYTES * elapsed / BURST_SECONDS:
            item = bytearray(OBJECT_BYTES)  # zeroed with memset: its pages are written
            kept.append(item)
            added += sys.getsizeof(item)


def main():
    truth_path = sys.argv[1]
    go = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] != "-" else None
    bursts = int(sys.argv[3]) if len(sys.argv) > 3 else 60
    while go and not os.path.exists(go):
        time.sleep(0.01)
    kept_a, kept_b = [], []
    # Under `watch -- CMD` the sampler starts once the interpreter can be read: wait for it.
    time.sleep(0.8 if go is None else 0.3)
    totals = {"grow_a": 0, "grow_b": 0}
    for _ in range(bursts):
        totals["grow_a"] += grow_a(kept_a)
        totals["grow_b"] += grow_b(kept_b)
    time.sleep(0.4)
    with open(truth_path, "w") as f:
        json.dump(dict(totals, bursts=bursts), f)
    print(json.dumps(totals))


main()
