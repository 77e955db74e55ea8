"""Grows the heap in a worker thread while the main thread waits in join():
grow_in_worker keeps 16 MiB of bytes objects (256 KiB each: each its own
mapping, so the process grows by what it keeps), at a steady pace over about
30 ms, holding the GIL. Writes its own truth as JSON to TRUTH.json: the bytes
grow_in_worker kept (sys.getsizeof of each) and how long it took.

    python worker.py TRUTH.json [GO_FILE]

With GO_FILE it waits for that file first (so a watcher given the pid can start).
"""
import json
import os
import sys
import threading
import time

GROW_SECONDS = 0.03
GROW_BYTES = 16 * 1024 * 1024
OBJECT_BYTES = 256 * 1024


# Paces itself inline: a helper would be the innermost frame that grew.
def grow_in_worker(kept):
    start = time.perf_counter()
    added = 0
    while added < GROW_BYTES:
        if added < GROW_BYTES * (time.perf_counter() - start) / GROW_SECONDS:
            item = b"w" * OBJECT_BYTES
            kept.append(item)
            added += sys.getsizeof(item)
    return added, time.perf_counter() - start


def work(kept, truth):
    # The main thread is in join() before the worker grows.
    time.sleep(0.3)
    truth["grow_in_worker"], truth["grow_seconds"] = grow_in_worker(kept)
    time.sleep(0.3)


def main():
    truth_path = sys.argv[1]
    go = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] != "-" else None
    while go and not os.path.exists(go):
        time.sleep(0.01)
    # Under `watch -- CMD` the sampler starts once the interpreter can be read: wait for it.
    time.sleep(0.8 if go is None else 0.3)
    kept, truth = [], {}
    worker = threading.Thread(target=work, args=(kept, truth))
    worker.start()
    worker.join()
    with open(truth_path, "w") as f:
        json.dump(truth, f)
    print(json.dumps(truth))


main()
