"""Observation windows in a running target: the jobs of ``memlens gc PID``
and ``memlens alloc PID``, run inside it by ``inject.py``.

Each command runs its job twice. ACTION "start" appends a watcher to
``gc.callbacks``; ACTION "stop" finds it by TOKEN, removes it, and writes
what it saw as JSON to FOLDER. Between the two, the watcher and the modules
the start imported (left in ``sys.modules`` so that the stop need not import
them again under tracemalloc) are all memlens leaves in the target; the stop
removes both. A watcher goes inert by itself DEADLINE seconds after it
started, in case memlens never comes back.

``gc``: the watcher times every collection and, within a small budget of the
target's time, types what each collection freed: before the collection it
takes weak references to the objects of the generations being collected (no
strong reference survives the callback, so nothing is kept alive), after it
counts the ones that died, by type. Objects that cannot be weakly referenced
(dict, list, tuple, instances with ``__slots__`` and no ``__weakref__``) are
not typed. Thresholds, debug flags and ``gc.garbage`` are left alone.

``alloc``: starts ``tracemalloc`` (DEPTH frames) unless it is tracing already,
in which case it takes a baseline snapshot instead; the stop compares, reports
the TOP sites by growth, and stops tracing if memlens started it.
"""

import gc
import json
import sys
from array import array
from collections import Counter
from itertools import chain, compress, repeat
from operator import is_
from time import perf_counter
from weakref import ref

from memlens._shared import python_version, qualified_name, write_atomically  # EmbedAgentTool puts memlens/_shared.py here

# Typing garbage may take this share of the target's time, measured as it
# goes; collections over more objects than SAMPLING_MAX_OBJECTS are not typed.
SAMPLING_SHARE = 0.01
SAMPLING_MAX_OBJECTS = 200_000


class _Watcher:
    """A ``gc.callbacks`` entry that knows whether a collection is under way."""

    __slots__ = ("token", "began", "deadline", "active", "in_collection", "modules")

    def __init__(self, token, seconds):
        self.token = token
        self.modules = ()
        self.began = perf_counter()
        self.deadline = self.began + seconds
        self.active = True
        self.in_collection = False

    def __call__(self, phase, info):
        try:
            if phase == "start" and self.active and perf_counter() > self.deadline:
                self.active = False
                self.expire()
        except Exception:  # a failing callback would print into the target's stderr
            pass
        self.in_collection = phase == "start" and self.active

    def expire(self):
        """Called once when the deadline passes."""


class _Weakrefable(dict):
    """type → whether its instances take weak references (cached)."""

    __slots__ = ()

    def __missing__(self, cls):
        answer = self[cls] = cls.__weakrefoffset__ != 0
        return answer


class _GCWatch(_Watcher):
    """Pause times and typed garbage of every collection. Its ``__call__`` is
    the hot path of every collection in the target, so it is written flat."""

    __slots__ = ("collection_began", "records", "sampled_collected", "garbage", "weakrefable",
                 "refs", "ref_types", "sampling_seconds", "garbage_before")

    def __init__(self, token, seconds):
        _Watcher.__init__(self, token, seconds)
        self.collection_began = 0.0
        # Per collection: generation, seconds, collected, uncollectable, typed (0/1).
        self.records = array("d")
        self.sampled_collected = 0
        self.garbage = Counter()
        self.weakrefable = _Weakrefable()
        self.refs = self.ref_types = None
        self.sampling_seconds = 0.0
        self.garbage_before = len(gc.garbage)

    def __call__(self, phase, info):
        try:
            now = perf_counter()
            if phase == "start":
                if now > self.deadline:
                    self.active = False
                    self.refs = self.ref_types = None
                if self.active and self.sampling_seconds <= SAMPLING_SHARE * (now - self.began) + 0.002:
                    self._take_refs(info["generation"])
                    sampled = perf_counter()
                    self.sampling_seconds += sampled - now
                    now = sampled
                self.collection_began = now
                self.in_collection = self.active
            elif self.in_collection:
                self.in_collection = False
                refs = self.refs
                self.records.extend((info["generation"], now - self.collection_began, info["collected"],
                                     info["uncollectable"], refs is not None))
                if refs is not None:
                    self.sampled_collected += info["collected"]
                    self.garbage.update(compress(self.ref_types, map(is_, map(ref.__call__, refs), repeat(None))))
                    self.refs = self.ref_types = None
                    self.sampling_seconds += perf_counter() - now
        except Exception:  # a failing callback would print into the target's stderr
            self.in_collection = False
            self.refs = self.ref_types = None

    def _take_refs(self, generation):
        """Weak references to the weak-referenceable objects of generations
        0..`generation`, and their types; no strong reference is kept."""
        objects = list(chain.from_iterable(map(gc.get_objects, range(generation + 1))))
        if len(objects) <= SAMPLING_MAX_OBJECTS:
            weak = list(compress(objects, map(self.weakrefable.__getitem__, map(type, objects))))
            objects = None
            self.ref_types = list(map(type, weak))
            self.refs = list(map(ref, weak))
            weak = None
        objects = None

    def report(self):
        garbage = Counter()
        for cls, count in self.garbage.items():
            garbage[qualified_name(cls)] += count
        records = self.records
        return {
            "seconds": perf_counter() - self.began,
            "records": {"generation": list(map(int, records[0::5])), "seconds": list(records[1::5]),
                        "collected": list(map(int, records[2::5])), "uncollectable": list(map(int, records[3::5])),
                        "sampled": list(map(bool, records[4::5]))},
            "sampled_collected": self.sampled_collected,
            "sampling_seconds": self.sampling_seconds,
            "garbage_by_type": dict(garbage),
            "garbage_before": self.garbage_before,
        }


