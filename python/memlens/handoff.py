"""Snapshots taken by memlens from outside, asked for from inside.

Under ``memlens run`` (without ``--agent-dump``) memlens, the process's parent,
passes one end of a socket pair in ``MEMLENS_SNAPSHOT_FD``. On the signal, and
at exit with ``--snapshot-at-exit``, the agent writes one line on it,
``snapshot ID ID…``, and waits for a one-byte answer while memlens stops the
process, copies its memory and walks the copy (the
read-only walk: faster than a dump in here, and it names frame locals). The
IDs are what delivering the signal created (the handler's argument tuple, the
frame objects it made or ran in): memlens leaves them out of the snapshot, as
the in-process dump does.

Replies: ``w`` memlens wrote the snapshot (or said why not); ``a`` memlens
cannot read this process (a Python version its walk does not know, ptrace
refused): the agent dumps in-process. The agent dumps in-process as well when
memlens is gone (a closed socket) or has not answered in ``REPLY_SECONDS`` (then
for good: a late answer would be taken for the next request's).

What the wait holds was made before it and is left out by id; nothing here
outlives a request.
"""

import gc
import os
import select
import sys
import time

REPLY_SECONDS = 120.0
_LAZY_FRAMES = sys.version_info >= (3, 11)
# At most this many ids in a request (memlens refuses a longer line).
_MOST_IDS = 32


class Parent:
    """The socket memlens passed, and whether memlens still answers on it."""

    __slots__ = ("fd", "pid", "waiting", "none", "answers")

    def __init__(self, fd):
        os.set_inheritable(fd, False)  # a program this one runs is not memlens's child
        os.set_blocking(fd, False)
        self.fd = fd
        self.pid = os.getpid()  # a forked child is not the process memlens reads
        # Made now, so that select() allocates nothing tracked while memlens copies.
        self.waiting = [fd]
        self.none = []
        self.answers = True

    @classmethod
    def from_variable(cls, text):
        """The parent whose socket is descriptor ``text`` (digits), or None."""
        if not (text.isdigit() and len(text) < 8):
            return None
        return cls(int(text))

    def ask(self, frame):
        """Asks memlens for a snapshot of this process and waits for it. True when
        memlens took it (or reported why not); False when the agent should dump
        in-process instead. ``frame``: the frame a signal handler received, None at exit."""
        if not self.answers or os.getpid() != self.pid:
            return False
        answered = False
        try:
            answered = self._ask(frame)
        except Exception:  # a descriptor the program closed: the target carries on
            return False
        finally:
            # Unanswered (gone, timed out, interrupted by another handler's
            # exception): a late answer would be taken for the next request's.
            self.answers = self.answers and answered is not False
        return answered is True

    def _ask(self, frame):
        """Writes the request; True on ``w``, None on ``a``, False when memlens does not answer."""
        line = _request_line(frame)
        try:
            os.write(self.fd, line)
        except OSError:  # memlens is gone (EPIPE) or not reading (EAGAIN)
            return False
        del line
        deadline = time.monotonic() + REPLY_SECONDS
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                sys.stderr.write("memlens: no answer from memlens in %d s; the agent dumps in-process from now on\n"
                                 % REPLY_SECONDS)
                return False
            if select.select(self.waiting, self.none, self.none, left)[0]:
                try:
                    answer = os.read(self.fd, 1)
                except BlockingIOError:
                    continue
                return True if answer == b"w" else None if answer == b"a" else False  # b"": memlens is gone

def _request_line(frame):
    """``snapshot ID…\\n``: the ids of what delivering the signal created."""
    ids = _delivery_objects(frame, sys._getframe(1) if not _LAZY_FRAMES else None)
    return ("snapshot" + "".join(" %d" % i for i in ids[:_MOST_IDS]) + "\n").encode()


def _delivery_objects(frame, handler):
    """Ids of the handler's ``(signum, frame)`` argument tuple; on 3.11+ the frame
    object (made for the handler); before 3.11 the frame objects of every
    function from ``handler`` out to the interrupted ``frame`` (all of them at exit)."""
    ids = []
    if frame is not None:
        if _LAZY_FRAMES:
            ids.append(id(frame))
        # Just made, so young: the two youngest generations are small to search.
        for generation in (0, 1):
            for candidate in gc.get_objects(generation):
                if type(candidate) is tuple and len(candidate) == 2 and candidate[1] is frame:
                    ids.append(id(candidate))
    while handler is not None and handler is not frame:
        ids.append(id(handler))
        handler = handler.f_back
    return ids
