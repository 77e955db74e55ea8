"""memlens agent: heap snapshots of a running Python process, and an in-app monitor.

Standard library only; importing this package has no side effects.

    import memlens
    memlens.dump("app.mlh")                       # snapshot now
    memlens.install_signal_handler(signal.SIGUSR2, "snaps/")   # kill -USR2 PID → snaps/PID-N.mlh
    memlens.monitor(interval=60)                  # log growing types and uncollectable garbage

Read snapshots with the ``memlens`` command-line tool (``memlens summary app.mlh``).
"""

from .monitor import monitor
from .signals import install_signal_handler, snapshot_path
from .snapshot import dump

__all__ = ["dump", "install_signal_handler", "monitor", "snapshot_path"]
__version__ = "0.1.0"
