"""Checks memlens.monitor in this interpreter: GIVEN a monitor with a list
handler, WHEN LeakyThing objects pile up between checks and uncollectable
objects appear in gc.garbage, THEN it logs both, by type, and its thread
stops cleanly. Prints one JSON line with what it logged."""

import gc
import json
import logging
import sys
import threading
import time

import memlens


class LeakyThing:
    pass


class Collect(logging.Handler):
    def __init__(self):
        logging.Handler.__init__(self)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


logger = logging.getLogger("monitor-check")
logger.propagate = False
handler = Collect()
logger.addHandler(handler)
kept = []
monitor = memlens.monitor(interval=0.3, logger=logger, min_growth=500)
for _ in range(3):
    kept.extend(LeakyThing() for _ in range(1000))
    time.sleep(0.4)
gc.garbage.extend(LeakyThing() for _ in range(3))
time.sleep(0.4)
found = monitor.check()
monitor.stop()
del gc.garbage[:]
print(json.dumps({"lines": handler.lines, "threads": [t.name for t in threading.enumerate()], "last": found}))