class _AllocWatch(_Watcher):
    """Holds tracemalloc's state between start and stop."""

    __slots__ = ("tracemalloc", "started_tracing", "baseline")

    def __init__(self, token, seconds, tracemalloc, depth):
        _Watcher.__init__(self, token, seconds)
        self.tracemalloc = tracemalloc
        self.started_tracing = not tracemalloc.is_tracing()
        self.baseline = None
        if self.started_tracing:
            tracemalloc.start(depth)
        else:
            self.baseline = tracemalloc.take_snapshot()

    def expire(self):
        self.baseline = None
        if self.started_tracing and self.tracemalloc.is_tracing():
            self.tracemalloc.stop()

    def report(self, top):
        tracemalloc = self.tracemalloc
        if not tracemalloc.is_tracing():
            return {"lost": True}
        snapshot = tracemalloc.take_snapshot()
        # What this injection allocated runs in "<string>" frames (gdb's
        # PyRun_SimpleString and the exec'd agent), as does a `python -c`
        # program, whose allocations are then kept.
        ours = [tracemalloc.Filter(False, tracemalloc.__file__)]
        if sys.argv[:1] != ["-c"]:
            ours.append(tracemalloc.Filter(False, "<string>", all_frames=True))
        snapshot = snapshot.filter_traces(ours)
        depth = tracemalloc.get_traceback_limit()
        baseline = self.baseline
        self.expire()
        sites = _growth(snapshot, baseline, "lineno")
        stacks = {}
        for stat in _growth(snapshot, baseline, "traceback"):
            frame = stat[0][-1]  # frames run from the oldest to the most recent
            key = (frame.filename, frame.lineno)
            if key not in stacks or stat[1] > stacks[key][0]:
                stacks[key] = (stat[1], ["%s:%d" % (f.filename, f.lineno) for f in stat[0]])
        rows = []
        for traceback, size, count in sites[:top]:
            key = (traceback[0].filename, traceback[0].lineno)
            rows.append({"file": key[0], "line": key[1], "size_diff": size, "count_diff": count,
                         "traceback": stacks.get(key, (0, []))[1]})
        return {"seconds": perf_counter() - self.began, "depth": depth,
                "started_tracing": self.started_tracing, "baseline": baseline is not None,
                "total_size_diff": sum(row[1] for row in sites), "sites": rows}


def _growth(snapshot, baseline, key):
    """(traceback, size growth, count growth) per `key`, largest growth first."""
    if baseline is None:
        rows = [(s.traceback, s.size, s.count) for s in snapshot.statistics(key)]
    else:
        rows = [(s.traceback, s.size_diff, s.count_diff) for s in snapshot.compare_to(baseline, key)]
    rows.sort(key=lambda row: -row[1])
    return rows


def _find(token):
    # By token, not class: each call execs this file afresh, so the class that
    # made the watcher is not the one this call defines.
    for callback in gc.callbacks:
        if type(callback).__name__ in ("_GCWatch", "_AllocWatch") and getattr(callback, "token", None) == token:
            return callback
    return None


def _gc_state():
    return {
        "python": python_version(),
        "thresholds": list(gc.get_threshold()), "counts": list(gc.get_count()),
        "generations": [len(gc.get_objects(g)) for g in range(3)], "permanent": gc.get_freeze_count(),
        "enabled": gc.isenabled(), "garbage": len(gc.garbage),
        "uncollectable_by_type": dict(Counter(map(qualified_name, map(type, gc.garbage)))),
    }


def _write(config, name, document):
    write_atomically(config["FOLDER"] + "/" + name, json.dumps(document).encode())


def _stop(config):
    """(the watcher for TOKEN removed from ``gc.callbacks`` or None, retry).
    Retry is true when called from inside a collection's callbacks, where
    removing an entry would make CPython skip the next one: memlens asks again."""
    watcher = _find(config["TOKEN"])
    if watcher is not None and watcher.in_collection:
        return None, True
    if watcher is not None:
        gc.callbacks.remove(watcher)
    return watcher, False


def _start(config, watcher):
    """Appends `watcher`, and hands it the modules the start imported."""
    watcher.modules = tuple(set(sys.modules) - config["MODULES_BEFORE"])
    gc.callbacks.append(watcher)


def _forget_modules(watcher):
    if watcher is not None:
        for name in watcher.modules:
            sys.modules.pop(name, None)


def gc_main(config, _mine):
    """``memlens gc`` entry for ``inject.py``; returns the status line."""
    if config["ACTION"] == "start":
        _start(config, _GCWatch(config["TOKEN"], config["DEADLINE"]))
        return "ok"
    watcher, retry = _stop(config)
    if retry:
        return "ok retry"
    result = watcher.report() if watcher is not None else {"lost": True}
    _forget_modules(watcher)
    del watcher
    result.update(_gc_state())
    if config["MEASURE_FULL"]:
        began = perf_counter()
        result["full_collected"] = gc.collect()
        result["full_seconds"] = perf_counter() - began
    _write(config, "gc.json", result)
    return "ok"


def alloc_main(config, _mine):
    """``memlens alloc`` entry for ``inject.py``; returns the status line."""
    if config["ACTION"] == "start":
        import tracemalloc

        watcher = _AllocWatch(config["TOKEN"], config["DEADLINE"], tracemalloc, config["DEPTH"])
        _start(config, watcher)
        return "ok"
    watcher, retry = _stop(config)
    if retry:
        return "ok retry"
    result = watcher.report(config["TOP"]) if watcher is not None else {"lost": True}
    _forget_modules(watcher)
    _write(config, "alloc.json", result)
    return "ok"
