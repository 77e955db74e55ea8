"""Snapshots on a signal, numbered per process: ``DIRECTORY/PID-N.mlh``."""

import os
import signal
import sys
import threading

from .snapshot import dump

_counter_lock = threading.Lock()
_counter = [0]


def snapshot_path(directory):
    """The next free ``DIRECTORY/PID-N.mlh`` for this process."""
    with _counter_lock:
        while True:
            _counter[0] += 1
            path = os.path.join(directory, "%d-%d.mlh" % (os.getpid(), _counter[0]))
            if not os.path.exists(path):
                return path


def snapshot_to(directory, values=True, report=None, frame=None):
    """Dumps into ``directory``; reports the result (or the error) through ``report``."""
    path = snapshot_path(directory)
    try:
        result = dump(path, values=values, exclude_frame=frame)
    except Exception as error:  # the target keeps running whatever happens
        if report is not None:
            report("error %s: %s" % (path, error))
        else:
            sys.stderr.write("memlens: snapshot failed: %s\n" % error)
        return None
    if report is not None:
        report("snapshot %s objects=%d bytes=%d seconds=%.3f" % (
            result["path"], result["objects"], result["bytes"], result["seconds"]))
    return result


def snapshot_at_exit(directory, values=True, report=None, ask=None):
    """The ``--snapshot-at-exit`` hook: asks memlens first when ``ask`` is given
    (see :func:`install_signal_handler`), else dumps into ``directory``."""
    if ask is None or not ask(None):
        snapshot_to(directory, values, report)


def install_signal_handler(signum=signal.SIGUSR2, directory=".", values=True, report=None, ask=None):
    """On ``signum``, write a snapshot to ``DIRECTORY/PID-N.mlh``.

    The handler runs on the main thread between bytecodes, as every Python
    signal handler does. The signal is also unblocked on the calling thread:
    a process started with it blocked (some launchers do that) would never
    receive it. Returns the handler that was installed before.
    ``report`` (a callable taking one line) is told where each snapshot went.
    ``ask`` (``handoff.Parent.ask``, given the interrupted frame) is tried first:
    when it returns True, memlens took the snapshot from outside.
    """
    directory = os.path.abspath(directory)
    os.makedirs(directory, exist_ok=True)

    def on_signal(signum, frame):
        if ask is None or not ask(frame):
            snapshot_to(directory, values=values, report=report, frame=frame)

    previous = signal.signal(signum, on_signal)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signum})
    return previous
