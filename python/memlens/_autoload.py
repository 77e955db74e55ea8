"""Start-up hook for ``memlens run``: reads MEMLENS_* variables, installs the handler.

``memlens run`` puts a ``sitecustomize.py`` that calls :func:`start` on
``PYTHONPATH``. ``start`` then imports the user's own ``sitecustomize``, if
there is one further down ``sys.path``, so theirs still runs.
"""

import atexit
import os
import signal
import sys

from ._chain import chain_sitecustomize


def _reporter():
    fd = os.environ.get("MEMLENS_REPORT_FD")
    if not fd:
        return None

    def report(line):
        try:
            os.write(int(fd), (line + "\n").encode("utf-8", "replace"))
        except (OSError, ValueError):
            sys.stderr.write("memlens: %s\n" % line)
    return report


def _parent(fd):
    """memlens, when it passed its snapshot socket (``handoff.py``); None for in-process dumps."""
    if not fd:
        return None
    from .handoff import Parent
    return Parent.from_variable(fd)


def start():
    """Installs what the MEMLENS_* environment asks for; never raises."""
    try:
        from .signals import install_signal_handler, snapshot_at_exit
        directory = os.environ.get("MEMLENS_OUTPUT_DIR", ".")
        values = os.environ.get("MEMLENS_VALUES", "1") != "0"
        report = _reporter()
        signum = int(os.environ.get("MEMLENS_SIGNAL", int(signal.SIGUSR2)))
        # Popped: a program this one runs is not memlens's child, and the numbers name other files there.
        parent = _parent(os.environ.pop("MEMLENS_SNAPSHOT_FD", None))
        ask = parent.ask if parent is not None else None
        install_signal_handler(signum, directory, values=values, report=report, ask=ask)
        if os.environ.get("MEMLENS_AT_EXIT") == "1":
            atexit.register(snapshot_at_exit, os.path.abspath(directory), values, report, ask)
        if os.environ.pop("MEMLENS_WATCH_HOOKS", None) == "1" and os.environ.get("MEMLENS_REPORT_FD"):
            from .watch_hooks import start as start_watch_hooks
            start_watch_hooks(int(os.environ["MEMLENS_REPORT_FD"]))
    except Exception as error:
        sys.stderr.write("memlens: agent not started: %s\n" % error)
    chain_sitecustomize(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
