"""Exact import times and collector pauses for ``memlens watch -- CMD``.

Started by :mod:`memlens._autoload` when ``MEMLENS_WATCH_HOOKS`` is set (the
variable is removed, so child interpreters do not report). Each import and
each collection is one line on the report pipe memlens gave the target (``MEMLENS_REPORT_FD``), which memlens reads while it watches.

Lines are batched: written at most every 20 ms, when an import ends or
*before* a collection's timing starts (a write may wake memlens and cost the
program a context switch: never inside a measured pause), and at exit. A
burst's last lines wait for the next import or collection.

    watch hooks NOW_NS
    watch import START_NS DURATION_NS DIRTY_BYTES FAILED NAME
    watch gc START_NS DURATION_NS GENERATION COLLECTED UNCOLLECTABLE

Times are ``time.monotonic_ns()`` (CLOCK_MONOTONIC, the clock memlens's
watch keeps). An import's time and Private_Dirty change are cumulative (the
imports it triggers included), measured by :mod:`memlens.imports`'s hook;
DURATION_NS of a collection is its pause, timed by a ``gc.callbacks`` entry.
Each write (``BATCH`` lines of at most ~280 bytes) is shorter than PIPE_BUF,
so atomic among the pipe's writers. If the pipe fails
(memlens went away), reporting stops; the program is never disturbed.
"""

import gc
import os
import time

from . import imports as _imports

_clock = time.monotonic_ns


class _Channel(object):
    """The report pipe; writes only from the process that started the hooks."""

    __slots__ = ("fd", "pid", "pending", "flushed")

    # At most this many lines wait (a burst beyond is dropped); one write is at most ~3.4 kB, under PIPE_BUF.
    LIMIT = 10000
    BATCH = 12

    def __init__(self, fd):
        self.fd = fd
        self.pid = os.getpid()
        self.pending = []
        self.flushed = 0

    def send(self, line):
        """Queues a line (or a collection's tuple)."""
        if len(self.pending) < self.LIMIT:
            self.pending.append(line)

    def flush(self, due_ns=20000000):
        """Writes the waiting lines if ``due_ns`` passed since the last write."""
        if not self.pending or _clock() - self.flushed < due_ns:
            return
        if self.fd < 0 or os.getpid() != self.pid:
            del self.pending[:]
            return
        lines, self.pending = self.pending, []
        self.flushed = _clock()
        # Collections wait as tuples: formatted here, not inside the collector's callback.
        lines = [line if isinstance(line, str) else "watch gc %d %d %d %d %d" % line for line in lines]
        try:
            for i in range(0, len(lines), self.BATCH):
                os.write(self.fd, ("\n".join(lines[i:i + self.BATCH]) + "\n").encode("ascii", "replace"))
        except OSError:
            self.fd = -1


class _Collections(object):
    """A ``gc.callbacks`` entry that reports each collection's pause."""

    __slots__ = ("channel", "began")

    def __init__(self, channel):
        self.channel = channel
        self.began = 0

    def __call__(self, phase, info):
        if phase == "start":
            self.channel.flush()
            self.began = _clock()
            return
        ended = _clock()
        began, self.began = self.began, 0
        if began:
            try:
                self.channel.send((began, ended - began, info["generation"], info["collected"], info["uncollectable"]))
            except Exception:  # a failing callback would print into the target's stderr
                pass


def start(fd):
    """Installs the import hook and the collection callback, reporting to ``fd``."""
    channel = _Channel(fd)

    def on_import(start_ns, node):
        name = node["name"][:200].replace("\n", "?")
        # perf_counter_ns and monotonic_ns are both CLOCK_MONOTONIC on Linux.
        channel.send("watch import %d %d %d %d %s" % (
            start_ns, node["cumulative_ns"], node["cumulative_bytes"], 1 if node.get("failed") else 0, name))
        channel.flush()

    recorder = _imports._Recorder(listener=on_import)
    import sys
    sys.meta_path.insert(0, _imports._CostFinder(recorder))
    gc.callbacks.append(_Collections(channel))
    channel.send("watch hooks %d" % _clock())
    channel.flush(0)
    import atexit
    atexit.register(channel.flush, 0)
