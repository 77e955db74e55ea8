"""What each import costs: wall time, private dirty memory, allocated blocks.

Used by ``memlens imports``, which loads this file as a standalone module (not
through the ``memlens`` package, whose own imports would hide modules from the
report) from a ``sitecustomize`` and calls :func:`start`. Importing it has no
side effects; :func:`start` installs a meta-path finder that wraps each found
loader's ``create_module``/``exec_module``, and writes a JSON tree to the path
in ``MEMLENS_IMPORTS_OUTPUT`` when the interpreter exits.

Each module records, cumulatively (its own execution plus the imports it
triggers): wall time, the change in Private_Dirty and Rss of
``/proc/self/smaps_rollup`` (about 80-120 us a read on 3.8-3.13; ``statm`` is
the fallback, ~2 us, resident minus file-backed pages), and the change in
``sys.getallocatedblocks()`` (net blocks held by pymalloc: an approximation of
the objects created and kept; ``len(gc.get_objects())`` is far too slow per
import). Standard library only, Python 3.8+.
"""

import os
import sys
import time
from _thread import get_ident as _thread_id

from memlens._shared import import_stdlib, parse_rollup, write_atomically  # EmbedAgentTool puts memlens/_shared.py here

_PAGE = os.sysconf("SC_PAGE_SIZE")


class _Probe:
    """Reads this process's private dirty and resident bytes."""

    __slots__ = ("fd", "source", "spent_ns")

    def __init__(self):
        self.spent_ns = 0
        self.fd = -1
        self.source = "smaps_rollup"
        for name, source in (("/proc/self/smaps_rollup", "smaps_rollup"), ("/proc/self/statm", "statm")):
            try:
                self.fd = os.open(name, os.O_RDONLY | os.O_CLOEXEC)
                self.source = source
                self.read()
                return
            except (OSError, ValueError, KeyError):
                if self.fd >= 0:
                    os.close(self.fd)
                self.fd = -1
        self.source = "none"

    def read(self):
        """(private dirty bytes, rss bytes); (0, 0) if nothing is readable."""
        if self.fd < 0:
            return 0, 0
        t0 = time.perf_counter_ns()
        data = os.pread(self.fd, 4096, 0)
        if self.source == "smaps_rollup":
            fields = parse_rollup(data)
            rss, dirty = fields["Rss"], fields["Private_Dirty"]
        else:
            fields = data.split()
            rss = int(fields[1]) * _PAGE
            dirty = (int(fields[1]) - int(fields[2])) * _PAGE
        self.spent_ns += time.perf_counter_ns() - t0
        return dirty, rss


def _now_ns():
    return time.perf_counter_ns()


class _Recorder:
    """Per-thread stacks of imports in progress and the finished tree."""

    def __init__(self, listener=None):
        self.probe = _Probe()
        self.roots = []
        self.stacks = {}
        # listener(start_ns, node), called as each import ends; with one, no tree is kept.
        self.listener = listener

    def begin(self, name):
        probe = self.probe
        dirty, rss = probe.read()
        # [name, t0, dirty0, rss0, blocks0, probe_ns0, children]
        frame = [name, _now_ns(), dirty, rss, sys.getallocatedblocks(), probe.spent_ns, []]
        self.stacks.setdefault(_thread_id(), []).append(frame)
        return frame

    def end(self, frame, failed=False):
        end_ns = _now_ns()
        blocks = sys.getallocatedblocks()
        probe = self.probe
        spent_before = probe.spent_ns
        dirty, rss = probe.read()
        stack = self.stacks.get(_thread_id(), [])
        # Pop frames left open by a failed load below this one.
        while stack and stack[-1] is not frame:
            stack.pop()
        if not stack:
            return
        stack.pop()
        node = {
            "name": frame[0],
            "cumulative_ns": max(0, end_ns - frame[1] - (spent_before - frame[5])),
            "cumulative_bytes": dirty - frame[2],
            "cumulative_rss_bytes": rss - frame[3],
            "objects": blocks - frame[4],
            "children": frame[6],
        }
        if failed:
            node["failed"] = True
        if self.listener is not None:
            self.listener(frame[1], node)
            if not stack:
                return
        (stack[-1][6] if stack else self.roots).append(node)


class _TimedLoader:
    """Wraps a loader; shows the real one to the module while it executes."""

    def __init__(self, loader, recorder, name):
        self._memlens_loader = loader
        self._memlens_recorder = recorder
        self._memlens_name = name
        self._memlens_frame = None

    def __getattr__(self, attribute):
        return getattr(self._memlens_loader, attribute)

    def create_module(self, spec):
        self._memlens_frame = self._memlens_recorder.begin(self._memlens_name)
        try:
            return self._memlens_loader.create_module(spec)
        except BaseException:
            self._memlens_recorder.end(self._memlens_frame, failed=True)
            self._memlens_frame = None
            raise

    def exec_module(self, module):
        real = self._memlens_loader
        spec = getattr(module, "__spec__", None)
        if spec is not None and spec.loader is self:
            spec.loader = real
        if getattr(module, "__loader__", None) is self:
            module.__loader__ = real
        frame = self._memlens_frame or self._memlens_recorder.begin(self._memlens_name)
        self._memlens_frame = None
        failed = True
        try:
            real.exec_module(module)
            failed = False
        finally:
            self._memlens_recorder.end(frame, failed)


class _CostFinder:
    """First on ``sys.meta_path``: asks the other finders, wraps the loader found."""

    def __init__(self, recorder):
        self.recorder = recorder

    def find_spec(self, name, path=None, target=None):
        for finder in sys.meta_path:
            if finder is self:
                continue
            find = getattr(finder, "find_spec", None)
            if find is None:
                continue
            spec = find(name, path, target)
            if spec is None:
                continue
            loader = spec.loader
            if loader is not None and hasattr(loader, "exec_module") and hasattr(loader, "create_module"):
                spec.loader = _TimedLoader(loader, self.recorder, name)
            return spec
        return None


_state = {}


def start():
    """Starts recording if ``MEMLENS_IMPORTS_OUTPUT`` names a file; never raises."""
    path = os.environ.pop("MEMLENS_IMPORTS_OUTPUT", None)  # not for child processes
    if not path or _state:
        return
    try:
        import atexit
        recorder = _Recorder()
        finder = _CostFinder(recorder)
        sys.meta_path.insert(0, finder)
        _state.update(recorder=recorder, finder=finder, path=path, pid=os.getpid(), started=_now_ns())
        atexit.register(_write)
    except Exception as error:
        sys.stderr.write("memlens: import hook not started: %s\n" % error)


def stop():
    """Removes the finder; returns the recorded tree."""
    finder = _state.get("finder")
    if finder in sys.meta_path:
        sys.meta_path.remove(finder)
    recorder = _state.get("recorder")
    return recorder.roots if recorder else []


def _write():
    if _state.get("pid") != os.getpid():
        return  # a forked child: the parent reports
    roots = stop()
    recorder = _state["recorder"]
    json = import_stdlib("json")
    document = {
        "python": sys.version.split()[0],
        "pid": os.getpid(),
        "probe": recorder.probe.source,
        "total_ns": _now_ns() - _state["started"],
        "modules": roots,
    }
    path = _state["path"]
    write_atomically(path, json.dumps(document).encode())
