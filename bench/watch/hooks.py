"""What the agent's watch hooks (python/memlens/watch_hooks.py) cost a
collection: the best of 5 rounds of 20,000 ``gc.collect(0)`` calls, without
the hooks and with them (their lines going to a pipe drained by this script).

    python3 bench/watch/hooks.py [--python python3.11 ...]
"""

import argparse
import os
import subprocess
import sys

CHILD = """
import gc, sys, time
if sys.argv[1] == "1":
    from memlens import watch_hooks
    watch_hooks.start(1)
best = 1e9
for _ in range(5):
    t = time.perf_counter()
    for _ in range(20000):
        gc.collect(0)
    best = min(best, (time.perf_counter() - t) / 20000)
sys.stderr.write("%.2f\\n" % (best * 1e6))
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--python", nargs="+", default=[sys.executable])
    args = parser.parse_args()
    agent = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python")
    for python in args.python:
        figures = []
        for hooks in ("0", "1"):
            child = subprocess.run([python, "-c", CHILD, hooks], env=dict(os.environ, PYTHONPATH=agent),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=True)
            figures.append(float(child.stderr.split()[-1]))
        print("%s: %.2f us per gen0 collection without the hooks, %.2f us with them (+%.2f us)"
              % (python, figures[0], figures[1], figures[1] - figures[0]))


main()
