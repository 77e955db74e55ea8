"""In-app monitor: log the object types that keep growing, and uncollectable
garbage, every so often, at low cost.

    import logging, memlens
    logging.basicConfig(level=logging.INFO)
    monitor = memlens.monitor(interval=60)      # a daemon thread
    ...
    monitor.stop()

Each check counts the GC-tracked objects by type (one pass over
``gc.get_objects()``: about 0.1 s per million objects, so keep ``interval``
well above that) and logs, at WARNING, the types whose count grew by at least
``min_growth`` since the previous check, with how many checks in a row each
has grown; and any growth of ``gc.garbage`` (objects the collector could not
free), by type. ``check()`` runs one check now and returns what it found.
"""

import gc
import logging
import threading
from collections import Counter

from ._shared import qualified_name


class Monitor:
    """Periodic growth checks on a daemon thread; see ``memlens.monitor``."""

    def __init__(self, interval, logger, top, min_growth):
        self.interval = interval
        self.logger = logger
        self.top = top
        self.min_growth = min_growth
        self._counts = None
        self._streaks = Counter()
        self._garbage = len(gc.garbage)
        self._stopped = threading.Event()
        self._thread = None

    def start(self):
        self.check()
        self._thread = threading.Thread(target=self._loop, name="memlens-monitor", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        """Ends the thread (it finishes a check under way first)."""
        self._stopped.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()

    def _loop(self):
        while not self._stopped.wait(self.interval):
            try:
                self.check()
            except Exception:  # a monitor must never take the program down
                self.logger.exception("memlens monitor: check failed")

    def check(self):
        """Counts objects by type now; logs and returns ``{"grew": [(type,
        growth, count, checks in a row)…], "garbage": [(type, count)…]}``."""
        objects = gc.get_objects()
        counts = Counter(map(qualified_name, map(type, objects)))
        del objects
        grew = []
        if self._counts is not None:
            for name, count in counts.items():
                growth = count - self._counts.get(name, 0)
                if growth >= self.min_growth:
                    self._streaks[name] += 1
                    grew.append((name, growth, count, self._streaks[name]))
                else:
                    self._streaks.pop(name, None)
        self._counts = counts
        grew.sort(key=lambda row: -row[1])
        grew = grew[:self.top]
        if grew:
            self.logger.warning("memlens: %d type(s) grew: %s", len(grew), ", ".join(
                "%s +%d (now %d, growing %d check%s in a row)" % (n, g, c, s, "" if s == 1 else "s")
                for n, g, c, s in grew))
        garbage = []
        if len(gc.garbage) > self._garbage:
            garbage = Counter(map(qualified_name, map(type, gc.garbage[self._garbage:]))).most_common(self.top)
            self.logger.warning("memlens: %d new uncollectable object(s) in gc.garbage (now %d): %s",
                                len(gc.garbage) - self._garbage, len(gc.garbage),
                                ", ".join("%s ×%d" % row for row in garbage))
        self._garbage = len(gc.garbage)
        return {"grew": grew, "garbage": garbage}


def monitor(interval=60.0, logger=None, top=10, min_growth=100):
    """Starts a ``Monitor`` that checks every ``interval`` seconds on a daemon
    thread and logs to ``logger`` (default: the ``memlens`` logger) the ``top``
    types that grew by at least ``min_growth`` objects since the last check,
    and new uncollectable garbage. The first check, a baseline, runs now.
    Returns the monitor; ``stop()`` ends it."""
    if interval <= 0:
        raise ValueError("interval must be positive")
    return Monitor(interval, logger or logging.getLogger("memlens"), top, min_growth).start()
