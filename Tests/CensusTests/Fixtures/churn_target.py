"""GIVEN a heap that churns: two threads allocate cyclic garbage and collect
it over and over, while exactly 5,000 `Stable` objects never change. Prints
"ready", then blocks reading stdin; EOF ends it. A census may land at any
moment; each must still find exactly 5,000 Stable.
"""

import gc
import sys
import threading


class Stable:
    pass


class Churn:
    pass


def churn(generation):
    while True:
        junk = [Churn() for _ in range(2000)]
        for item in junk:
            item.me = item
        del junk, item
        gc.collect(generation)


keep = [Stable() for _ in range(5000)]
for generation in (0, 2):
    threading.Thread(target=churn, args=(generation,), daemon=True).start()
print("ready", flush=True)
sys.stdin.read(1)
