"""Pauses this process once so ``memlens footprint -- CMD`` can read its memory.

Used by ``memlens footprint``, which loads this file as a standalone module
(``_memlens_footprint``) from a ``sitecustomize`` and calls :func:`start`.
Importing it has no side effects. :func:`start` reads two pipe descriptors
from ``MEMLENS_FOOTPRINT_FDS``; when the interpreter is about to exit (an
``atexit`` hook registered first, so it runs after the program's own), or
``MEMLENS_FOOTPRINT_AFTER`` seconds after start, it writes ``PID REASON`` to
the first and blocks reading one byte from the second while memlens stops the
process, measures it and lets it go. Standard library only, Python 3.8+.
"""

import os


def start():
    """Installs the pause if memlens asked for one; never raises."""
    spec = os.environ.pop("MEMLENS_FOOTPRINT_FDS", None)  # not for child processes
    after = os.environ.pop("MEMLENS_FOOTPRINT_AFTER", None)
    if not spec:
        return
    try:
        wfd, rfd = [int(x) for x in spec.split(",")]
        os.set_inheritable(wfd, False)
        os.set_inheritable(rfd, False)
    except (ValueError, OSError):
        return
    import _thread
    import atexit

    owner = os.getpid()  # a forked child inherits the hook, but is not the one measured
    lock = _thread.allocate_lock()
    done = []

    def pause(reason):
        if os.getpid() != owner:
            return
        with lock:  # at exit, wait for a timer pause in progress
            if done:
                return
            done.append(reason)
            try:
                os.write(wfd, ("%d %s\n" % (owner, reason)).encode("ascii"))
                os.read(rfd, 1)  # memlens writes a byte (or exits) once it has measured
            except OSError:
                pass
            finally:
                for fd in (wfd, rfd):
                    try:
                        os.close(fd)
                    except OSError:
                        pass

    # Registered first, so it runs after the program's own atexit handlers.
    atexit.register(pause, "exit")
    if after:
        def timer(seconds):
            import time
            time.sleep(seconds)
            pause("after")

        _thread.start_new_thread(timer, (float(after),))
