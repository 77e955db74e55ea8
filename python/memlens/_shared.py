"""Helpers shared by the package and by the files memlens runs inside a target.

The files in ``python/target/`` (and ``snapshot.py``, which ``memlens snapshot
PID --agent`` executes whole) run where the ``memlens`` package cannot be
imported: through ``exec`` of their text, or as a lone module beside a
``sitecustomize``. They import these helpers with a line of the form
``from memlens._shared import …`` (``from ._shared import …`` in the package),
and EmbedAgentTool, which builds the files into the memlens binary, puts the
text of this file in that line's place. So there is one source, the shipped
files stay self-contained, and each file still reads (and lints) as Python.
Keep it flat: standard library imports and top-level functions only.
"""

import os
import sys


def qualified_name(cls):
    """``module.QualName`` of a class, the bare name for builtins."""
    name = getattr(cls, "__qualname__", None)
    if not isinstance(name, str):  # a metaclass may shadow it
        name = cls.__name__
    module = getattr(cls, "__module__", None)
    if isinstance(module, str) and module != "builtins":
        return module + "." + name
    return name


def python_version():
    """``3.11.4``: this interpreter's version."""
    return "%d.%d.%d" % sys.version_info[:3]


def import_stdlib(name):
    """The standard library module ``name``, imported (if it is not already)
    with ``sys.path`` cut to the interpreter's own folders. A late import in a
    target (at exit, after ``sys.path[0]`` became the script's folder or the
    working folder) must not load a ``json.py`` another user planted there."""
    module = sys.modules.get(name)
    if module is not None:
        return module
    saved = list(sys.path)
    roots = tuple(os.path.join(root, "") for root in {sys.base_prefix, sys.base_exec_prefix})
    sys.path[:] = [p for p in saved if p and os.path.isabs(p) and os.path.join(p, "").startswith(roots)]
    try:
        __import__(name)
    finally:
        sys.path[:] = saved
    return sys.modules[name]


def parse_rollup(data):
    """The ``Name:  N kB`` fields of ``/proc/self/smaps_rollup`` text (bytes), in bytes, by name."""
    fields = {}
    for line in data.split(b"\n"):
        parts = line.split()
        if len(parts) == 3 and parts[0].endswith(b":"):
            fields[parts[0][:-1].decode()] = int(parts[1]) * 1024
    return fields


def write_atomically(path, data):
    """Writes ``data`` (bytes) to ``path`` whole: to a new file beside it, created
    O_EXCL|O_NOFOLLOW with mode 0600 (a file or link another user planted is
    never opened), then renamed over ``path``, so a reader never sees part of it."""
    temporary = "%s.%d.%s.tmp" % (path, os.getpid(), os.urandom(8).hex())
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except BaseException:
        os.close(fd)
        os.unlink(temporary)
        raise
    os.close(fd)
    os.replace(temporary, path)
